// The first pass for expressions: prints them into the current line with the parentheses
// their binding requires, numbers as written, strings quoted, and the line breaks the source
// had (before an operator, after a comma); block calls on one line or one field per line.
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "grammar/format_lines.hpp"

namespace rnn::grammar::layout {

namespace {

using K = Expr::Kind;

int binary_prec(const std::string& op) {
    if (op == "or")
        return kOr;
    if (op == "and")
        return kAnd;
    if (op == "+" || op == "-")
        return kAdd;
    if (op == "*" || op == "/")
        return kMul;
    return kCompare;
}

int prec(const Expr& e) {
    switch (e.kind) {
        case K::Sustained:
            return kSustained;
        case K::Binary:
            return binary_prec(e.text);
        case K::Unary:
            return e.text == "not" ? kNot : kNeg;
        case K::Range:
            return kRange;
        case K::Jitter:
            return kJitter;
        case K::Member:
        case K::Index:
            return kPostfix;
        default:
            return kPrimary;
    }
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::string quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

// The number as it was written (`1e-6` stays `1e-6`), then its unit.
std::string Formatter::number_text(const Expr& e) const {
    std::size_t i = e.span.begin;
    const std::size_t b = i, n = src_.size();
    auto digits = [&] {
        while (i < n && is_digit(src_[i]))
            ++i;
    };
    digits();
    if (i > b && i + 1 < n && src_[i] == '.' && is_digit(src_[i + 1])) {
        ++i;
        digits();
    }
    if (i > b && i < n && (src_[i] == 'e' || src_[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < n && (src_[j] == '+' || src_[j] == '-'))
            ++j;
        if (j < n && is_digit(src_[j])) {
            i = j;
            digits();
        }
    }
    std::string out(src_.substr(b, i - b));
    // A tree not parsed from this text (or a span that does not point at the number):
    // print the value itself, in the shortest form that reads back exactly.
    if (out.empty() || std::strtod(out.c_str(), nullptr) != e.number) {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, e.number);
        out.assign(buf, r.ptr);
    }
    if (!e.unit.empty())
        out += " " + e.unit;
    return out;
}

// The tree has no parentheses: they are put back where binding requires them.
void Formatter::expr(const Expr& e, int min_prec) {
    if (prec(e) < min_prec) {
        put("(");
        bare(e);
        put(")");
    } else {
        bare(e);
    }
}

void Formatter::bare(const Expr& e) {
    touch(e.span.begin, e.span.begin + 1);
    switch (e.kind) {
        case K::Number:
            put(number_text(e));
            break;
        case K::String:
            put(quote(e.text));
            break;
        case K::Bool:
            put(e.boolean ? "true" : "false");
            break;
        case K::Name:
            put(e.text);
            break;
        case K::Member:
            expr(*e.items.at(0), kPostfix);
            put(".");
            put(e.text);
            break;
        case K::Index:
            expr(*e.items.at(0), kPostfix);
            put("[");
            items(e.items, 1, nullptr);
            put("]");
            break;
        case K::Call:
            put(e.text);
            put("(");
            items(e.items, 0, &e.arg_names);
            put(")");
            break;
        case K::BlockCall:
            block_call(e);
            break;
        case K::Unary: {
            // `- - x` and `not not x` are runs of one operator, which need no parentheses.
            const Expr& operand = *e.items.at(0);
            const bool repeat = operand.kind == K::Unary && operand.text == e.text;
            if (e.text == "not") {
                put("not ");
                expr(operand, repeat ? kNot : kCompare);
            } else {
                put(repeat ? "- " : "-");  // `--x` would read as a decrement
                expr(operand, repeat ? kNeg : kJitter);
            }
            break;
        }
        case K::Binary:
            binary(e);
            break;
        case K::List:
            put("[");
            items(e.items, 0, nullptr);
            put("]");
            break;
        case K::Range:
            expr(*e.items.at(0), kAdd);
            put("..");
            expr(*e.items.at(1), kAdd);
            break;
        case K::Jitter:
            expr(*e.items.at(0), kPostfix);
            put(" +- ");
            expr(*e.items.at(1), kPostfix);
            break;
        case K::Sustained:
            expr(*e.items.at(0), kOr);
            put(" for ");
            expr(*e.items.at(1), kPrimary);
            break;
    }
    if (e.span.end > e.span.begin)
        touch(e.span.end - 1, e.span.end);
}

// A chain of one left-associative operator (`a - b + c`) is printed flat. A line break
// the source had between two operands is kept, before the operator, and the operator
// hangs so that the operands line up under the first one.
void Formatter::binary(const Expr& e) {
    const int level = prec(e);
    const bool assoc = level != kCompare;
    std::vector<const Expr*> spine{&e};
    while (assoc) {
        const Expr& left = *spine.back()->items.at(0);
        if (left.kind != K::Binary || prec(left) != level)
            break;
        spine.push_back(&left);
    }
    const Expr& first = *spine.back()->items.at(0);
    const int col0 = column();
    const int start_indent = cur().indent;
    expr(first, assoc ? level : level + 1);
    const Expr* prev = &first;
    for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
        const Expr& b = **it;
        const Expr& right = *b.items.at(1);
        if (newline_between(prev->span.end, right.span.begin)) {
            int col = col0 - width(b.text) - 1;
            if (col <= start_indent)
                col = col0;
            open_line(col, LineKind::Continuation, col);
            put(b.text);
            put(" ");
        } else {
            put(" ");
            put(b.text);
            put(" ");
        }
        expr(right, level + 1);
        prev = &right;
    }
}

// Arguments, list items, indices: `a, b`; a line break the source had after a comma is
// kept, and the next item lines up under the first.
void Formatter::items(const std::vector<ast::ExprPtr>& list, std::size_t from,
                      const std::vector<std::string>* names) {
    const int col0 = column();
    for (std::size_t i = from; i < list.size(); ++i) {
        if (i > from) {
            put(",");
            if (newline_between(list[i - 1]->span.end, list[i]->span.begin))
                open_line(col0, LineKind::Continuation, col0);
            else
                put(" ");
        }
        if (names && i < names->size() && !(*names)[i].empty()) {
            put((*names)[i]);
            put(": ");
        }
        expr(*list[i], kSustained);
    }
}

// `adam { lr = 0.005 }` stays on one line when it was written on one line and the line
// fits; otherwise its fields go one per line like a statement's.
void Formatter::block_call(const Expr& e) {
    // A bare block `{ ... }` has no name: the blank before its brace is the one after `=`.
    if (e.text.empty() && !cur().text.empty() && cur().text.back() == ' ')
        cur().text.pop_back();
    put(e.text);
    const std::uint32_t close = close_brace(e.span);
    const std::uint32_t after = e.span.begin + static_cast<std::uint32_t>(e.text.size());
    if (e.fields.empty() && !comment_within(after, close)) {
        put(" {}");
        return;
    }
    // In one line, fields are parted by commas, and a parameter line's modifiers would
    // swallow the field after it.
    bool one_line = !force_expand_ && !newline_between(e.span.begin, e.span.end);
    for (std::size_t i = 0; one_line && i + 1 < e.fields.size(); ++i)
        one_line = e.fields[i].kind == Field::Kind::Assign;
    if (one_line) {
        put(" { ");
        for (std::size_t i = 0; i < e.fields.size(); ++i) {
            if (i > 0)
                put(", ");
            field(e.fields[i], 0);
        }
        put(" }");
        cur().inline_block = true;
        return;
    }
    fields_body(e.fields, after, close, cur().indent);
}

}  // namespace rnn::grammar::layout
