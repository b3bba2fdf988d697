#include "interpreter/engine/execute.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "interpreter/engine/cache.hpp"
#include "interpreter/engine/clock.hpp"
#include "interpreter/engine/edited_scripts.hpp"
#include "interpreter/engine/node_results.hpp"
#include "interpreter/engine/node_runners.hpp"
#include "interpreter/engine/run_control.hpp"
#include "interpreter/engine/run_directory.hpp"
#include "interpreter/engine/schedule.hpp"
#include "interpreter/training.hpp"
#include "runtime/hash.hpp"
#include "runtime/sha256.hpp"
#include "runtime/vector_math.hpp"

namespace rnn::interp {

namespace {

namespace fs = std::filesystem;

// Runs a graph in one of the three modes (RunMode): plans which nodes run (plan), runs them
// on threads (schedule), each through its kind's runner (engine/node_runners.hpp), and
// publishes their cache entries into the run directory.
class Executor {
public:
    Executor(const Program& program, const Graph& graph, const RunOptions& options)
        : program_(program)
        , graph_(graph)
        , opt_(options)

        , reporter_(options.reporting.reporter != nullptr ? *options.reporting.reporter : silent_)
        , control_(options.scheduling)
        , context_{program, options, cache_, reporter_, control_, results_} {}

    void run() {
        std::visit([this](const auto& mode) { run(mode); }, opt_.mode);
    }

private:
    void run(const LocalRun& mode) {
        out_ = claim_directory(opt_.out_dir, opt_.provenance, reporter_);
        cache_.open(*out_, true);
        const DirectoryLock lock(cache_.folder());
        cache_.clean_staging();
        remove_temporaries(*out_);
        check_output_paths(graph_);
        const auto started = Clock::now();
        plan();
        // From here on the directory may change: until its new manifest says otherwise, it
        // says it is incomplete.
        const PublishedFiles before = mark_incomplete(*out_);
        before_ = before;
        if (mode.remote) {
            // The trainings and what reads only them run elsewhere into the cache; the rest
            // then runs here from it.
            remote_ = mode.remote(graph_, remote_units(graph_, reused_));
            plan();
            say_remote_results();
        }
        // A Ctrl-C that comes after the last node is no interruption.
        const bool interrupted = !schedule();
        if (!error_) {
            if (!interrupted) {
                remove_stale(*out_, before, published_);
                published_["metrics.toml"] = write_metrics(*out_, graph_, metrics_);
            }
            const RunRecord record{!interrupted, mode.executor, opt_.scheduling.jobs,
                                   opt_.scheduling.resume, seconds_since(started)};
            write_manifest(*out_, opt_.provenance, program_.seed, record, graph_, node_records(),
                           published_);
        }
        if (error_)
            std::rethrow_exception(error_);
        if (interrupted)
            throw_interrupted();
        say_reused();
    }

    void run(const DryRun& mode) {
        std::error_code ec;
        if (fs::is_directory(opt_.out_dir, ec))
            cache_.open(rt::Directory::open(opt_.out_dir), false);
        check_output_paths(graph_);
        plan();
        if (mode.remote)
            mode.remote(graph_, remote_units(graph_, reused_));
    }

    // A cluster task: the nodes with these keys and what they read, into the cache only.
    void run(const ClusterWorker& mode) {
        std::error_code ec;
        if (fs::is_directory(opt_.out_dir, ec))
            cache_.open(rt::Directory::open(opt_.out_dir), false);
        if (!cache_.is_open())
            throw std::runtime_error(fmt::format(
                "'{}' does not exist on this machine: the output directory must be on a "
                "filesystem that this machine shares with the one that submitted the job",
                (opt_.out_dir / ".cache").string()));
        std::vector<std::size_t> targets;
        for (const std::uint64_t key : mode.node_keys) {
            std::optional<std::size_t> target;
            for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
                if (graph_.nodes[i].key == key)
                    target = i;
            if (!target)
                throw std::runtime_error(fmt::format(
                    "no node of '{}' has the key {}: the script, a file it includes, its "
                    "overrides or the rnn program changed since the job was submitted",
                    opt_.provenance.script_path.string(), rt::hex64(key)));
            targets.push_back(*target);
        }
        plan(targets);
        for (const std::size_t t : targets)
            if (reused_[t])
                reporter_.say(fmt::format("{}: already in the cache", node_label(graph_.nodes[t])));
        const bool complete = schedule();
        if (error_)
            std::rethrow_exception(error_);
        if (!complete)
            throw_interrupted();
        for (const std::size_t t : targets)
            if (!reused_[t])
                reporter_.say(fmt::format("{}: in the cache as {}", node_label(graph_.nodes[t]),
                                          cache_.entry_path(graph_.nodes[t].key).string()));
    }

