// The session's statements: each input that parses is split into statements, each with a
// replacement key; those with a used key replace the old ones, and the whole list is
// loaded and checked as one script (so the REPL sees exactly `rnn check`'s diagnostics).
#include "interpreter/repl/session.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"
#include "interpreter/repl/input.hpp"
#include "runtime/files.hpp"

namespace rnn::interp {

using repl::parse_query;
using repl::trim;

namespace {

// The replacement key of a statement: a later statement with the same key replaces it.
std::string statement_key(const ast::Statement& s, std::string_view text) {
    using K = ast::Statement::Kind;
    switch (s.kind) {
        case K::Seed:
        case K::Output:
            return ast::statement_keyword(s.kind);
        case K::Plot:
            return "plot " + s.file;
        case K::Include:
        case K::For:
            return std::string(text);
        default: {
            std::string name = s.name;
            if (!s.name_index.empty())
                name += "[]" + std::string(text);  // an indexed family: its text
            return std::string(ast::statement_keyword(s.kind)) + " " + name;
        }
    }
}

}  // namespace

Session::Session(SessionOptions options) : opt_(std::move(options)) {
    if (!opt_.out)
        opt_.out = [](const std::string& s) {
            std::cout << s << std::flush;
        };
    if (!opt_.err)
        opt_.err = [](const std::string& s) {
            std::cerr << s << std::flush;
        };
}

void Session::error(const std::string& message) {
    had_error_ = true;
    opt_.err(message);
}

std::string Session::joined() const {
    return joined(entries_);
}

std::string Session::joined(const std::vector<Entry>& entries) {
    std::string text;
    for (const auto& e : entries)
        text += e.text + "\n";
    return text;
}

void Session::syntax_error(const std::string& text, const grammar::SyntaxError& e) {
    SourceMap sources;
    sources.add(kSessionName, text);
    Diagnostics d;
    d.error(code_from_id(e.code).value_or(Code::ExpectedStatement), e.where, e.message);
    error(render(d.all().front(), sources, opt_.color));
}

bool Session::feed(const std::string& line) {
    const std::string trimmed = trim(line);
    if (pending_.empty()) {
        if (trimmed.empty() || trimmed[0] == '#')
            return false;
        if (trimmed[0] == ':') {
            command(trimmed);
            return false;
        }
        if (parse_query(trimmed)) {
            query(trimmed);
            return false;
        }
    }
    std::string text = pending_ + line + "\n";
    try {
        (void)grammar::parse(text, 0, kSessionName);
    } catch (const grammar::ParseFailure& f) {
        if (f.error.incomplete) {
            pending_ = std::move(text);
            return true;
        }
        pending_.clear();
        syntax_error(text, f.error);
        return false;
    }
    pending_.clear();
    add_statements(text);
    return false;
}

void Session::finish() {
    if (pending_.empty())
        return;
    const std::string text = std::move(pending_);
    pending_.clear();
    add_statements(text);  // reports the syntax error at the end of the input
}

std::vector<ScriptPiece> Session::pieces(const std::vector<Entry>& entries) {
    std::vector<ScriptPiece> out;
    for (const auto& e : entries) {
        if (out.empty() || out.back().directory != e.directory)
            out.push_back(ScriptPiece{kSessionName, "", e.directory});
        out.back().text += e.text + "\n";
    }
    return out;
}

bool Session::add_statements(const std::string& text, const std::string& directory) {
    ast::Module module;
    try {
        module = grammar::parse(text, 0, kSessionName);
    } catch (const grammar::ParseFailure& f) {
        syntax_error(text, f.error);
        return false;
    }
    std::vector<Entry> added;
    for (const auto& s : module.statements) {
        const std::string piece = text.substr(s.span.begin, s.span.end - s.span.begin);
        added.push_back(Entry{statement_key(s, piece), piece, directory});
    }
    std::vector<Entry> next;
    std::vector<std::string> replaced;
    for (const auto& e : entries_) {
        const bool again =
            std::any_of(added.begin(), added.end(), [&](const Entry& a) { return a.key == e.key; });
        if (again)
            replaced.push_back(e.key);
        else
            next.push_back(e);
    }
    next.insert(next.end(), added.begin(), added.end());
    Loaded l = load_pieces(pieces(next));
    if (!l.program) {
        // Warnings (an unused task) are normal while a session grows: errors only.
        std::string out;
        for (const auto& d : l.diagnostics.all())
            if (d.severity == Severity::Error)
                out += render(d, l.sources, opt_.color);
        error(out);
        return false;
    }
    entries_ = std::move(next);
    program_ = std::move(l.program);
    sources_ = std::move(l.sources);
    for (const auto& key : replaced)
        say(fmt::format("(replaces the earlier {})\n", key));
    return true;
}

bool Session::load(const std::string& path) {
    std::string why;
    const auto text = rt::read_file(path, why, rt::kMaxScriptBytes);
    if (!text) {
        error(fmt::format("{}: error: cannot read the script: {} [E0001]\n", path, why));
        return false;
    }
    // Its includes, arrays and data files resolve against its own directory, as `rnn run`
    // reads them.
    if (!add_statements(*text, std::filesystem::path(path).parent_path().string()))
        return false;
    say(fmt::format("loaded {}\n", path));
    return true;
}

std::string Session::program_text() const {
    const std::string text = joined();
    try {
        return grammar::format_module(grammar::parse(text, 0, kSessionName), text);
    } catch (const grammar::ParseFailure&) {
        return text;
    }
}

}  // namespace rnn::interp
