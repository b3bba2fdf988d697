#include "interpreter/engine/node_runners.hpp"

#include <optional>

#include <fmt/format.h>

#include "interpreter/engine/clock.hpp"
#include "interpreter/engine/evaluation_files.hpp"
#include "interpreter/engine/node_arguments.hpp"
#include "interpreter/engine/state_codecs.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/training.hpp"
#include "interpreter/training/checkpoint_codec.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::interp {

namespace {

namespace fs = std::filesystem;

// The files a node publishes, relative to the run directory.
std::string folder_of(const GraphNode& n) {
    return node_directory(n.name);
}

bool compute_task(RunnerContext& c, const GraphNode& node, NodeOutput&) {
    c.results.keep(node.name, make_task(c.program, c.program.tasks.at(node.name)));
    return true;
}

// The checkpoint a training goes on from: with --resume, the one an interrupted run left.
std::optional<rt::Checkpoint> resume_point(RunnerContext& c, const GraphNode& node) {
    std::optional<rt::Checkpoint> resume;
    if (c.cache.has_checkpoint(node.key)) {
        if (c.options.scheduling.resume) {
            resume = c.cache.load_checkpoint(node.key);
            c.reporter.say(fmt::format("train {}: resumed after epoch {}", node.name,
                                       resume->get_int("epochs_done")));
        } else {
            c.reporter.say(fmt::format(
                "train {}: starting over (a checkpoint exists; --resume goes on from it)",
                node.name));
        }
    }
    return resume;
}

// A training's files (each tensor's effective value, the raw value of a constrained one, the
// history) and its metrics.
void training_output(const TrainDef& def, const GraphNode& node, const TrainedNetwork& result,
                     NodeOutput& out) {
    const std::string dir = folder_of(node) + "/";
    for (const auto& p : result.net.params)
        out.files[dir + p.name + ".npy"] = rt::npy_bytes(rt::effective_value(p));
    // A constrained tensor also gets its raw parameter A (what the optimizer updates).
    for (const auto& p : result.net.params)
        if (p.constraint.any())
            out.files[dir + p.name + ".raw.npy"] = rt::npy_bytes(p.raw);
    std::string csv;
    for (std::size_t i = 0; i < result.history.columns.size(); ++i)
        csv += (i ? "," : "") + result.history.columns[i];
    csv += "\n";
    for (const auto& row : result.history.rows) {
        for (std::size_t i = 0; i < row.size(); ++i)
            csv += fmt::format("{}{:.9g}", i ? "," : "", row[i]);
        csv += "\n";
    }
    out.files[dir + "history.csv"] = csv;
    toml::table table;
    table.insert("epochs_run", result.epochs_run);
    table.insert("stopped_early", result.stopped_early);
    if (def.nan_ends_epoch)
        table.insert("nan_epochs", result.nan_epochs);
    table.insert("final_loss", result.final_loss);
    out.metrics = std::move(table);
    out.state = trained_state(result);
}

// Returns false when the training was interrupted (and checkpointed).
bool compute_train(RunnerContext& c, const GraphNode& node, NodeOutput& out) {
    const TrainDef& def = c.program.trains.at(node.name);
    const stdlib::TaskInstance& task = *c.results.task_of(def.task);
    const std::optional<rt::Checkpoint> resume = resume_point(c, node);
    const long first = resume ? static_cast<long>(resume->get_int("epochs_done")) : 0;
    const auto t0 = Clock::now();
    auto last_checkpoint = Clock::now();
    auto on_epoch = [&](long epoch, long total, double loss,
                        const std::map<std::string, double>& metrics) {
        std::string m;
        for (const auto& [k, v] : metrics)
            m += fmt::format("  {} {:.4f}", k, v);
        const double per_epoch = seconds_since(t0) / static_cast<double>(epoch + 1 - first);
        c.reporter.epoch(node.name, epoch, total, loss,
                         per_epoch * static_cast<double>(total - epoch - 1), m);
    };
    TrainCheckpoints checkpoints;
    checkpoints.resume = resume ? &*resume : nullptr;
    checkpoints.after_epoch = [&](long done) {
        c.control.after_epoch(done);
        if (c.control.stop_requested())
            return AfterEpoch::CheckpointAndStop;
        if (seconds_since(last_checkpoint) >= c.options.scheduling.checkpoint_seconds) {
            last_checkpoint = Clock::now();
            return AfterEpoch::Checkpoint;
        }
        return AfterEpoch::Continue;
    };
    checkpoints.save = [&](const rt::Checkpoint& ck) {
        c.cache.save_checkpoint(node.key, ck);
    };
    checkpoints.warn = [&](const std::string& line) {
        c.reporter.say(line);
    };
    TrainedNetwork result = train(c.program, def, task, on_epoch, checkpoints);
    c.reporter.done(node.name);
    const double secs = seconds_since(t0);
    if (result.interrupted) {
        const std::string line = fmt::format("train {}: checkpointed after epoch {} of {}",
                                             node.name, result.epochs_run, def.epochs);
        c.reporter.say(line);
        c.control.checkpointed(line);
        return false;
    }
    c.reporter.say(fmt::format("train {}: {} after {} epochs ({:.2f} s)", node.name,
                               result.stopped_early ? "stopped early" : "finished",
                               result.epochs_run, secs));
    training_output(def, node, result, out);
    c.results.keep(node.name, std::move(result));
    return true;
}

// The altered network's tensors (effective values) are its files, as a training's are.
bool compute_alter(RunnerContext& c, const GraphNode& node, NodeOutput& out) {
    const AlterDef& def = c.program.alters.at(node.name);
    TrainedNetwork result = alter(def, c.results.trained_of(def.train));
    const std::string dir = folder_of(node) + "/";
    for (const auto& p : result.net.params)
        out.files[dir + p.name + ".npy"] = rt::npy_bytes(rt::effective_value(p));
    toml::table table;
    table.insert("lesioned_units", static_cast<std::int64_t>(def.lesion.size()));
    table.insert("changes", static_cast<std::int64_t>(def.ops.size()));
    out.metrics = std::move(table);
    out.state = trained_state(result);
    c.reporter.say(fmt::format("alter {}: {} unit{} lesioned, {} change{}", node.name,
                               def.lesion.size(), def.lesion.size() == 1 ? "" : "s", def.ops.size(),
                               def.ops.size() == 1 ? "" : "s"));
    c.results.keep(node.name, std::move(result));
    return true;
}

bool compute_evaluate(RunnerContext& c, const GraphNode& node, NodeOutput& out) {
    const EvaluateDef& def = c.program.evaluates.at(node.name);
    const TaskDef& task_def = c.program.tasks.at(def.task);
    const stdlib::TaskInstance& task = *c.results.task_of(def.task);
    // A network definition runs at the values a training without its own seed starts from.
    const rt::Network<float> initial =
        def.network.empty()
            ? rt::Network<float>{}
            : build_network(c.program.networks.at(def.network), task.input_size(), c.program.seed);
    Evaluation ev = evaluate(c.program, def,
                             def.network.empty() ? c.results.trained_of(def.train).net : initial,
                             task, task_def);
    evaluation_files(ev, folder_of(node), out.files);
    ev.saved.clear();  // published; no later node reads them
    toml::table t;
    std::string summary;
    for (const auto& name : ev.metric_names) {
        const auto& values = ev.per_trial.at(name);
        toml::array arr;
        double mean = 0.0;
        for (const double v : values) {
            arr.push_back(v);
            mean += v / static_cast<double>(values.size());
        }
        t.insert(name, std::move(arr));
        t.insert(name + "_mean", mean);
        summary += fmt::format("  {} {:.4f}", name, mean);
    }
    toml::array cond;
    for (const long k : ev.condition)
        cond.push_back(static_cast<std::int64_t>(k));  // 0-based, as trials.csv and figures
    t.insert("condition", std::move(cond));
    out.metrics = std::move(t);
    out.state = evaluation_state(ev);
    c.reporter.say(fmt::format("evaluate {}:{}", node.name, summary));
    // Kept activity is held for the whole run and written to the cache: say when it is
    // large (a task's default of 100 fresh trials of a long deterministic trial, say).
    const double bytes =
        static_cast<double>((ev.activity.n_elem + ev.cells.n_elem) * sizeof(float));
    if (bytes >= c.options.reporting.large_activity_bytes)
        c.reporter.say(fmt::format(
            "note: evaluate {} keeps {:.1f} GB of activity ({} trials x {} units x {} "
            "steps) in memory and in the cache; 'trials = N' in its block keeps fewer",
            node.name, bytes / 1e9, ev.activity.n_rows, ev.activity.n_cols, ev.activity.n_slices));
    c.results.keep(node.name, std::move(ev));
    return true;
}

bool compute_analyze(RunnerContext& c, const GraphNode& node, NodeOutput& out) {
    const AnalyzeDef& def = c.program.analyses.at(node.name);
    const stdlib::AnalysisResult r =
        def.entry->run(node_arguments(c.program, c.results, def.args), def.options);
    toml::table t;
    std::string summary;
    for (const auto& [k, v] : r.scalars) {
        t.insert(k, v);
        summary += fmt::format("  {} {:.4f}", k, v);
    }
    for (const auto& [k, v] : r.arrays)
        out.files[folder_of(node) + "/" + k + ".npy"] = rt::npy_bytes(v);
    for (const auto& [k, text] : r.files)
        out.files[folder_of(node) + "/" + k] = text;
    out.metrics = std::move(t);
    out.state = analysis_state(r);
    c.reporter.say(fmt::format("analyze {}:{}", node.name, summary));
    c.results.keep(node.name, r);
    return true;
}

// gnuplot draws into a scratch folder; the picture, its script and data become the
// node's files.
bool compute_plot(RunnerContext& c, const GraphNode& node, NodeOutput& out) {
    const PlotDef* def = nullptr;
    for (const auto& p : c.program.plots)
        if (p.file == node.name)
            def = &p;
    const fs::path rel(def->file);
    const rt::Directory scratch = c.cache.scratch(node.key);
    const std::string stem = rel.stem().string();
    const stdlib::FigureScript script =
        def->entry->draw(node_arguments(c.program, c.results, def->args), def->options, stem);
    stdlib::render(scratch, stem, stdlib::image_format(def->file), script);
    const fs::path folder = rel.parent_path();
    for (const auto& name : scratch.list()) {
        if (name.starts_with("."))
            continue;
        std::string why;
        const auto bytes = scratch.read(name, why);
        if (!bytes)
            throw std::runtime_error(
                fmt::format("cannot read '{}': {}", (scratch.path() / name).string(), why));
        out.files[(folder / name).string()] = *bytes;
    }
    c.cache.remove_scratch(node.key);
    c.reporter.say(fmt::format("plot {}", def->file));
    return true;
}

void restore_train(RunnerContext& c, const GraphNode& node, const rt::Checkpoint& state) {
    const TrainDef& def = c.program.trains.at(node.name);
    const stdlib::TaskInstance& task = *c.results.task_of(def.task);
    c.results.keep(node.name,
                   restore_trained(state, build_network(c.program.networks.at(def.network),
                                                        task.input_size(), c.program.seed)));
}

void restore_alter(RunnerContext& c, const GraphNode& node, const rt::Checkpoint& state) {
    const AlterDef& def = c.program.alters.at(node.name);
    const TrainDef& train = c.program.trains.at(def.train);
    TrainedNetwork t = restore_trained(
        state, build_network(c.program.networks.at(train.network),
                             c.results.task_of(train.task)->input_size(), c.program.seed));
    alter_constraints(def, t.net);
    c.results.keep(node.name, std::move(t));
}

void restore_evaluate(RunnerContext& c, const GraphNode& node, const rt::Checkpoint& state) {
    c.results.keep(node.name, restore_evaluation(state));
}

void restore_analyze(RunnerContext& c, const GraphNode& node, const rt::Checkpoint& state) {
    c.results.keep(node.name, restore_analysis(state));
}

}  // namespace

const NodeRunner& node_runner(NodeKind kind) {
    static const NodeRunner kTask{compute_task, nullptr, false};
    static const NodeRunner kTrain{compute_train, restore_train, true};
    static const NodeRunner kAlter{compute_alter, restore_alter, true};
    static const NodeRunner kEvaluate{compute_evaluate, restore_evaluate, false};
    static const NodeRunner kAnalyze{compute_analyze, restore_analyze, false};
    static const NodeRunner kPlot{compute_plot, nullptr, false};
    switch (kind) {
        case NodeKind::Task:
            return kTask;
        case NodeKind::Train:
            return kTrain;
        case NodeKind::Alter:
            return kAlter;
        case NodeKind::Evaluate:
            return kEvaluate;
        case NodeKind::Analyze:
            return kAnalyze;
        case NodeKind::Plot:
            return kPlot;
    }
    return kTask;
}

}  // namespace rnn::interp