    [[noreturn]] void throw_interrupted() const {
        std::string what = "interrupted";
        for (const auto& line : control_.checkpointed_lines())
            what += "\n  " + line;
        throw Interrupted(what);
    }

    // Taken from the cache, not computed by this run (here or by its remote executor).
    bool reused_here(std::size_t i) const { return reused_[i] && !remote_.contains(i); }

    std::vector<NodeRecord> node_records() const {
        std::vector<NodeRecord> out(graph_.nodes.size());
        for (std::size_t i = 0; i < out.size(); ++i) {
            out[i].seconds = timings_[i];
            out[i].reused = reused_here(i);
            if (const auto where = remote_.find(i); where != remote_.end())
                out[i].computed_by = where->second;
        }
        return out;
    }

    // Which nodes came from the cache: their names by kind, the first few of each.
    void say_reused() {
        std::size_t reused = 0, total = 0;
        std::map<std::string, std::vector<std::string>> by_kind;
        for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
            if (has_entry(graph_.nodes[i].kind)) {
                ++total;
                if (reused_here(i)) {
                    ++reused;
                    by_kind[std::string(keyword(graph_.nodes[i].kind))].push_back(
                        graph_.nodes[i].name);
                }
            }
        if (reused == 0)
            return;
        std::string names;
        for (const auto& [kind, list] : by_kind) {
            names += fmt::format("{}{}", names.empty() ? "" : "; ", kind);
            for (std::size_t k = 0; k < list.size() && k < 6; ++k)
                names += " " + list[k];
            if (list.size() > 6)
                names += fmt::format(" and {} more", list.size() - 6);
        }
        reporter_.say(
            fmt::format("reused {} of {} nodes from the cache ({})", reused, total, names));
    }

    // The metrics lines of the evaluations and analyses the remote executor computed, as a
    // local run prints them when it computes them (the means of an evaluation's metrics).
    void say_remote_results() {
        for (const auto& [i, where] : remote_) {
            const GraphNode& node = graph_.nodes[i];
            const bool evaluation = node.kind == NodeKind::Evaluate;
            if ((!evaluation && node.kind != NodeKind::Analyze) || !entries_[i])
                continue;
            const toml::table* metrics = (*entries_[i])["metrics"].as_table();
            if (metrics == nullptr)
                continue;
            std::string summary;
            for (const auto& [k, v] : *metrics) {
                const std::string name(k.str());
                const auto value = v.value<double>();
                if (!value || (evaluation && !name.ends_with("_mean")))
                    continue;
                summary += fmt::format("  {} {:.4f}",
                                       evaluation ? name.substr(0, name.size() - 5) : name, *value);
            }
            reporter_.say(fmt::format("{} ({}):{}", node_label(node), where, summary));
        }
    }

