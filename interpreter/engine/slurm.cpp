#include "interpreter/engine/slurm.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <optional>
#include <poll.h>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <variant>

#include <fmt/format.h>

#include "interpreter/engine/clock.hpp"
#include "interpreter/paths.hpp"
#include "runtime/directory.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (const char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

namespace {

// Node keys as `--node` takes them: 16 hex digits each, joined by ','.
std::string key_list(const std::vector<std::uint64_t>& keys) {
    std::string out;
    for (const std::uint64_t key : keys)
        out += (out.empty() ? "" : ",") + rt::hex64(key);
    return out;
}

}  // namespace

std::string slurm_job_script(const SlurmOptions& options,
                             const std::vector<std::vector<std::uint64_t>>& units) {
    std::string script =
        "#!/bin/bash\n"
        "# rnnlab: array task i computes the nodes keys[i] (a training and what reads only it)\n"
        "# into the cache of the run directory, which the driver (`rnn run --executor slurm`)\n"
        "# reads (docs/slurm.md).\n"
        "set -eu\n"
        "keys=(";
    for (const auto& unit : units)
        script += "\n  " + key_list(unit);
    script += fmt::format(
        "\n)\n"
        "key=${{keys[$SLURM_ARRAY_TASK_ID]}}\n"
        "export OPENBLAS_NUM_THREADS={}\n"
        "echo \"rnn: task $SLURM_ARRAY_TASK_ID of job $SLURM_ARRAY_JOB_ID on $(hostname): node "
        "$key\"\n"
        "exec {} run",
        options.blas_threads, shell_quote(options.rnn.string()));
    for (const auto& a : options.worker_args)
        script += " " + shell_quote(a);
    return script + " --node \"$key\"\n";
}

std::vector<std::string> sbatch_command(const SlurmOptions& options, std::size_t n,
                                        const fs::path& script, const fs::path& logs,
                                        const std::string& job_name) {
    // sbatch expands %-patterns in --output; a literal % is written %%.
    std::string escaped;
    for (const char c : logs.string())
        escaped += c == '%' ? std::string("%%") : std::string(1, c);
    std::vector<std::string> cmd{
        "sbatch",
        "--parsable",
        fmt::format("--array=0-{}", n - 1),
        "--job-name=" + job_name,
        "--output=" + escaped + "/%A_%a.out",
        fmt::format("--cpus-per-task={}",
                    options.cpus_per_task > 0 ? options.cpus_per_task : options.blas_threads)};
    if (!options.partition.empty())
        cmd.push_back("--partition=" + options.partition);
    if (!options.time.empty())
        cmd.push_back("--time=" + options.time);
    if (!options.mem.empty())
        cmd.push_back("--mem=" + options.mem);
    cmd.push_back(script.string());
    return cmd;
}

namespace {

// What a command printed and how it ended: its exit code, 128 + N for signal N, 127 when
// the program could not be started.
struct Finished {
    int status = -1;
    std::string out, err;
};

// Runs argv[0] (searched in PATH) with these arguments, no shell in between.
Finished run_command(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        ::execvp(args[0], args.data());
        static constexpr char kMessage[] = "cannot start the program (not installed?)\n";
        [[maybe_unused]] const auto n = ::write(2, kMessage, sizeof kMessage - 1);
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    Finished f;
    if (pid < 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        throw std::runtime_error(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
    }
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* into[2] = {&f.out, &f.err};
    int open = 2;
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || fds[k].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t got = ::read(fds[k].fd, buffer, sizeof buffer);
            if (got > 0) {
                into[k]->append(buffer, static_cast<std::size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[k].fd);
                fds[k].fd = -1;
                --open;
            }
        }
    }
    for (const auto& p : fds)
        if (p.fd >= 0)
            ::close(p.fd);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    f.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return f;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.pop_back();
    std::size_t start = 0;
    while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start])))
        ++start;
    return s.substr(start);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = std::min(text.find('\n', start), text.size());
        out.push_back(trimmed(text.substr(start, nl - start)));
        start = nl + 1;
    }
    return out;
}

std::string command_line(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv)
        out += (out.empty() ? "" : " ") + shell_quote(a);
    return out;
}

