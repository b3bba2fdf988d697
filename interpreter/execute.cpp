#include "interpreter/execute.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "interpreter/paths.hpp"
#include "interpreter/training.hpp"
#include "interpreter/version.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/random.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::interp {

namespace {

std::string params_text(const stdlib::Params& p) {
    std::string out;
    for (const auto& [k, v] : p.values())
        out += fmt::format("{}={};", k, stdlib::format_value(v));
    return out;
}

// A task's parameters for its node key: a file parameter enters by its content hash
// (TaskDef::files_key), not by its absolute path, so moving a project keeps its cache.
std::string task_params_text(const TaskDef& t) {
    std::string out;
    for (const auto& [k, v] : t.params.values()) {
        const stdlib::ParamSpec* spec = t.entry->schema.find(k);
        if (spec == nullptr || spec->type != stdlib::ParamType::File)
            out += fmt::format("{}={};", k, stdlib::format_value(v));
    }
    return out;
}

std::string initializer_text(const rt::Initializer& i) {
    switch (i.kind) {
        case rt::InitKind::Normal:
            return fmt::format("normal({})", i.a);
        case rt::InitKind::Uniform:
            return fmt::format("uniform({}, {})", i.a, i.b);
        case rt::InitKind::Zeros:
            return "zeros";
        case rt::InitKind::Constant:
            return fmt::format("constant({})", i.a);
        case rt::InitKind::XavierUniform:
            return fmt::format("xavier_uniform({})", i.a);
        case rt::InitKind::XavierNormal:
            return fmt::format("xavier_normal({})", i.a);
        case rt::InitKind::Orthogonal:
            return fmt::format("orthogonal({})", i.a);
        case rt::InitKind::Identity:
            return fmt::format("identity({})", i.a);
        case rt::InitKind::FanInUniform:
            return "fan_in_uniform";
        case rt::InitKind::Bernoulli:
            return fmt::format("bernoulli({})", i.a);
    }
    return "?";
}

std::string network_text(const NetworkDef& n) {
    std::string out = fmt::format("kind={};{}", n.entry->name, params_text(n.params));
    for (const auto& [name, t] : n.tensors)
        out += fmt::format(
            "{}:fixed={},symmetric={},dale={},no_self={},arrays={},init={},seed={},"
            "stream={};",
            name, t.constraint.fixed, t.constraint.symmetric, t.constraint.dale,
            t.constraint.no_self, t.arrays_key, t.init ? initializer_text(*t.init) : "default",
            t.pinned_seed ? fmt::format("{}", *t.pinned_seed) : "-", t.stream);
    return out;
}

std::string loss_node_text(const LossNode& n) {
    using Kind = LossNode::Kind;
    switch (n.kind) {
        case Kind::Constant:
            return fmt::format("{}", n.value);
        case Kind::Add:
            return "(" + loss_node_text(n.children[0]) + " + " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Sub:
            return "(" + loss_node_text(n.children[0]) + " - " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Mul:
            return "(" + loss_node_text(n.children[0]) + " * " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Div:
            return "(" + loss_node_text(n.children[0]) + " / " + loss_node_text(n.children[1])
                   + ")";
        case Kind::Neg:
            return "-" + loss_node_text(n.children[0]);
        case Kind::Reduce: {
            const std::string_view r = rt::time_reduction_name(n.reduction);
            return n.period.empty() ? fmt::format("{}({})", r, n.signal)
                                    : fmt::format("{}({}, during: {})", r, n.signal, n.period);
        }
        case Kind::FixedPoint:
            return fmt::format("fixed_point({}, {})", n.tensor, n.matrix);
        case Kind::L2:
            return fmt::format("l2({}{})", n.tensor, n.raw ? ".raw" : "");
        case Kind::L1:
            return fmt::format("l1({}{})", n.tensor, n.raw ? ".raw" : "");
        case Kind::RateL2:
            return "rate_l2";
        case Kind::MaskedMse:
            return fmt::format("masked_mse(mask:{},per:{})", n.mask, n.pooled ? "pooled" : "trial");
        case Kind::CrossEntropy:
            return fmt::format("cross_entropy(mask:{},ignore:{})", n.mask, n.ignore);
    }
    return "?";
}

std::string train_text(const TrainDef& t) {
    std::string out = fmt::format(
        "updater={};optimizer={}:lr:{},beta1:{},beta2:{},eps:{},wd:{},momentum:{},dampening:{},"
        "nesterov:{};clip_norm={};schedule={};epochs={};batch={};batches={};seed={};loss=",
        t.updater, rt::optimizer_name(t.optimizer.kind), t.optimizer.lr, t.optimizer.beta1,
        t.optimizer.beta2, t.optimizer.eps, t.optimizer.weight_decay, t.optimizer.momentum,
        t.optimizer.dampening, t.optimizer.nesterov, t.clip_norm, t.schedule, t.epochs, t.batch,
        t.batches, t.seed ? fmt::format("{}", *t.seed) : "script");
    for (const auto& term : t.loss)
        out += fmt::format("{}{};", term.sign < 0 ? "-" : "+", loss_node_text(term.node));
    if (t.stop) {
        out += "stop=";
        for (const auto& c : t.stop->all)
            out += fmt::format("{}{}{},", c.metric, c.op, c.threshold);
        out += fmt::format("for{};", t.stop->epochs);
    }
    out += fmt::format("validate={},{};on_nan={};", t.validate_every, t.validate_trials,
                       t.nan_ends_epoch ? "end_epoch" : "stop");
    if (t.curriculum)
        out += fmt::format("curriculum={},{},{},{},{};", t.curriculum->threshold,
                           t.curriculum->patience, t.curriculum->mix, t.curriculum->metric,
                           t.curriculum->mixed_replay ? "mixed" : "separate");
    return out;
}

std::string args_text(const std::vector<ArgRef>& args, const stdlib::Params& options) {
    std::string out;
    for (const auto& a : args)
        out += a.label + ",";
    return out + ";" + params_text(options);
}

}  // namespace

