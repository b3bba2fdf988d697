// The parser: the seed-000 example parses into the expected tree; each commit point
// reports its own message at the right place.
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "grammar/keywords.hpp"
#include "grammar/parser.hpp"

namespace g = rnn::grammar;
using rnn::ast::Expr;
using rnn::ast::Statement;

namespace {
g::SyntaxError error_of(const std::string& text) {
    try {
        g::parse(text, 0, "t.rnn");
    } catch (const g::ParseFailure& f) {
        return f.error;
    }
    FAIL("expected a syntax error for: " << text);
    return {};
}
}  // namespace

TEST_CASE("the seed-000 example parses into statements with spans") {
    std::ifstream in(RNN_SOURCE_DIR "/examples/hopfield_memories.rnn");
    std::stringstream s;
    s << in.rdbuf();
    const auto m = g::parse(s.str(), 0, "hopfield_memories.rnn");
    REQUIRE(m.statements.size() == 10);
    CHECK(m.statements[2].kind == Statement::Kind::Task);
    CHECK(m.statements[2].name == "memories");
    const Statement& train = m.statements[4];
    CHECK(train.kind == Statement::Kind::Train);
    CHECK(train.head->text == "hop");
    CHECK(train.target->text == "memories");
    const auto& stop = train.body.back();
    CHECK(stop.name == "stop_when");
    REQUIRE(stop.value->kind == Expr::Kind::Sustained);
    CHECK(stop.value->items[1]->number == 20);
    CHECK(stop.value->items[1]->unit == "epochs");
    CHECK(stop.value->items[0]->text == "and");
    CHECK(!m.comments.empty());
}

TEST_CASE("expressions keep precedence, units, jitter and named arguments") {
    const auto m = g::parse(
        "task t = x { a = -1 - 2 * 3\n b = 3000 ms +- 1000 ms, c = f(y, during: z) }", 0, "t");
    const auto& body = m.statements[0].body;
    REQUIRE(body.size() == 3);
    const Expr& a = *body[0].value;
    CHECK(a.kind == Expr::Kind::Binary);
    CHECK(a.text == "-");
    CHECK(a.items[0]->kind == Expr::Kind::Unary);
    CHECK(a.items[1]->text == "*");
    const Expr& b = *body[1].value;
    CHECK(b.kind == Expr::Kind::Jitter);
    CHECK(b.items[0]->unit == "ms");
    const Expr& c = *body[2].value;
    CHECK(c.kind == Expr::Kind::Call);
    CHECK(c.arg_names[1] == "during");
}

TEST_CASE("a unit word that names the next field is not taken as a unit") {
    const auto m = g::parse("task t = x { a = 5\n s = 3 }", 0, "t");
    REQUIRE(m.statements[0].body.size() == 2);
    CHECK(m.statements[0].body[0].value->unit.empty());
    CHECK(m.statements[0].body[1].name == "s");
}

TEST_CASE("syntax errors say what was expected, where") {
    auto e = error_of("task x memory_recall");
    CHECK(e.message == "expected '='");
    CHECK(e.where.line == 1);
    CHECK(e.where.column == 8);
    e = error_of("task x = m { units = }");
    CHECK(e.message == "expected a value or an expression");
    CHECK(e.where.column == 22);
    e = error_of("plot f(x) \"a.png\"");
    CHECK(e.message == "expected 'to' and the output file name");
    e = error_of("network n = rnn {\n  W : init normal(0.1\n}");
    CHECK(e.message == "expected ')' to close the '(' opened at 2:18");
    CHECK(e.where.line == 3);
    e = error_of("task t = m { a = \"open }");
    CHECK(e.message == "expected the closing '\"' of the string on the same line");
    e = error_of("x = 3");
    CHECK(e.message.find("expected a statement") == 0);
}

TEST_CASE("a block left open is named with the place it was opened") {
    const auto e = error_of("task t = m {\n  a = 1\nnetwork n = rnn { units = 8 }\n");
    CHECK(e.message == "expected '}' to close the block opened at 1:12");
    CHECK(e.where.line == 3);
}

TEST_CASE("input that ends inside a block is reported as incomplete, at the open brace") {
    const auto open = error_of("task x = y {\n  a = 1\n");
    CHECK(open.incomplete);
    CHECK(open.where.line == 1);
    CHECK(open.where.column == 12);
    CHECK(open.message.find("never closed") != std::string::npos);
    CHECK(!error_of("task x = y { a = 1 } }").incomplete);
}

