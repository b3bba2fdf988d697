// The terminal loop of `rnn repl`: libedit (editline/readline.h: history, completion from
// Session::completions) on a terminal, plain lines from a pipe. Ctrl-C at the prompt only
// sets a flag: the handler is installed without SA_RESTART, so libedit's read fails with
// EINTR and readline returns (libedit restores the terminal first), and the loop drops the
// line. Jumping out of readline instead (siglongjmp) left libedit's state broken and
// crashed a later prompt. During a run Ctrl-C sets the engine's interrupt flag.
#include "interpreter/repl/terminal.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <editline/readline.h>
#include <iostream>
#include <sys/ioctl.h>
#include <unistd.h>

#include "interpreter/repl/input.hpp"
#include "interpreter/repl/session.hpp"

namespace rnn::interp {

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

// The session's options for this process: its run directory, colour and progress where
// standard input and error are a terminal, BLAS, and the interrupt flag.
SessionOptions session_options(const std::string& out, bool terminal, int blas_threads,
                               const std::string& blas_core, const std::string& blas_choice) {
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
    return so;
}

// Standard input is not a terminal: plain lines, then the end of the input.
void read_pipe(Session& session) {
    std::string line;
    while (!session.finished() && std::getline(std::cin, line)) {
        g_interrupt.store(false);
        feed_safely(session, line);
    }
    session.finish();
}

// Standard input is a terminal: libedit's prompt, history and completion.
void read_terminal(Session& session) {
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
        if (!repl::trim(line).empty()) {
            add_history(line.c_str());
            if (!history.empty())
                write_history(history.c_str());
        }
        g_interrupt.store(false);
        feed_safely(session, line);
    }
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
    SessionOptions so = session_options(out, terminal, blas_threads, blas_core, blas_choice);
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
    if (terminal)
        read_terminal(session);
    else
        read_pipe(session);
    ::sigaction(SIGINT, &old, nullptr);
    g_session = nullptr;
    return !terminal && session.had_error() ? 1 : 0;
}

}  // namespace rnn::interp
