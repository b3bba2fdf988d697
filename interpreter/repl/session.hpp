// `rnn repl`: the language, one statement at a time, with a live program. A session is a
// list of statements (the program so far); each accepted input extends or replaces part of
// it and is checked with the whole, as `rnn check` would. Asking for a result (a bare name
// such as `test`, or `fit.W_self`) runs only the nodes that result needs, through the same
// engine and cache as `rnn run`, and prints it as a compact table. `:save FILE` writes the
// session as a runnable .rnn file. The Session knows nothing of terminals: run_repl()
// (terminal.hpp) reads lines (libedit on a terminal, plain lines from a pipe) and feeds
// them to it.
//
// The Session's methods live in one file per job: session.cpp (statements, replacement
// keys, loading), results.cpp (asking for a result), run_nodes.cpp (running what a result
// needs), commands.cpp (the `:` commands), completion.cpp.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "grammar/ast.hpp"
#include "grammar/parser.hpp"
#include "interpreter/load.hpp"

namespace rnn::interp {

// How diagnostics name the session's own text (its typed and loaded statements).
inline constexpr const char* kSessionName = "repl";

struct SessionOptions {
    std::filesystem::path out_dir = "runs/repl";  // where results and the cache go
    bool color = false;                           // diagnostics in colour (a terminal)
    bool progress_on_terminal = false;
    int terminal_columns = 80;
    int blas_threads = 1;
    std::string blas_core, blas_choice;
    // Set by the caller's SIGINT handler: a running training checkpoints and the session
    // returns to the prompt.
    const std::atomic<bool>* interrupt = nullptr;
    // The engine's test hooks (engine/run_options.hpp), which the rnn program reads from
    // its environment.
    long interrupt_after_epoch = 0;
    double large_activity_bytes = 1e9;
    // Where results go (stdout) and where diagnostics and progress go (stderr).
    std::function<void(const std::string&)> out;
    std::function<void(const std::string&)> err;
};

class Session {
public:
    explicit Session(SessionOptions options);

    // Feeds one line. Returns true when the input so far is an incomplete construct (an
    // open block): the caller then shows the continuation prompt and feeds the next line.
    bool feed(const std::string& line);

    // Drops a pending incomplete input (Ctrl-C at the continuation prompt).
    void clear_pending() { pending_.clear(); }

    // The input ended with a block still open: says what it lacks, and drops it.
    void finish();

    bool pending() const { return !pending_.empty(); }

    bool finished() const { return quit_; }

    // Whether any input of the session failed (an error, a failed run).
    bool had_error() const { return had_error_; }

    // The session as .rnn text in the canonical layout (what :save writes).
    std::string program_text() const;

    // Candidates that complete the word ending `line` (keywords, commands, defined names,
    // stdlib entries and their parameter names, tensors after `name.`), sorted, unique.
    std::vector<std::string> completions(const std::string& line) const;

    // Adds statements as if typed (`rnn repl FILE`, `:load FILE`); false after an error.
    bool load(const std::string& path);

private:
    struct Entry {
        std::string key;   // "train fit", "seed": a later statement with the key replaces it
        std::string text;  // the statement as written
        // Where its relative paths resolve: the directory of the file it was loaded from
        // ("" for a typed statement: the current directory).
        std::string directory = {};
    };

    void command(const std::string& line);
    bool add_statements(const std::string& text, const std::string& directory = {});
    void query(const std::string& text);
    // The summary of tensor `members` (`W_self` or `W_self.raw`) of the trained network
    // `name`, from the node's folder `dir`.
    void show_tensor(const std::string& name, const std::vector<std::string>& members,
                     const std::string& text, const std::filesystem::path& dir);
    // A node's metrics as a table (a training's last epoch from its history, an analysis's
    // arrays and an evaluation's signals with their shapes).
    void show_results(ast::Statement::Kind kind, const std::string& name,
                      const std::filesystem::path& dir);
    // One output of an analysis or evaluation (`fps.spectral_radius`, `test.error`): a
    // scalar of metrics.toml as `NAME = value`, an array's shape, summary and corner.
    void show_output(const std::string& name, const std::vector<std::string>& members,
                     const std::string& text, const std::filesystem::path& dir);
    // The run directory's metrics.toml; nullopt after saying why it cannot be read.
    std::optional<toml::table> read_metrics();
    void show(const std::string& what);
    // The shapes of what the node `name` wrote.
    void show_shapes(ast::Statement::Kind kind, const std::string& name);
    void help(const std::string& name);
    void vars();
    void save(const std::string& file);
    // A tensor of a training stopped by Ctrl-C, as of its last completed epoch (from its
    // checkpoint); false when the training has no checkpoint or has finished.
    bool show_checkpointed(const std::string& name, const std::vector<std::string>& members,
                           const std::string& text);
    // Runs the nodes `target` ("kind name") needs; false (printed) on failure.
    bool run_for(const std::string& node_label);
    bool run_all();
    bool execute_nodes(const std::vector<std::string>& labels);
    std::string joined() const;
    static std::string joined(const std::vector<Entry>& entries);
    // The statements as the front end reads them: runs of entries from one directory.
    static std::vector<ScriptPiece> pieces(const std::vector<Entry>& entries);
    void syntax_error(const std::string& text, const grammar::SyntaxError& e);
    void error(const std::string& message);

    void say(const std::string& text) const { opt_.out(text); }

    SessionOptions opt_;
    std::vector<Entry> entries_;
    std::optional<Program> program_;
    SourceMap sources_;  // program_'s files: the session's text, then what it includes
    std::string pending_;
    bool quit_ = false;
    bool had_error_ = false;
};

}  // namespace rnn::interp