TEST_CASE("deep nesting is an error, not a crash") {
    const std::string deep =
        "analyze a = f(" + std::string(5000, '(') + "1" + std::string(5000, ')') + ")";
    CHECK(error_of(deep).message.find("nested too deeply") != std::string::npos);
}

TEST_CASE("prefix operators keep the whole operand: not a < b, -a +- b") {
    const auto m = g::parse("analyze x = not z <= 3\nanalyze y = -a +- b\n", 0, "t.rnn");
    const Expr& n = *m.statements[0].head;
    REQUIRE(n.kind == Expr::Kind::Unary);
    CHECK(n.text == "not");
    REQUIRE(n.items[0]->kind == Expr::Kind::Binary);
    CHECK(n.items[0]->text == "<=");
    const Expr& neg = *m.statements[1].head;
    REQUIRE(neg.kind == Expr::Kind::Unary);
    CHECK(neg.items[0]->kind == Expr::Kind::Jitter);
}

TEST_CASE("every keyword of the table is reserved, and a name in its place says so") {
    for (const g::Keyword& k : g::keywords()) {
        CAPTURE(k.word);
        const auto e = error_of("network " + std::string(k.word) + " = rnn");
        CHECK(e.code == "E0014");
        CHECK(e.message
              == "expected a name for the definition ('" + std::string(k.word) + "' is a keyword)");
        // Inside expressions only some are reserved: a task signal may be called `output`.
        // (A block call: no literal or operator can take the word's place there.)
        const std::string value = "analyze a = " + std::string(k.word) + " { x = 1 }";
        bool parses = true;
        try {
            g::parse(value, 0, "t.rnn");
        } catch (const g::ParseFailure&) {
            parses = false;
        }
        // `not` is an operator, and a bare block `{ x = 1 }` an operand (the checker
        // refuses a block there): the only reserved word before which it parses.
        CHECK(parses == (!k.in_expressions || k.word == "not"));
    }
    CHECK(g::find_keyword("alter") != nullptr);
    CHECK(g::find_keyword("alters") == nullptr);
    CHECK(g::keyword_at("alter_x = 1") == nullptr);
    REQUIRE(g::keyword_at("alter a") != nullptr);
    CHECK(g::keyword_at("alter a")->word == "alter");
}

TEST_CASE("each statement keyword starts its statement, and the statement error names them all") {
    const std::string all = error_of("x = 3").message;
    for (const g::Keyword& k : g::keywords()) {
        if (!k.statement)
            continue;
        CAPTURE(k.word);
        CHECK(rnn::ast::statement_keyword(*k.statement) == k.word);
        CHECK(all.find(" " + std::string(k.word)) != std::string::npos);
        // After an unclosed block a statement keyword is the block's missing '}'.
        const auto e = error_of("task t = m {\n  a = 1\n" + std::string(k.word) + " x");
        CHECK(e.code == "E0032");
        CHECK(e.message == "expected '}' to close the block opened at 1:12");
    }
}

TEST_CASE("syntax errors carry the code of their entry in the error table") {
    CHECK(error_of("task x memory_recall").code == "E0015");
    CHECK(error_of("task t = m { 3 }").code == "E0033");
    CHECK(error_of("task t = m { a = 1 +\n }").code == "E0025");
    CHECK(error_of("x = 3").code == "E0010");
    CHECK(error_of("for i 1..3 { }").code == "E0019");
}

TEST_CASE("the language reference and the fuzz dictionary list the keyword table") {
    auto read = [](const std::string& path) {
        std::ifstream in(std::string(RNN_SOURCE_DIR) + "/" + path);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    };
    // The docs wrap their lines: compare with blank space collapsed.
    std::string docs;
    for (const char c : read("docs/language.md"))
        if (!(c == ' ' || c == '\n') || (docs.empty() || docs.back() != ' '))
            docs += c == '\n' ? ' ' : c;
    std::string all, in_expressions;
    for (const g::Keyword& k : g::keywords()) {
        all += (all.empty() ? "" : " ") + std::string(k.word);
        if (k.in_expressions)
            in_expressions += (in_expressions.empty() ? "" : " ") + std::string(k.word);
    }
    CHECK(docs.find("Keywords (`" + all + "`)") != std::string::npos);
    CHECK(docs.find("Inside expressions only `" + in_expressions + "` are reserved")
          != std::string::npos);
    const std::string dict = read("tests/fuzz/rnn.dict");
    for (const g::Keyword& k : g::keywords()) {
        const std::string w(k.word);
        CHECK(dict.find("kw_" + w + "=\"" + w + "\"\n") != std::string::npos);
    }
}