    // Which nodes run: a node is computed when its cache entry is missing; a cached node is
    // loaded when a computed node reads it; a task is made when a node that runs reads it.
    // With `only`, those nodes alone are computed (those not cached), with what they read.
    void plan(const std::vector<std::size_t>& only = {}) {
        const std::size_t n = graph_.nodes.size();
        entries_.resize(n);
        reused_.assign(n, false);
        active_.assign(n, false);
        timings_.assign(n, 0.0);
        for (std::size_t i = 0; i < n; ++i) {
            const GraphNode& node = graph_.nodes[i];
            if (has_entry(node.kind)) {
                std::string problem;
                entries_[i] = cache_.lookup(node, &problem);
                if (!problem.empty())
                    reporter_.say(fmt::format("warning: {}: {}; computing {} again",
                                              node_label(node), problem, node.name));
            }
            reused_[i] = entries_[i].has_value();
            active_[i] = has_entry(node.kind) && !reused_[i]
                         && (only.empty() || std::find(only.begin(), only.end(), i) != only.end());
        }
        for (std::size_t i = n; i-- > 0;) {
            if (!active_[i])
                continue;
            // A computed node needs its inputs in memory; a cached train needs its task
            // (the network's input size).
            for (const std::size_t j : graph_.nodes[i].inputs)
                if (!reused_[i] || node_runner(graph_.nodes[i].kind).restore_reads_inputs)
                    active_[j] = true;
        }
    }

    // Runs the active nodes, up to Scheduling::jobs at once, each on its own thread once its
    // inputs are done. Stops starting nodes after an error or an interruption.
    // Returns whether every node ran to its end.
    bool schedule() {
        const std::size_t n = graph_.nodes.size();
        std::vector<int> state(n, 0);  // 0 waiting, 1 running, 2 done
        for (std::size_t i = 0; i < n; ++i) {
            if (!active_[i]) {
                state[i] = 2;
                if (reused_[i])
                    publish(i);
            }
        }
        const std::vector<std::size_t> order = start_order(graph_, [&](std::size_t i) {
            return opt_.scheduling.resume && cache_.has_checkpoint(graph_.nodes[i].key);
        });
        std::vector<std::thread> threads;
        std::unique_lock lock(mutex_);
        std::size_t running = 0;
        bool complete = false;
        for (;;) {
            const bool stopping =
                error_ || control_.stop_requested() || control_.any_checkpointed();
            if (!stopping)
                for (const std::size_t i : order) {
                    if (running >= static_cast<std::size_t>(opt_.scheduling.jobs))
                        break;
                    if (state[i] != 0)
                        continue;
                    bool ready = true;
                    for (const std::size_t j : graph_.nodes[i].inputs)
                        ready = ready && state[j] == 2;
                    if (!ready)
                        continue;
                    state[i] = 1;
                    ++running;
                    threads.emplace_back([this, i, &state, &running] {
                        const std::exception_ptr error = run_node_guarded(i);
                        const std::lock_guard inner(mutex_);
                        if (error && !error_) {
                            error_ = error;
                            control_.node_failed();
                        }
                        state[i] = 2;
                        --running;
                        changed_.notify_all();
                    });
                }
            bool all_done = true;
            for (const int s : state)
                all_done = all_done && s == 2;
            if (running == 0 && (all_done || stopping)) {
                complete = all_done && !control_.any_checkpointed();
                break;
            }
            // Wake up now and then to see an interruption.
            changed_.wait_for(lock, std::chrono::milliseconds(200));
        }
        lock.unlock();
        for (auto& t : threads)
            t.join();
        return complete;
    }

    // Runs node i on this (node) thread; what it threw, if anything.
    std::exception_ptr run_node_guarded(std::size_t i) {
        rt::configure_compute_thread();
        try {
            run_node(i);
        } catch (const std::bad_alloc&) {
            return std::make_exception_ptr(RuntimeFailure(fmt::format(
                "{}: out of memory (the machine or its limits had no room for what it needed; "
                "'rnn check --max-memory SIZE' estimates what trainings and evaluations need)",
                node_label(graph_.nodes[i]))));
        } catch (const std::exception& e) {
            // Say which node failed, unless the message does.
            const std::string label = node_label(graph_.nodes[i]);
            const std::string what = e.what();
            return what.starts_with(label)
                       ? std::current_exception()
                       : std::make_exception_ptr(RuntimeFailure(label + ": " + what));
        } catch (...) {
            return std::current_exception();
        }
        return nullptr;
    }

