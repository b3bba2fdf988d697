// `rnn repl`: see repl.hpp. The session's program is the list of its statements; the
// results come from the engine (execute.hpp) run on the part of the graph they need, into
// the session's run directory, and are read back from what the engine wrote there.
#include "interpreter/repl.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <editline/readline.h>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"
#include "interpreter/cli/progress_reporter.hpp"
#include "interpreter/check/statements.hpp"
#include "interpreter/engine/execute.hpp"
#include "interpreter/graph/graph_print.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/training.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSessionName = "repl";  // how diagnostics name the session's text
constexpr const char* kScriptName = "repl.rnn";

constexpr const char* kCommandHelp =
    "statements     define or redefine (a definition with a name already used replaces it)\n"
    "NAME           run what NAME needs and print its results (a train, evaluate, analyze,\n"
    "               alter) or its definition (a task, network); NAME.TENSOR: a tensor\n"
    ":help [NAME]   these commands, a statement's syntax and fields (:help train), or a\n"
    "               stdlib entry's parameters and doc (:help pca)\n"
    ":vars          the session's definitions\n"
    ":show NAME     parameters, shapes and results of a definition (NAME.TENSOR: a tensor)\n"
    ":graph         the execution graph\n"
    ":run           run everything, plots included\n"
    ":load FILE     add FILE's statements to the session\n"
    ":save FILE     write the session as a .rnn file that `rnn run` reproduces\n"
    ":quit          leave (also Ctrl-D)\n";

const std::vector<std::string>& commands() {
    static const std::vector<std::string> c{":help", ":vars", ":show", ":graph",
                                            ":run",  ":load", ":save", ":quit"};
    return c;
}