// The last non-empty line of a task's log, cut to 200 characters ("" if unreadable).
std::string last_line(const fs::path& log) {
    std::string why;
    const auto text = rt::read_file(log, why);
    std::string line;
    if (text)
        for (const auto& l : lines_of(*text))
            if (!l.empty())
                line = l;
    return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

// Each array task's final state from sacct ("12_3" -> "CANCELLED by 0"), or nothing where
// accounting is off (a cluster without slurmdbd).
std::map<std::string, std::string> accounting_states(const std::string& job) {
    std::map<std::string, std::string> out;
    const Finished f = run_command({"sacct", "-n", "-P", "-X", "-j", job, "-o", "JobID,State"});
    if (f.status != 0)
        return out;
    for (const auto& line : lines_of(f.out))
        if (const auto bar = line.find('|'); bar != std::string::npos)
            out[line.substr(0, bar)] = trimmed(line.substr(bar + 1));
    return out;
}

class SlurmRun {
public:
    SlurmRun(const SlurmOptions& options, const RunOptions& run, const Graph& graph,
             const std::vector<std::vector<std::size_t>>& units)
        : opt_(options)
        , run_(run)
        , graph_(graph)
        , units_(units)
        , dir_(fs::absolute(run.out_dir) / ".slurm")
        , logs_(dir_ / "logs") {}

    std::map<std::size_t, std::string> go() {
        std::vector<std::vector<std::uint64_t>> keys;
        for (std::size_t k = 0; k < units_.size(); ++k)
            keys.push_back(keys_of(k));
        const std::string script = slurm_job_script(opt_, keys);
        const std::string name =
            "rnn-" + node_directory(run_.provenance.script_path.stem().string());
        const auto sbatch = sbatch_command(opt_, units_.size(), dir_ / "job.sh", logs_, name);
        if (std::holds_alternative<DryRun>(run_.mode)) {
            print_dry_run(script, sbatch);
            return {};
        }
        refuse_if_still_queued();
        if (units_.empty()) {
            say("slurm: everything a task would compute is in the cache; nothing to submit");
            return {};
        }
        if (logs_.string().find('\\') != std::string::npos)
            throw std::runtime_error(fmt::format(
                "the run directory '{}' holds a backslash, which Slurm's log file names cannot "
                "hold; choose another --out",
                run_.out_dir.string()));
        const rt::Directory slurm = slurm_folder();
        slurm.folder("logs", true);
        slurm.write("job.sh", script);
        const Finished f = run_command(sbatch);
        const std::string job = trimmed(f.out.substr(0, f.out.find(';')));
        if (f.status != 0 || job.empty()
            || job.find_first_not_of("0123456789") != std::string::npos)
            throw std::runtime_error(fmt::format(
                "sbatch did not take the job array (exit code {}): {}\nthe job script is '{}'; "
                "the command was: {}",
                f.status, trimmed(f.err + f.out), (dir_ / "job.sh").string(),
                command_line(sbatch)));
        job_ = job;
        // Until every task has left the queue: a later driver must not submit them again.
        slurm.write("active", job + "\n");
        slurm.write(job + ".tsv", mapping());
        say(fmt::format("slurm: submitted job {}: {} task{}: {} ({}; logs in {})", job,
                        units_.size(), units_.size() == 1 ? "" : "s", counts(),
                        (dir_ / (job + ".tsv")).string(), logs_.string()));
        return wait();
    }

private:
    // A driver that died (kill -9, a closed terminal) leaves its job array running; its
    // tasks would compute the same nodes as a new submission.
    void refuse_if_still_queued() {
        std::string why;
        const auto text = slurm_folder().read("active", why, 4096);
        if (!text)
            return;
        job_ = trimmed(*text);
        if (job_.empty() || job_.find_first_not_of("0123456789") != std::string::npos)
            return;
        const auto queue = queued();
        if (!queue)
            throw std::runtime_error(
                fmt::format("squeue cannot say whether slurm job {} of an earlier run into '{}' "
                            "is still in the queue: {}",
                            job_, run_.out_dir.string(), last_error_));
        if (queue->empty()) {
            job_ended();
            return;
        }
        throw RunDirectoryRefused(fmt::format(
            "slurm job {} of an earlier run into '{}' is still in the queue; wait for it to end "
            "(its trainings go into the cache) or stop it with 'scancel {}', then run again",
            job_, run_.out_dir.string(), job_));
    }

    void job_ended() const { slurm_folder().remove("active"); }

    // OUT/.slurm: the job script, the task table and the logs, written beneath the run
    // directory without following a link.
    rt::Directory slurm_folder() const {
        return rt::Directory::open(run_.out_dir).folder(".slurm", true);
    }

    void say(const std::string& line) const {
        if (run_.reporting.reporter != nullptr)
            run_.reporting.reporter->say(line);
    }

    // The nodes of task k, its training (or first node) first.
    std::string label(std::size_t k) const {
        std::string out;
        for (const std::size_t i : units_[k])
            out += (out.empty() ? "" : ", ") + node_label(graph_.nodes[i]);
        return out;
    }

    // "4 trainings, 4 evaluations, 8 analyses": what the tasks compute, by kind.
    std::string counts() const {
        std::map<NodeKind, std::size_t> n;
        for (const auto& unit : units_)
            for (const std::size_t i : unit)
                ++n[graph_.nodes[i].kind];
        std::string out;
        for (const auto& [kind, word, words] :
             {std::tuple{NodeKind::Train, "training", "trainings"},
              std::tuple{NodeKind::Alter, "alter", "alters"},
              std::tuple{NodeKind::Evaluate, "evaluation", "evaluations"},
              std::tuple{NodeKind::Analyze, "analysis", "analyses"}})
            if (const std::size_t c = n[kind]; c > 0)
                out += fmt::format("{}{} {}", out.empty() ? "" : ", ", c, c == 1 ? word : words);
        return out;
    }

    std::vector<std::uint64_t> keys_of(std::size_t k) const {
        std::vector<std::uint64_t> keys;
        for (const std::size_t i : units_[k])
            keys.push_back(graph_.nodes[i].key);
        return keys;
    }

    bool unit_cached(std::size_t k) const {
        return std::all_of(units_[k].begin(), units_[k].end(), [&](std::size_t i) {
            return node_cached(graph_.nodes[i], run_.out_dir);
        });
    }

    std::string task(std::size_t k) const { return fmt::format("{}_{}", job_, k); }

    fs::path log_of(std::size_t k) const { return logs_ / (task(k) + ".out"); }

    // index TAB nodes TAB keys, one line per array task (the nodes and keys in the same
    // order, joined by ", " and ",").
    std::string mapping() const {
        std::string out = "# array index\tnodes\tkeys\n";
        for (std::size_t k = 0; k < units_.size(); ++k)
            out += fmt::format("{}\t{}\t{}\n", k, label(k), key_list(keys_of(k)));
        return out;
    }

    // The plan goes to the reporter (stdout), not to the progress lines.
    void print_dry_run(const std::string& script, const std::vector<std::string>& sbatch) const {
        if (run_.reporting.reporter == nullptr)
            return;
        if (units_.empty()) {
            run_.reporting.reporter->plan(
                "# everything a task would compute is in the cache: nothing would be submitted\n");
            return;
        }
        run_.reporting.reporter->plan(fmt::format(
            "# job script ({}):\n{}\n# submitted with:\n{}\n\n# array task -> node:\n{}",
            (dir_ / "job.sh").string(), script, command_line(sbatch), mapping()));
    }

    bool interrupted() const {
        return run_.scheduling.interrupt != nullptr && run_.scheduling.interrupt->load();
    }

    // The queue's tasks of the job: index -> state code (PD, R, CG, ...); nothing when
    // squeue failed for another reason than a job that is gone.
    std::optional<std::map<std::size_t, std::string>> queued() const {
        const Finished f = run_command({"squeue", "-h", "-r", "-o", "%i %t", "-j", job_});
        std::map<std::size_t, std::string> out;
        if (f.status != 0) {
            // Slurm forgets a job some minutes after its last task ended.
            if (f.err.find("Invalid job id") != std::string::npos)
                return out;
            last_error_ = trimmed(f.err + f.out);
            return std::nullopt;
        }
        for (const auto& line : lines_of(f.out)) {
            const auto space = line.find(' ');
            const auto underscore = line.find('_');
            if (space == std::string::npos || underscore == std::string::npos
                || line.substr(0, underscore) != job_)
                continue;
            const std::string index = line.substr(underscore + 1, space - underscore - 1);
            if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos)
                continue;
            out[std::stoul(index)] = trimmed(line.substr(space + 1));
        }
        return out;
    }

    // Polls the queue until every task has left it; each node is then done (its cache entry
    // is there) or failed.
    std::map<std::size_t, std::string> wait() {
        const std::size_t n = units_.size();
        std::vector<std::string> state(n, "pending");
        std::vector<std::optional<Clock::time_point>> gone(n);
        int failures = 0;
        std::string summary;
        for (;;) {
            if (interrupted())
                cancel();
            const auto queue = queued();
            if (!queue) {
                if (++failures >= 30)
                    throw std::runtime_error(fmt::format(
                        "squeue failed {} times in a row ({}); slurm job {} may still be running: "
                        "'scancel {}' stops it, and running the same command again goes on "
                        "from the trainings it finished",
                        failures, last_error_, job_, job_));
            } else {
                failures = 0;
                bool all_ended = true;
                for (std::size_t k = 0; k < n; ++k) {
                    const std::string before = state[k];
                    if (before == "done" || before == "failed")
                        continue;
                    if (const auto it = queue->find(k); it != queue->end()) {
                        state[k] = it->second == "PD" ? "pending" : "running";
                        gone[k].reset();
                    } else if (unit_cached(k)) {
                        state[k] = "done";
                    } else {
                        // Out of the queue without a cache entry: failed, unless the entry
                        // is only late to show on this machine.
                        if (!gone[k])
                            gone[k] = Clock::now();
                        if (seconds_since(*gone[k]) >= opt_.grace_seconds)
                            state[k] = "failed";
                    }
                    if (state[k] != before)
                        say(fmt::format("slurm: {} {} (task {}){}", label(k), state[k], task(k),
                                        state[k] == "failed"
                                            ? fmt::format(": log {}", log_of(k).string())
                                            : std::string()));
                    all_ended = all_ended && (state[k] == "done" || state[k] == "failed");
                }
                std::map<std::string, std::size_t> count;
                for (const auto& s : state)
                    ++count[s];
                const std::string now =
                    fmt::format("slurm job {}: {} pending, {} running, {} done, {} failed", job_,
                                count["pending"], count["running"], count["done"], count["failed"]);
                if (now != summary)
                    say(now);
                summary = now;
                if (all_ended) {
                    job_ended();
                    return report(state);
                }
            }
            // Sleep in short steps, so that Ctrl-C is seen at once.
            const auto until = Clock::now()
                               + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(opt_.poll_seconds));
            while (Clock::now() < until && !interrupted())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    [[noreturn]] void cancel() const {
        const Finished f = run_command({"scancel", job_});
        if (f.status == 0)
            job_ended();
        std::size_t done = 0;
        for (std::size_t k = 0; k < units_.size(); ++k)
            done += unit_cached(k) ? 1 : 0;
        throw Interrupted(fmt::format(
            "interrupted: {} slurm job {} ({} of {} tasks were done and are in the cache)",
            f.status == 0 ? "cancelled" : "could not cancel ('scancel " + job_ + "' stops it)",
            job_, done, units_.size()));
    }

    std::map<std::size_t, std::string> report(const std::vector<std::string>& state) const {
        std::map<std::size_t, std::string> where;
        std::vector<std::size_t> failed;
        for (std::size_t k = 0; k < units_.size(); ++k) {
            if (state[k] == "done")
                for (const std::size_t i : units_[k])
                    where[i] = "slurm task " + task(k);
            else
                failed.push_back(k);
        }
        if (failed.empty())
            return where;
        const auto states = accounting_states(job_);
        std::string what = fmt::format("{} of {} tasks failed in slurm job {}:", failed.size(),
                                       units_.size(), job_);
        for (const std::size_t k : failed) {
            const auto s = states.find(task(k));
            what += fmt::format("\n  {} (task {}{}): log {}", label(k), task(k),
                                s == states.end() ? "" : ", " + s->second, log_of(k).string());
            if (const std::string line = last_line(log_of(k)); !line.empty())
                what += "\n      " + line;
        }
        what += fmt::format(
            "\nrunning the same command again submits only the {} missing (the {} done are in "
            "the cache)",
            failed.size(), units_.size() - failed.size());
        throw std::runtime_error(what);
    }

    const SlurmOptions& opt_;
    const RunOptions& run_;
    const Graph& graph_;
    const std::vector<std::vector<std::size_t>>& units_;
    fs::path dir_, logs_;
    std::string job_;
    mutable std::string last_error_;
};

}  // namespace

RemoteExecutor slurm_executor(SlurmOptions options, const RunOptions& run) {
    return [options = std::move(options), &run](
               const Graph& graph, const std::vector<std::vector<std::size_t>>& units) {
        return SlurmRun(options, run, graph, units).go();
    };
}

}  // namespace rnn::interp
