// The `:` commands: :help, :vars, :show, :graph, :run, :load, :save, :quit.
#include "interpreter/repl/commands.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "interpreter/check/statements.hpp"
#include "interpreter/diagnostics.hpp"
#include "interpreter/graph/graph_print.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/repl/definitions.hpp"
#include "interpreter/repl/display.hpp"
#include "interpreter/repl/input.hpp"
#include "interpreter/repl/session.hpp"
#include "interpreter/task_reference.hpp"
#include "runtime/files.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;
using repl::kind_of;
using repl::params_lines;
using repl::parse_query;
using repl::trim;

namespace {

constexpr const char* kCommandHelp =
    "statements     define or redefine (a definition with a name already used replaces it)\n"
    "NAME           run what NAME needs and print its results (a train, evaluate, analyze,\n"
    "               alter) or its definition (a task, network); NAME.TENSOR: a tensor\n"
    ":help [NAME]   these commands, a statement's syntax and fields (:help train), a\n"
    "               task the session defines (its periods, inputs, signals), or a stdlib\n"
    "               entry's parameters and doc (:help pca)\n"
    ":vars          the session's definitions\n"
    ":show NAME     parameters, shapes and results of a definition (NAME.TENSOR: a tensor)\n"
    ":graph         the execution graph\n"
    ":run           run everything, plots included\n"
    ":load FILE     add FILE's statements to the session\n"
    ":save FILE     write the session as a .rnn file that `rnn run` reproduces\n"
    ":quit          leave (also Ctrl-D)\n";

}  // namespace

const std::vector<std::string>& repl::command_names() {
    static const std::vector<std::string> c{":help", ":vars", ":show", ":graph",
                                            ":run",  ":load", ":save", ":quit"};
    return c;
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
    } else if (cmd == ":graph") {
        if (program_)
            say(graph_text(lower(*program_)));
    } else if (cmd == ":run") {
        run_all();
    } else if (cmd == ":show" || cmd == ":load" || cmd == ":save") {
        // The commands that need an argument.
        if (arg.empty())
            error(fmt::format("usage: {} {}\n", cmd, cmd == ":show" ? "NAME" : "FILE"));
        else if (cmd == ":show")
            show(arg);
        else if (cmd == ":load")
            load(arg);
        else
            save(arg);
    } else {
        std::string help = suggestion(cmd, repl::command_names());
        error(fmt::format("unknown command '{}'{}\n", cmd, help.empty() ? "" : "; " + help));
    }
}

void Session::save(const std::string& file) {
    try {
        rt::write_file_atomically(file, program_text());
        say(fmt::format("saved {} statement{} to {}\n", entries_.size(),
                        entries_.size() == 1 ? "" : "s", file));
        // Statements are saved as written: paths loaded from another directory now
        // resolve against the saved file's.
        auto same_directory = [](const fs::path& a, const fs::path& b) {
            std::error_code ec;
            return fs::weakly_canonical(fs::absolute(a / "."), ec)
                   == fs::weakly_canonical(fs::absolute(b / "."), ec);
        };
        const fs::path saved_in = fs::path(file).parent_path();
        std::set<std::string> elsewhere;
        for (const auto& e : entries_)
            if (e.text.find('"') != std::string::npos && !same_directory(e.directory, saved_in))
                elsewhere.insert(e.directory.empty() ? "the current directory" : e.directory);
        for (const auto& dir : elsewhere)
            say(
                fmt::format("note: the statements from {} keep their relative paths "
                            "(include, load(...), data files) as written; they now resolve "
                            "against {}\n",
                            dir, saved_in.empty() ? "the current directory" : saved_in.string()));
    } catch (const std::exception& e) {
        error(fmt::format("cannot save: {}\n", e.what()));
    }
}

void Session::help(const std::string& name) {
    if (const StatementDoc* st = statement(name)) {
        say(statement_reference(*st));
        return;
    }
    // A task of the session before a stdlib entry: the one its statements mean.
    if (program_ && program_->tasks.count(name)) {
        const TaskDef& t = program_->tasks.at(name);
        say(task_reference(
            t, t.span.file < sources_.size() && sources_.file(t.span.file).path != kSessionName
                   ? defined_at(sources_, t.span)
                   : "this session"));
        return;
    }
    if (const auto text = stdlib::entry_reference(name)) {
        say(*text);
        return;
    }
    std::vector<std::string> names;
    for (const auto& st : statements())
        names.push_back(st.keyword);
    if (program_)
        for (const auto& [n, t] : program_->tasks)
            names.push_back(n);
    for (const auto* t : stdlib::tasks())
        names.push_back(t->name);
    for (const auto* n : stdlib::networks())
        names.push_back(n->name);
    for (const auto* a : stdlib::analyses())
        names.push_back(a->name);
    for (const auto* f : stdlib::figures())
        names.push_back(f->name);
    const std::string s = suggestion(name, names);
    error(fmt::format("no statement, task or stdlib entry named '{}'{}\n", name,
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
        out += fmt::format("task      {} = {}\n", n, task_kind_word(*t.entry));
    for (const auto& [n, d] : p.networks)
        out += fmt::format("network   {} = {}\n", n, d.entry->name);
    for (const auto& [n, t] : p.trains)
        out += fmt::format("train     {} = {} on {}\n", n, t.network, t.task);
    for (const auto& [n, a] : p.alters)
        out += fmt::format("alter     {} = {}\n", n, a.train);
    for (const auto& [n, e] : p.evaluates)
        out += fmt::format("evaluate  {} = {} on {}\n", n, e.train.empty() ? e.network : e.train,
                           e.task);
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
    if (!program_ || !kind_of(*program_, q->name)) {
        query(what);  // says what is unknown
        return;
    }
    const Program& p = *program_;
    const ast::Statement::Kind kind = *kind_of(p, q->name);
    // A task's or a network's definition is what the query prints.
    const bool defined_only =
        kind == ast::Statement::Kind::Task || kind == ast::Statement::Kind::Network;
    if (q->members.empty() && !defined_only) {
        // The definition as written (a sweep instance's is its loop's).
        for (const auto& e : entries_)
            if (e.key == repl::definition_label(kind, q->name))
                say(e.text + "\n");
        if (const auto an = p.analyses.find(q->name); an != p.analyses.end())
            say(params_lines(an->second.options));
    }
    query(what);
    // An analysis's or evaluation's results list their shapes already.
    if (!q->members.empty() || defined_only || kind == ast::Statement::Kind::Analyze
        || kind == ast::Statement::Kind::Evaluate)
        return;
    show_shapes(kind, q->name);
}

void Session::show_shapes(ast::Statement::Kind kind, const std::string& name) {
    // The shapes of what the node wrote: a network's tensors, an evaluation's signals
    // (trials x steps), an analysis's arrays.
    const fs::path dir = opt_.out_dir / node_directory(name);
    std::vector<std::string> shapes;
    for (const auto& array : repl::array_names(dir)) {
        try {
            const arma::mat m = rt::load_npy(dir / (array + ".npy"));
            shapes.push_back(fmt::format("{} {} x {}", array, m.n_rows, m.n_cols));
        } catch (const std::exception&) {
        }
    }
    if (!shapes.empty())
        say(fmt::format("  {}: {}\n",
                        kind == ast::Statement::Kind::Evaluate  ? "signals (trials x steps)"
                        : kind == ast::Statement::Kind::Analyze ? "arrays"
                                                                : "tensors",
                        fmt::join(shapes, ", ")));
}

}  // namespace rnn::interp