Graph lower(const Program& program) {
    Graph g;
    std::map<std::string, std::size_t> index;  // "kind name" -> node
    auto add = [&](std::string kind, std::string name, std::vector<std::size_t> inputs,
                   std::string description) {
        GraphNode n{kind, name, std::move(inputs), std::move(description), 0};
        std::uint64_t key =
            rt::hash64(kind + "\n" + name + "\n" + n.description, rt::hash64(kVersion));
        for (const std::size_t i : n.inputs)
            key = rt::hash_combine(key, g.nodes[i].key);
        n.key = key;
        index[kind + " " + name] = g.nodes.size();
        g.nodes.push_back(std::move(n));
    };
    const std::string seed = fmt::format("seed={};", program.seed);
    for (const auto& [name, t] : program.tasks)
        add("task", name, {},
            seed + "entry=" + t.entry->name + ";data=" + t.data_origin + ";" + task_params_text(t)
                + (t.files_key.empty() ? "" : "files=" + t.files_key + ";"));
    for (const auto& [name, t] : program.trains)
        add("train", name, {index.at("task " + t.task)},
            seed + "network=" + network_text(program.networks.at(t.network)) + ";" + train_text(t));
    for (const auto& [name, e] : program.evaluates)
        add("evaluate", name, {index.at("train " + e.train), index.at("task " + e.task)},
            seed + fmt::format("trials={}", e.trials));
    auto deps = [&](const std::vector<ArgRef>& args) {
        std::vector<std::size_t> out;
        std::set<std::size_t> seen;
        for (const auto& a : args) {
            const std::string kind =
                a.kind == ArgRef::Kind::TaskMatrix || a.kind == ArgRef::Kind::Task ? "task"
                : a.kind == ArgRef::Kind::Evaluation                               ? "evaluate"
                                                                                   : "train";
            const std::size_t i = index.at(kind + " " + a.definition);
            if (seen.insert(i).second)
                out.push_back(i);
        }
        return out;
    };
    for (const auto& [name, a] : program.analyses)
        add("analyze", name, deps(a.args), a.entry->name + ";" + args_text(a.args, a.options));
    for (const auto& p : program.plots)
        add("plot", p.file, deps(p.args), p.entry->name + ";" + args_text(p.args, p.options));
    return g;
}

namespace {

class Executor {
public:
    Executor(const Program& program, const Graph& graph, const RunOptions& options)
        : program_(program), graph_(graph), opt_(options) {}