    void run_node(std::size_t i) {
        const GraphNode& node = graph_.nodes[i];
        const auto t0 = Clock::now();
        if (reused_[i]) {
            // Cached, and read by a computed node: its results go into the run directory too.
            restore(i);
            publish(i);
            return;
        }
        NodeOutput out;
        if (!node_runner(node.kind).compute(context_, node, out))
            return;  // interrupted, checkpointed
        if (has_entry(node.kind)) {
            cache_.commit(node, out, seconds_since(t0));
            entries_[i] = cache_.lookup(node);
            if (!entries_[i])
                throw std::runtime_error(
                    fmt::format("the cache entry of {} cannot be read back", node_label(node)));
            cache_.remove_checkpoint(node.key);
            publish(i);
        }
        const std::lock_guard lock(mutex_);
        timings_[i] = seconds_since(t0);
    }

    // Copies a node's files from its cache entry into the run directory and keeps its
    // metrics for metrics.toml.
    void publish(std::size_t i) {
        if (std::holds_alternative<ClusterWorker>(opt_.mode))
            return;  // a cluster task fills the cache; the driver publishes
        const toml::table& e = *entries_[i];
        PublishedFiles files;
        if (const auto* list = e["files"].as_array())
            for (const auto& f : *list) {
                const std::string rel = f.value_or(std::string());
                const std::string bytes = cache_.published_file(graph_.nodes[i], e, rel);
                if (keep_edited_script(rel, bytes, files))
                    continue;
                out_->write(rel, bytes);
                files.emplace(rel, rt::sha256_hex(bytes));
            }
        const std::lock_guard lock(mutex_);
        published_.merge(files);
        if (const auto* m = e["metrics"].as_table())
            metrics_[i] = *m;
        if (reused_[i])
            timings_[i] = e["seconds"].value_or(0.0);
    }

    // A figure script edited by hand stays (engine/edited_scripts.hpp): rnnlab's goes beside
    // it, and the manifest keeps the hash rnnlab last wrote, so the next run keeps it too.
    bool keep_edited_script(const std::string& rel, const std::string& bytes,
                            PublishedFiles& files) {
        if (!is_figure_script(rel))
            return false;
        const auto beside = edited_script_elsewhere(*out_, rel, bytes, before_);
        if (!beside)
            return false;
        out_->write(*beside, bytes);
        files.emplace(*beside, rt::sha256_hex(bytes));
        if (const auto listed = before_.find(rel); listed != before_.end())
            files.emplace(rel, listed->second);
        reporter_.say(kept_script_warning(rel, *beside));
        return true;
    }

    // The in-memory results of a cached node that a computed node reads.
    void restore(std::size_t i) {
        const GraphNode& node = graph_.nodes[i];
        const NodeRunner& runner = node_runner(node.kind);
        if (runner.restore == nullptr)
            return;
        runner.restore(context_, node, cache_.state(node));
    }

    const Program& program_;
    const Graph& graph_;
    const RunOptions& opt_;
    std::optional<rt::Directory> out_;  // the run directory (LocalRun)
    Cache cache_;
    SilentReporter silent_;
    Reporter& reporter_;
    RunControl control_;
    NodeResults results_;
    RunnerContext context_;
    std::vector<std::optional<toml::table>> entries_;
    std::vector<bool> reused_, active_;
    std::vector<double> timings_;
    std::mutex mutex_;  // guards everything below and the node states in schedule()
    std::condition_variable changed_;
    std::exception_ptr error_;
    std::map<std::size_t, toml::table> metrics_;
    PublishedFiles published_;
    PublishedFiles before_;                      // what the previous run published (LocalRun)
    std::map<std::size_t, std::string> remote_;  // computed by the remote executor: where
};

}  // namespace

void execute(const Program& program, const Graph& graph, const RunOptions& options) {
    Executor(program, graph, options).run();
}

bool node_cached(const GraphNode& node, const std::filesystem::path& out_dir) {
    Cache cache;
    cache.open(rt::Directory::open(out_dir), false);
    return cache.lookup(node).has_value();
}

}  // namespace rnn::interp