const std::vector<std::string>& keywords() {
    static const std::vector<std::string> k{"seed",  "output",   "include", "task",  "network",
                                            "train", "evaluate", "analyze", "alter", "plot",
                                            "for",   "in",       "on",      "to",    "and",
                                            "or",    "not",      "true",    "false"};
    return k;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A request for a result: NAME, NAME[i, j], then .MEMBER parts (`fit.W_self.raw`). The
// instance name has its index without blanks (`fit[3,tanh]`), as the checker names it.
struct Query {
    std::string name;
    std::vector<std::string> members;
};

std::optional<Query> parse_query(const std::string& s) {
    std::size_t i = 0;
    Query q;
    if (s.empty() || !ident_start(s[0]))
        return std::nullopt;
    while (i < s.size() && ident_char(s[i]))
        q.name += s[i++];
    if (std::find(keywords().begin(), keywords().end(), q.name) != keywords().end())
        return std::nullopt;
    if (i < s.size() && s[i] == '[') {
        const auto close = s.find(']', i);
        if (close == std::string::npos)
            return std::nullopt;
        std::string index;
        for (std::size_t k = i; k <= close; ++k)
            if (s[k] != ' ' && s[k] != '\t')
                index += s[k];
        q.name += index;
        i = close + 1;
    }
    while (i < s.size()) {
        if (s[i] != '.' || i + 1 >= s.size() || !ident_start(s[i + 1]))
            return std::nullopt;
        ++i;
        std::string m;
        while (i < s.size() && ident_char(s[i]))
            m += s[i++];
        q.members.push_back(m);
    }
    return q;
}

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

std::string number_text(double v) {
    return fmt::format("{:.6g}", v);
}

// A metrics table as people read it: scalars as `name  value` lines, arrays of one length
// as the columns of a table with one row per element (the first 12 rows, then a count).
std::string result_table(const toml::table& t) {
    std::string out;
    std::vector<std::pair<std::string, std::string>> scalars;
    std::vector<std::pair<std::string, std::vector<std::string>>> columns;
    for (const auto& [k, v] : t) {
        const std::string key(k.str());
        if (const auto* a = v.as_array()) {
            std::vector<std::string> cells;
            for (const auto& x : *a)
                cells.push_back(x.is_number() ? number_text(x.value<double>().value_or(0.0))
                                              : x.value_or(std::string("?")));
            columns.emplace_back(key, std::move(cells));
        } else if (v.is_boolean())
            scalars.emplace_back(key, *v.value<bool>() ? "true" : "false");
        else if (v.is_number())
            scalars.emplace_back(key, number_text(v.value<double>().value_or(0.0)));
        else if (v.is_string())
            scalars.emplace_back(key, *v.value<std::string>());
    }
    std::size_t width = 0;
    for (const auto& [k, v] : scalars)
        width = std::max(width, k.size());
    for (const auto& [k, v] : scalars)
        out += fmt::format("  {:<{}}  {}\n", k, width, v);
    if (!columns.empty()) {
        std::size_t rows = 0;
        for (const auto& [k, c] : columns)
            rows = std::max(rows, c.size());
        std::vector<std::size_t> w;
        std::string head = "  #  ";
        for (const auto& [k, c] : columns) {
            std::size_t cw = k.size();
            for (const auto& cell : c)
                cw = std::max(cw, cell.size());
            w.push_back(cw);
            head += fmt::format("  {:>{}}", k, cw);
        }
        out += head + "\n";
        const std::size_t shown = std::min<std::size_t>(rows, 12);
        for (std::size_t r = 0; r < shown; ++r) {
            std::string line = fmt::format("  {:<3}", r);
            for (std::size_t c = 0; c < columns.size(); ++c)
                line += fmt::format("  {:>{}}",
                                    r < columns[c].second.size() ? columns[c].second[r] : "", w[c]);
            out += line + "\n";
        }
        if (rows > shown)
            out += fmt::format("  ... {} more rows\n", rows - shown);
    }
    return out;
}

// A matrix's shape, summary statistics and top-left corner.
std::string tensor_summary(const std::string& label, const arma::mat& m) {
    std::string out = fmt::format("{}: {} x {}", label, m.n_rows, m.n_cols);
    if (m.n_elem == 0)
        return out + "\n";
    out += fmt::format("  mean {}  std {}  min {}  max {}  zeros {}\n",
                       number_text(arma::mean(arma::vectorise(m))),
                       number_text(m.n_elem > 1 ? arma::stddev(arma::vectorise(m)) : 0.0),
                       number_text(m.min()), number_text(m.max()),
                       static_cast<std::size_t>(arma::accu(m == 0.0)));
    const arma::uword rows = std::min<arma::uword>(m.n_rows, 6);
    const arma::uword cols = std::min<arma::uword>(m.n_cols, 6);
    for (arma::uword r = 0; r < rows; ++r) {
        std::string line = " ";
        for (arma::uword c = 0; c < cols; ++c)
            line += fmt::format(" {:>9.4f}", m(r, c) + 0.0);  // + 0.0: no "-0.0000"
        if (cols < m.n_cols)
            line += "  ...";
        out += line + "\n";
    }
    if (rows < m.n_rows)
        out += "  ...\n";
    return out;
}

std::string params_lines(const stdlib::Params& p) {
    std::string out;
    std::size_t width = 0;
    for (const auto& [k, v] : p.values())
        width = std::max(width, k.size());
    for (const auto& [k, v] : p.values())
        out += fmt::format("  {:<{}} = {}\n", k, width, stdlib::format_value(v));
    return out;
}

// What kind of definition NAME is ("task", "network", "train", "alter", "evaluate",
// "analyze"), or "" for none.
std::string kind_of(const Program& p, const std::string& name) {
    return p.tasks.count(name)       ? "task"
           : p.networks.count(name)  ? "network"
           : p.trains.count(name)    ? "train"
           : p.alters.count(name)    ? "alter"
           : p.evaluates.count(name) ? "evaluate"
           : p.analyses.count(name)  ? "analyze"
                                     : "";
}

std::vector<std::string> defined_names(const Program& p) {
    std::vector<std::string> names;
    auto add = [&](const auto& map) {
        for (const auto& entry : map)
            names.push_back(entry.first);
    };
    add(p.tasks);
    add(p.networks);
    add(p.trains);
    add(p.alters);
    add(p.evaluates);
    add(p.analyses);
    return names;
}

// The graph restricted to the nodes `wanted` need (their inputs, transitively), with the
// inputs renumbered; keys are those of the whole graph, so the cache is shared with it.
Graph subgraph(const Graph& g, const std::vector<std::size_t>& wanted) {
    std::vector<bool> keep(g.nodes.size(), false);
    std::vector<std::size_t> stack = wanted;
    while (!stack.empty()) {
        const std::size_t i = stack.back();
        stack.pop_back();
        if (keep[i])
            continue;
        keep[i] = true;
        for (const std::size_t j : g.nodes[i].inputs)
            stack.push_back(j);
    }
    Graph out;
    std::vector<std::size_t> renumber(g.nodes.size(), 0);
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (keep[i]) {
            renumber[i] = out.nodes.size();
            GraphNode n = g.nodes[i];
            for (auto& j : n.inputs)
                j = renumber[j];
            out.nodes.push_back(std::move(n));
        }
    return out;
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
    for (const auto& key : replaced)
        say(fmt::format("(replaces the earlier {})\n", key));
    return true;
}

bool Session::load(const std::string& path) {
    std::string why;
    const auto text = rt::read_file(path, why);
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

void Session::command(const std::string& line) {
    const auto space = line.find_first_of(" \t");
    const std::string cmd = line.substr(0, space);
    const std::string arg = space == std::string::npos ? std::string() : trim(line.substr(space));
    if (cmd == ":quit" || cmd == ":q" || cmd == ":exit") {
        quit_ = true;
    } else if (cmd == ":help" || cmd == ":h") {
        if (arg.empty())
            say(kCommandHelp);
        else
            help(arg);
    } else if (cmd == ":vars") {
        vars();
    } else if (cmd == ":show") {
        if (arg.empty())
            error("usage: :show NAME\n");
        else
            show(arg);
    } else if (cmd == ":graph") {
        if (program_)
            say(graph_text(lower(*program_)));
    } else if (cmd == ":run") {
        run_all();
    } else if (cmd == ":load") {
        if (arg.empty())
            error("usage: :load FILE\n");
        else
            load(arg);
    } else if (cmd == ":save") {
        if (arg.empty()) {
            error("usage: :save FILE\n");
            return;
        }
        try {
            rt::write_file_atomically(arg, program_text());
            say(fmt::format("saved {} statement{} to {}\n", entries_.size(),
                            entries_.size() == 1 ? "" : "s", arg));
            // Statements are saved as written: paths loaded from another directory now
            // resolve against the saved file's.
            auto same_directory = [](const fs::path& a, const fs::path& b) {
                std::error_code ec;
                return fs::weakly_canonical(fs::absolute(a / "."), ec)
                       == fs::weakly_canonical(fs::absolute(b / "."), ec);
            };
            const fs::path saved_in = fs::path(arg).parent_path();
            std::set<std::string> elsewhere;
            for (const auto& e : entries_)
                if (e.text.find('"') != std::string::npos && !same_directory(e.directory, saved_in))
                    elsewhere.insert(e.directory.empty() ? "the current directory" : e.directory);
            for (const auto& dir : elsewhere)
                say(fmt::format(
                    "note: the statements from {} keep their relative paths "
                    "(include, load(...), data files) as written; they now resolve "
                    "against {}\n",
                    dir, saved_in.empty() ? "the current directory" : saved_in.string()));
        } catch (const std::exception& e) {
            error(fmt::format("cannot save: {}\n", e.what()));
        }
    } else {
        std::string help = suggestion(cmd, commands());
        error(fmt::format("unknown command '{}'{}\n", cmd, help.empty() ? "" : "; " + help));
    }
}

void Session::help(const std::string& name) {
    if (const StatementDoc* st = statement(name)) {
        say(statement_reference(*st));
        return;
    }
    if (const auto text = stdlib::entry_reference(name)) {
        say(*text);
        return;
    }
    std::vector<std::string> names;
    for (const auto& st : statements())
        names.push_back(st.keyword);
    for (const auto* t : stdlib::tasks())
        names.push_back(t->name);
    for (const auto* n : stdlib::networks())
        names.push_back(n->name);
    for (const auto* a : stdlib::analyses())
        names.push_back(a->name);
    for (const auto* f : stdlib::figures())
        names.push_back(f->name);
    const std::string s = suggestion(name, names);
    error(fmt::format("no statement or stdlib entry named '{}'{}\n", name,
                      s.empty() ? "" : "; " + s));
}

void Session::vars() {
    if (!program_) {
        say("(nothing defined yet)\n");
        return;
    }
    const Program& p = *program_;
    std::string out;
    for (const auto& [n, t] : p.tasks)
        out += fmt::format("task      {} = {}\n", n, t.entry->name);
    for (const auto& [n, d] : p.networks)
        out += fmt::format("network   {} = {}\n", n, d.entry->name);
    for (const auto& [n, t] : p.trains)
        out += fmt::format("train     {} = {} on {}\n", n, t.network, t.task);
    for (const auto& [n, a] : p.alters)
        out += fmt::format("alter     {} = {}\n", n, a.train);
    for (const auto& [n, e] : p.evaluates)
        out += fmt::format("evaluate  {} = {} on {}\n", n, e.train, e.task);
    for (const auto& [n, a] : p.analyses)
        out += fmt::format("analyze   {} = {}(...)\n", n, a.entry->name);
    for (const auto& pl : p.plots)
        out += fmt::format("plot      {}(...) to \"{}\"\n", pl.entry->name, pl.file);
    say(out);
}

void Session::show(const std::string& what) {
    const auto q = parse_query(what);
    if (!q) {
        error(fmt::format("':show' takes a name or NAME.TENSOR, not '{}'\n", what));
        return;
    }
    if (!program_ || kind_of(*program_, q->name).empty()) {
        query(what);  // says what is unknown
        return;
    }
    const Program& p = *program_;
    const std::string kind = kind_of(p, q->name);
    if (q->members.empty() && kind != "task" && kind != "network") {
        // The definition as written (a sweep instance's is its loop's).
        for (const auto& e : entries_)
            if (e.key == kind + " " + q->name)
                say(e.text + "\n");
        if (const auto an = p.analyses.find(q->name); an != p.analyses.end())
            say(params_lines(an->second.options));
    }
    query(what);
    // The shapes of what the node wrote: a network's tensors, an evaluation's signals
    // (trials x steps), an analysis's arrays.
    if (!q->members.empty() || kind == "task" || kind == "network")
        return;
    std::vector<std::string> shapes;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(opt_.out_dir / node_directory(q->name), ec)) {
        const std::string file = e.path().filename().string();
        if (e.path().extension() != ".npy" || file.ends_with(".raw.npy"))
            continue;
        try {
            const arma::mat m = rt::load_npy(e.path());
            shapes.push_back(
                fmt::format("{} {} x {}", e.path().stem().string(), m.n_rows, m.n_cols));
        } catch (const std::exception&) {
        }
    }
    std::sort(shapes.begin(), shapes.end());
    if (!shapes.empty())
        say(fmt::format("  {}: {}\n",
                        kind == "evaluate"  ? "signals (trials x steps)"
                        : kind == "analyze" ? "arrays"
                                            : "tensors",
                        fmt::join(shapes, ", ")));
}

void Session::query(const std::string& text) {
    const auto q = parse_query(text);
    if (!program_) {
        error(fmt::format("no definition named '{}' (nothing defined yet)\n", q->name));
        return;
    }
    const Program& p = *program_;
    if (const auto t = p.tasks.find(q->name); t != p.tasks.end()) {
        say(fmt::format("task {} = {}\n", t->first, t->second.entry->name));
        say(params_lines(t->second.params));
        return;
    }
    if (const auto n = p.networks.find(q->name); n != p.networks.end()) {
        say(fmt::format("network {} = {}\n", n->first, n->second.entry->name));
        say(params_lines(n->second.params));
        say("  tensors:\n");
        for (const auto& spec : n->second.entry->tensors) {
            const auto own = n->second.tensors.find(spec.name);
            say(fmt::format("    {} ({}){}\n", spec.name, spec.shape,
                            own != n->second.tensors.end() && !own->second.init_text.empty()
                                ? ", init " + own->second.init_text
                                : ""));
        }
        return;
    }
    const std::string kind = kind_of(p, q->name);
    if (kind.empty()) {
        const std::string s = suggestion(q->name, defined_names(p));
        error(fmt::format("no definition named '{}'{}\n", q->name, s.empty() ? "" : "; " + s));
        return;
    }
    if (!q->members.empty() && kind != "train" && kind != "alter") {
        error(fmt::format("'{}' is an {}: only trained networks have tensors\n", q->name, kind));
        return;
    }
    if (kind == "train" && !q->members.empty() && show_checkpointed(q->name, q->members, text))
        return;
    if (!run_for(kind + " " + q->name))
        return;
    const fs::path dir = opt_.out_dir / node_directory(q->name);
    if (!q->members.empty()) {
        std::string file = q->members[0];
        if (q->members.size() == 2 && q->members[1] == "raw")
            file += ".raw";
        else if (q->members.size() > 1) {
            error(fmt::format("'{}': a tensor has only '.raw' after it\n", text));
            return;
        }
        std::error_code ec;
        if (!fs::exists(dir / (file + ".npy"), ec)) {
            if (q->members.size() == 2 && fs::exists(dir / (q->members[0] + ".npy"), ec))
                file = q->members[0];  // unconstrained: the raw value is the effective one
            else {
                std::vector<std::string> tensors;
                for (const auto& e : fs::directory_iterator(dir, ec))
                    if (e.path().extension() == ".npy" && e.path().stem().extension() != ".raw")
                        tensors.push_back(e.path().stem().string());
                std::sort(tensors.begin(), tensors.end());
                const std::string s = suggestion(q->members[0], tensors);
                error(fmt::format("'{}' has no tensor '{}'{}\n", q->name, q->members[0],
                                  s.empty() ? "" : "; " + s));
                return;
            }
        }
        try {
            say(tensor_summary(text, rt::load_npy(dir / (file + ".npy"))));
        } catch (const std::exception& e) {
            error(fmt::format("cannot read {}: {}\n", text, e.what()));
        }
        return;
    }
    toml::table metrics;
    try {
        metrics = toml::parse_file((opt_.out_dir / "metrics.toml").string());
    } catch (const toml::parse_error& e) {
        error(fmt::format("cannot read the results: {}\n", e.description()));
        return;
    }
    if (const auto* t = metrics[q->name].as_table())
        say(fmt::format("{} {}\n", kind, q->name) + result_table(*t));
    if (kind == "train") {
        // The last epoch of the history.
        std::string why;
        if (const auto csv = rt::read_file(dir / "history.csv", why)) {
            std::vector<std::string> lines;
            std::size_t start = 0;
            while (start < csv->size()) {
                const auto nl = csv->find('\n', start);
                lines.push_back(csv->substr(start, nl - start));
                start = nl == std::string::npos ? csv->size() : nl + 1;
            }
            if (lines.size() >= 2) {
                toml::table last;
                std::vector<std::string> head, row;
                for (const auto* l : {&lines.front(), &lines.back()}) {
                    std::vector<std::string>& cells = l == &lines.front() ? head : row;
                    std::size_t b = 0;
                    while (b <= l->size()) {
                        const auto c = l->find(',', b);
                        cells.push_back(l->substr(b, c - b));
                        if (c == std::string::npos)
                            break;
                        b = c + 1;
                    }
                }
                std::string out = "  last epoch:";
                for (std::size_t k = 0; k < head.size() && k < row.size(); ++k)
                    out += fmt::format(
                        " {} {}", head[k],
                        head[k] == "epoch" ? row[k] : number_text(std::atof(row[k].c_str())));
                say(out + "\n");
            }
        }
    }
}

bool Session::show_checkpointed(const std::string& name, const std::vector<std::string>& members,
                                const std::string& text) {
    std::uint64_t key = 0;
    for (const auto& n : lower(*program_).nodes)
        if (n.kind == NodeKind::Train && n.name == name)
            key = n.key;
    const fs::path cache = opt_.out_dir / ".cache";
    const fs::path ckdir = cache / "checkpoints" / rt::hex64(key);
    std::error_code ec;
    if (fs::exists(cache / rt::hex64(key) / "entry.toml", ec) || !rt::Checkpoint::exists(ckdir))
        return false;
    try {
        const rt::Checkpoint c = rt::Checkpoint::load(ckdir);
        const TrainDef& def = program_->trains.at(name);
        const auto task = make_task(*program_, program_->tasks.at(def.task));
        rt::Network<float> net =
            build_network(program_->networks.at(def.network), task->input_size(), program_->seed);
        for (auto& p : net.params)
            p.raw = c.get_array<float>("param." + p.name);
        const auto* p = net.find(members[0]);
        if (p == nullptr || members.size() > 2 || (members.size() == 2 && members[1] != "raw"))
            return false;  // the run says what is wrong
        say(
            fmt::format("({} was stopped by Ctrl-C after epoch {} of {}: its network then; "
                        "asking for {} goes on)\n",
                        name, c.get_int("epochs_done"), def.epochs, name));
        const arma::fmat value = members.size() == 2 ? p->raw : rt::effective_value(*p);
        say(tensor_summary(text, arma::conv_to<arma::mat>::from(value)));
        return true;
    } catch (const std::exception& e) {
        error(fmt::format("cannot read the checkpoint of {}: {}\n", name, e.what()));
        return true;
    }
}

bool Session::run_for(const std::string& label) {
    return execute_nodes({label});
}

bool Session::run_all() {
    if (!program_) {
        say("(nothing defined yet)\n");
        return true;
    }
    const Graph g = lower(*program_);
    std::vector<std::string> labels;
    for (const auto& n : g.nodes)
        labels.push_back(node_label(n));
    return execute_nodes(labels);
}

bool Session::execute_nodes(const std::vector<std::string>& labels) {
    const Graph whole = lower(*program_);
    std::vector<std::size_t> wanted;
    for (std::size_t i = 0; i < whole.nodes.size(); ++i)
        if (std::find(labels.begin(), labels.end(), node_label(whole.nodes[i])) != labels.end())
            wanted.push_back(i);
    const Graph graph = subgraph(whole, wanted);
    RunOptions o;
    o.out_dir = opt_.out_dir;
    o.provenance.script_path = kScriptName;
    o.provenance.script_text = joined();
    ProgressOptions shown;
    shown.progress_on_terminal = opt_.progress_on_terminal;
    shown.terminal_columns = opt_.terminal_columns;
    shown.log = [this](const std::string& line) {
        opt_.err(line + "\n");
    };
    ProgressReporter progress(shown);
    o.reporting.reporter = &progress;
    o.reporting.large_activity_bytes = opt_.large_activity_bytes;
    o.provenance.blas_core = opt_.blas_core;
    o.provenance.blas_choice = opt_.blas_choice;
    o.provenance.blas_threads = opt_.blas_threads;
    // A training stopped by Ctrl-C goes on from its last completed epoch when asked again.
    o.scheduling.resume = true;
    o.scheduling.interrupt = opt_.interrupt;
    o.scheduling.interrupt_after_epoch = opt_.interrupt_after_epoch;
    try {
        execute(*program_, graph, o);
    } catch (const Interrupted& e) {
        error(fmt::format("{}\n(asking again goes on from there)\n", e.what()));
        return false;
    } catch (const std::exception& e) {
        error(fmt::format("runtime failure: {}\n", e.what()));
        return false;
    }
    return true;
}

std::vector<std::string> Session::completions(const std::string& line) const {
    std::size_t b = line.size();
    while (b > 0 && (ident_char(line[b - 1]) || line[b - 1] == '.' || line[b - 1] == ':'))
        --b;
    const std::string word = line.substr(b);
    std::set<std::string> pool;
    if (!word.empty() && word[0] == ':') {
        pool.insert(commands().begin(), commands().end());
    } else if (const auto dot = word.rfind('.'); dot != std::string::npos) {
        // NAME.: the tensors of a trained network, the matrices of a task.
        const std::string name = word.substr(0, dot);
        if (program_) {
            std::string network;
            if (const auto t = program_->trains.find(name); t != program_->trains.end())
                network = t->second.network;
            else if (const auto a = program_->alters.find(name); a != program_->alters.end())
                if (const auto t2 = program_->trains.find(a->second.train);
                    t2 != program_->trains.end())
                    network = t2->second.network;
            if (const auto n = program_->networks.find(network); n != program_->networks.end())
                for (const auto& spec : n->second.entry->tensors)
                    pool.insert(name + "." + spec.name);
            if (const auto t = program_->tasks.find(name); t != program_->tasks.end())
                for (const auto& m : t->second.entry->matrices)
                    pool.insert(name + "." + m.name);
        }
    } else {
        pool.insert(keywords().begin(), keywords().end());
        if (program_)
            for (const auto& n : defined_names(*program_))
                pool.insert(n);
        for (const auto& n : stdlib::completion_words())
            pool.insert(n);
    }
    std::vector<std::string> out;
    for (const auto& w : pool)
        if (w.size() >= word.size() && w.compare(0, word.size(), word) == 0)
            out.push_back(line.substr(0, b) + w);
    return out;
}

// --- the command: reading lines -----------------------------------------------------------

namespace {

std::atomic<bool> g_interrupt{false};
volatile std::sig_atomic_t g_at_prompt = 0;
volatile std::sig_atomic_t g_prompt_interrupted = 0;
Session* g_session = nullptr;  // for the completion callbacks of libedit

extern "C" void repl_on_sigint(int) {
    if (g_at_prompt) {
        g_prompt_interrupted = 1;  // readline's read fails (EINTR) and it returns
        return;
    }
    g_interrupt.store(true);
}

std::vector<std::string> g_matches;

extern "C" char* repl_generator(const char*, int state) {
    static std::size_t next = 0;
    if (state == 0)
        next = 0;
    if (next >= g_matches.size())
        return nullptr;
    return ::strdup(g_matches[next++].c_str());
}

extern "C" char** repl_complete(const char* text, int, int end) {
    g_matches.clear();
    if (g_session != nullptr) {
        const std::string before(rl_line_buffer, static_cast<std::size_t>(end));
        const std::string t(text);
        for (const auto& c : g_session->completions(before))
            // libedit completes the word `text`: keep the candidates' last word.
            g_matches.push_back(c.substr(before.size() - t.size()));
    }
    rl_attempted_completion_over = 1;
    if (g_matches.empty())
        return nullptr;
    return rl_completion_matches(text, repl_generator);
}

// An error never ends the session, not even one the session did not foresee.
void feed_safely(Session& session, const std::string& line) {
    try {
        session.feed(line);
    } catch (const std::exception& e) {
        std::cerr << "rnn repl: internal error: " << e.what() << "\n";
    }
}

// The most lines the history file keeps (the oldest go first).
constexpr int kHistoryLines = 1000;

std::string history_path() {
    if (const char* h = std::getenv("RNN_HISTORY"))
        return h;
    if (const char* home = std::getenv("HOME"))
        return std::string(home) + "/.rnn_history";
    return {};
}

}  // namespace

int run_repl(const std::vector<std::string>& args, int blas_threads, const std::string& blas_core,
             const std::string& blas_choice, long interrupt_after_epoch,
             double large_activity_bytes) {
    std::string file, out = "runs/repl";
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--out" && i + 1 < args.size())
            out = args[++i];
        else if (!args[i].empty() && args[i][0] != '-' && file.empty())
            file = args[i];
        else {
            std::cerr << "usage: rnn repl [FILE] [--out DIR]\n";
            return 2;
        }
    }
    const bool terminal = ::isatty(0) == 1;
    SessionOptions so;
    so.out_dir = out;
    so.color = terminal && ::isatty(2) == 1;
    so.progress_on_terminal = terminal && ::isatty(2) == 1;
    if (winsize w{}; so.progress_on_terminal && ::ioctl(2, TIOCGWINSZ, &w) == 0 && w.ws_col > 0)
        so.terminal_columns = w.ws_col;
    so.blas_threads = blas_threads;
    so.blas_core = blas_core;
    so.blas_choice = blas_choice;
    so.interrupt = &g_interrupt;
    so.interrupt_after_epoch = interrupt_after_epoch;
    so.large_activity_bytes = large_activity_bytes;
    Session session(so);
    g_session = &session;
    if (!file.empty())
        session.load(file);

    struct sigaction sa {};

    sa.sa_handler = repl_on_sigint;
    sigemptyset(&sa.sa_mask);

    struct sigaction old {};

    ::sigaction(SIGINT, &sa, &old);
    if (!terminal) {
        std::string line;
        while (!session.finished() && std::getline(std::cin, line)) {
            g_interrupt.store(false);
            feed_safely(session, line);
        }
        session.finish();
        ::sigaction(SIGINT, &old, nullptr);
        g_session = nullptr;
        return session.had_error() ? 1 : 0;
    }
    const std::string history = history_path();
    rl_readline_name = "rnn";
    rl_attempted_completion_function = repl_complete;
    using_history();
    stifle_history(kHistoryLines);
    if (!history.empty())
        read_history(history.c_str());
    std::cout << "rnn repl: the .rnn language, one statement at a time; :help for commands\n";
    while (!session.finished()) {
        g_prompt_interrupted = 0;
        g_at_prompt = 1;
        char* raw = readline(session.pending() ? "...> " : "rnn> ");
        g_at_prompt = 0;
        if (g_prompt_interrupted) {
            // Ctrl-C at the prompt: the line (and an open block) is dropped.
            std::free(raw);
            std::cout << "\n" << std::flush;
            session.clear_pending();
            continue;
        }
        if (raw == nullptr) {  // Ctrl-D
            std::cout << "\n";
            break;
        }
        const std::string line(raw);
        std::free(raw);
        // Saved as each line is entered, so that a session that is killed or crashes
        // keeps its lines.
        if (!trim(line).empty()) {
            add_history(line.c_str());
            if (!history.empty())
                write_history(history.c_str());
        }
        g_interrupt.store(false);
        feed_safely(session, line);
    }
    ::sigaction(SIGINT, &old, nullptr);
    g_session = nullptr;
    return 0;
}

}  // namespace rnn::interp