    void run() {
        std::filesystem::create_directories(opt_.out_dir);
        const auto started = std::chrono::steady_clock::now();
        for (const auto& node : graph_.nodes) {
            const auto t0 = std::chrono::steady_clock::now();
            if (node.kind == "task")
                run_task(node);
            else if (node.kind == "train")
                run_train(node);
            else if (node.kind == "evaluate")
                run_evaluate(node);
            else if (node.kind == "analyze")
                run_analyze(node);
            else if (node.kind == "plot")
                run_plot(node);
            timings_[node.kind + " " + node.name] =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        }
        write_metrics();
        write_manifest(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }

private:
    void say(const std::string& line) const {
        if (!opt_.quiet && opt_.log)
            opt_.log(line);
    }

    void run_task(const GraphNode& node) {
        tasks_[node.name] = make_task(program_, program_.tasks.at(node.name));
    }

    void run_train(const GraphNode& node) {
        const TrainDef& def = program_.trains.at(node.name);
        const auto t0 = std::chrono::steady_clock::now();
        const long every = std::max<long>(1, def.epochs / 15);
        auto progress = [&](long epoch, long total, double loss,
                            const std::map<std::string, double>& metrics) {
            if ((epoch + 1) % every != 0 && epoch + 1 != total)
                return;
            std::string m;
            for (const auto& [k, v] : metrics)
                m += fmt::format("  {} {:.4f}", k, v);
            say(fmt::format("train {}: epoch {:>4}/{}  loss {:.5f}{}", node.name, epoch + 1, total,
                            loss, m));
        };
        TrainedNetwork result = train(program_, def, *tasks_.at(def.task), progress);
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        say(fmt::format("train {}: {} after {} epochs ({:.2f} s)", node.name,
                        result.stopped_early ? "stopped early" : "finished", result.epochs_run,
                        secs));
        const auto dir = opt_.out_dir / node_directory(node.name);
        std::filesystem::create_directories(dir);
        for (const auto& p : result.net.params)
            rt::save_npy(dir / (p.name + ".npy"), rt::effective_value(p));
        // A constrained tensor also gets its raw parameter A (what the optimizer updates).
        for (const auto& p : result.net.params)
            if (p.constraint.any())
                rt::save_npy(dir / (p.name + ".raw.npy"), p.raw);
        std::string csv;
        for (std::size_t i = 0; i < result.history.columns.size(); ++i)
            csv += (i ? "," : "") + result.history.columns[i];
        csv += "\n";
        for (const auto& row : result.history.rows) {
            for (std::size_t i = 0; i < row.size(); ++i)
                csv += fmt::format("{}{:.9g}", i ? "," : "", row[i]);
            csv += "\n";
        }
        rt::write_file_atomically(dir / "history.csv", csv);
        auto table = std::make_unique<toml::table>();
        table->insert("epochs_run", result.epochs_run);
        table->insert("stopped_early", result.stopped_early);
        if (def.nan_ends_epoch)
            table->insert("nan_epochs", result.nan_epochs);
        table->insert("final_loss", result.final_loss);
        metrics_.insert(node.name, std::move(*table));
        trained_[node.name] = std::move(result);
    }

    void run_evaluate(const GraphNode& node) {
        const EvaluateDef& def = program_.evaluates.at(node.name);
        const TaskDef& task_def = program_.tasks.at(def.task);
        Evaluation ev =
            evaluate(program_, def, trained_.at(def.train), *tasks_.at(def.task), task_def);
        const auto dir = opt_.out_dir / node_directory(node.name);
        std::filesystem::create_directories(dir);
        for (const auto& [name, values] : ev.signals)
            rt::save_npy(dir / (name + ".npy"), values);
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
        for (const long c : ev.condition)
            cond.push_back(static_cast<std::int64_t>(c + 1));
        t.insert("condition", std::move(cond));
        metrics_.insert(node.name, std::move(t));
        say(fmt::format("evaluate {}:{}", node.name, summary));
        evaluations_[node.name] = std::move(ev);
    }

    std::vector<stdlib::ArgValue> arguments(const std::vector<ArgRef>& args) {
        std::vector<stdlib::ArgValue> out;
        for (const auto& a : args) {
            switch (a.kind) {
                case ArgRef::Kind::TrainedTensor:
                    out.emplace_back(stdlib::MatrixArg{
                        a.label, trained_tensor(trained_.at(a.definition), a.member)});
                    break;
                case ArgRef::Kind::TaskMatrix:
                    out.emplace_back(stdlib::MatrixArg{
                        a.label, tasks_.at(a.definition)->matrix(a.member, nullptr)});
                    break;
                case ArgRef::Kind::Training:
                    out.emplace_back(
                        stdlib::TrainingArg{a.label, trained_.at(a.definition).history});
                    break;
                case ArgRef::Kind::Task: {
                    // The first evaluation trial of the task, from its own stream.
                    const stdlib::TaskInstance& task = *tasks_.at(a.definition);
                    const stdlib::TrialDraws draws(
                        rt::stream_key(program_.seed, "plot / task " + a.definition), 0);
                    const stdlib::TrialBatch b = task.evaluation_batch(draws, 1);
                    stdlib::TaskTrialArg arg{
                        a.label, b.inputs, b.step_targets, {}, stdlib::periods_of(task, b)};
                    const auto& masks = program_.tasks.at(a.definition).entry->masks;
                    if (!masks.empty() && !b.step_targets.empty())
                        arg.mask = task.mask(masks.front().name, b);
                    out.emplace_back(std::move(arg));
                    break;
                }
                case ArgRef::Kind::Evaluation: {
                    const Evaluation& ev = evaluations_.at(a.definition);
                    // The first signal of the task (memory_recall: overlap).
                    const auto& [signal, values] = *ev.signals.begin();
                    std::vector<std::string> labels;
                    for (const long c : ev.condition)
                        labels.push_back(fmt::format("condition {}", c + 1));
                    out.emplace_back(
                        stdlib::EvaluationArg{a.label, signal, labels, values, ev.periods});
                    break;
                }
            }
        }
        return out;
    }

    void run_analyze(const GraphNode& node) {
        const AnalyzeDef& def = program_.analyses.at(node.name);
        const stdlib::AnalysisResult r = def.entry->run(arguments(def.args), def.options);
        toml::table t;
        std::string summary;
        for (const auto& [k, v] : r.scalars) {
            t.insert(k, v);
            summary += fmt::format("  {} {:.4f}", k, v);
        }
        if (!r.arrays.empty()) {
            const auto dir = opt_.out_dir / node_directory(node.name);
            std::filesystem::create_directories(dir);
            for (const auto& [k, v] : r.arrays)
                rt::save_npy(dir / (k + ".npy"), v);
        }
        metrics_.insert(node.name, std::move(t));
        say(fmt::format("analyze {}:{}", node.name, summary));
    }

    void run_plot(const GraphNode& node) {
        const PlotDef* def = nullptr;
        for (const auto& p : program_.plots)
            if (p.file == node.name)
                def = &p;
        const std::filesystem::path file = opt_.out_dir / def->file;
        std::filesystem::create_directories(file.parent_path());
        const std::string stem = file.stem().string();
        const stdlib::FigureScript script =
            def->entry->draw(arguments(def->args), def->options, stem);
        stdlib::render_png(file.parent_path(), stem, script);
        say(fmt::format("plot {}", def->file));
    }

    static std::string to_text(const toml::table& t) {
        std::ostringstream s;
        s << t << "\n";
        return s.str();
    }

    void write_metrics() {
        rt::write_file_atomically(opt_.out_dir / "metrics.toml", to_text(metrics_));
    }

    void write_manifest(double seconds) {
        toml::table m;
        m.insert("rnnlab", toml::table{{"version", std::string(kVersion)}});
        toml::table script{{"path", opt_.script_path.string()},
                           {"hash", rt::hex64(rt::hash64(opt_.script_text))},
                           {"bytes", static_cast<std::int64_t>(opt_.script_text.size())}};
        if (!opt_.included.empty()) {
            toml::array files;
            for (const auto& [path, text] : opt_.included)
                files.push_back(toml::table{{"path", path},
                                            {"hash", rt::hex64(rt::hash64(text))},
                                            {"bytes", static_cast<std::int64_t>(text.size())}});
            script.insert("includes", std::move(files));
        }
        m.insert("script", std::move(script));
        m.insert("seed", static_cast<std::int64_t>(program_.seed));
        m.insert("versions", library_versions());
        if (!opt_.blas_core.empty())
            m.insert("blas",
                     toml::table{{"core", opt_.blas_core}, {"chosen_by", opt_.blas_choice}});
        toml::table nodes;
        for (const auto& n : graph_.nodes) {
            toml::table t{
                {"kind", n.kind},
                {"key", rt::hex64(n.key)},
                {"parameters", n.description},
                {"seconds",
                 timings_.count(n.kind + " " + n.name) ? timings_.at(n.kind + " " + n.name) : 0.0}};
            toml::array inputs;
            for (const std::size_t i : n.inputs)
                inputs.push_back(graph_.nodes[i].kind + " " + graph_.nodes[i].name);
            t.insert("inputs", std::move(inputs));
            nodes.insert(n.kind + " " + n.name, std::move(t));
        }
        m.insert("nodes", std::move(nodes));
        m.insert("seconds", seconds);
        rt::write_file_atomically(opt_.out_dir / "manifest.toml", to_text(m));
    }

    const Program& program_;
    const Graph& graph_;
    const RunOptions& opt_;
    std::map<std::string, std::unique_ptr<stdlib::TaskInstance>> tasks_;
    std::map<std::string, TrainedNetwork> trained_;
    std::map<std::string, Evaluation> evaluations_;
    std::map<std::string, double> timings_;
    toml::table metrics_;
};

}  // namespace

void execute(const Program& program, const Graph& graph, const RunOptions& options) {
    Executor(program, graph, options).run();
}

}  // namespace rnn::interp
