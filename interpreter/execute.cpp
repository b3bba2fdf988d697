#include "interpreter/execute.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "interpreter/paths.hpp"
#include "interpreter/training.hpp"
#include "interpreter/training/checkpoint_codec.hpp"
#include "interpreter/version.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/network.hpp"
#include "runtime/random.hpp"
#include "runtime/vector_math.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::interp {

namespace {

// Parameters for a node key: a file parameter enters by its content hash (files_key), not
// by its absolute path, so moving a project keeps its cache.
std::string params_text(const stdlib::Schema& schema, const stdlib::Params& p,
                        const std::string& files_key) {
    std::string out;
    for (const auto& [k, v] : p.values()) {
        const stdlib::ParamSpec* spec = schema.find(k);
        if (spec == nullptr || spec->type != stdlib::ParamType::File)
            out += fmt::format("{}={};", k, stdlib::format_value(v));
    }
    return out + (files_key.empty() ? "" : "files=" + files_key + ";");
}

// Parameters without files (a network's), for a node key.
std::string params_text(const stdlib::Params& p) {
    return params_text(stdlib::Schema{}, p, "");
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

// An evaluation's clamps and perturbations, for its key ("" without them, so keys of
// plain evaluations stay as they were).
std::string probe_text(const EvaluateDef& e) {
    std::string out;
    for (const auto& c : e.clamps)
        out += fmt::format(";clamp={},{},{}", c.channel, c.value, c.period);
    for (const auto& p : e.perturbs)
        out += fmt::format(";perturb={},{}", p.size, p.step);
    if (e.start)
        out += fmt::format(";start={}", *e.start);
    return out;
}

std::string args_text(const std::vector<ArgRef>& args, const stdlib::Schema& schema,
                      const stdlib::Params& options, const std::string& files_key) {
    std::string out;
    for (const auto& a : args) {
        out += a.label + ",";
        if (a.kind == ArgRef::Kind::Results) {  // which members, and the quantity chosen
            out += a.member + "(";
            for (const auto& m : a.members)
                out += m + " ";
            out += "),";
        }
    }
    return out + ";" + params_text(schema, options, files_key);
}

// Whether name a sorts before b with every run of digits compared as a number, so that a
// sweep's instances come in index order: fit[2] before fit[10].
bool natural_less(const std::string& a, const std::string& b) {
    auto digit = [](char c) {
        return c >= '0' && c <= '9';
    };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie]))
                ++ie;
            while (je < b.size() && digit(b[je]))
                ++je;
            // Without leading zeros the longer run is the larger number.
            std::size_t is = i, js = j;
            while (is + 1 < ie && a[is] == '0')
                ++is;
            while (js + 1 < je && b[js] == '0')
                ++js;
            if (ie - is != je - js)
                return ie - is < je - js;
            if (const int c = a.compare(is, ie - is, b, js, je - js); c != 0)
                return c < 0;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j])
                return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    if ((a.size() - i) != (b.size() - j))
        return a.size() - i < b.size() - j;
    return a < b;  // equal as numbers ("01" and "1"): any fixed order
}

// The entries of a definition map in natural name order.
template <typename Def>
std::vector<std::pair<const std::string*, const Def*>> in_natural_order(
    const std::map<std::string, Def>& defs) {
    std::vector<std::pair<const std::string*, const Def*>> out;
    out.reserve(defs.size());
    for (const auto& [name, def] : defs)
        out.emplace_back(&name, &def);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& x, const auto& y) { return natural_less(*x.first, *y.first); });
    return out;
}

}  // namespace

std::vector<std::size_t> start_order(const Graph& graph,
                                     const std::function<bool(std::size_t)>& resumable) {
    const std::size_t n = graph.nodes.size();
    auto rank = [&](std::size_t i) {
        if (graph.nodes[i].kind != "train")
            return 0;
        return resumable(i) ? 1 : 2;
    };
    std::vector<std::size_t> order;
    order.reserve(n);
    for (const int r : {0, 1, 2})
        for (std::size_t i = 0; i < n; ++i)
            if (rank(i) == r)
                order.push_back(i);
    return order;
}

std::vector<std::vector<std::size_t>> remote_units(const Graph& graph,
                                                   const std::vector<bool>& cached) {
    const std::size_t n = graph.nodes.size();
    // The trainings each node reads, directly or through other nodes (inputs come first).
    std::vector<std::set<std::size_t>> trainings(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (graph.nodes[i].kind == "train")
            trainings[i].insert(i);
        for (const std::size_t j : graph.nodes[i].inputs)
            trainings[i].insert(trainings[j].begin(), trainings[j].end());
    }
    std::map<std::size_t, std::vector<std::size_t>> by_training;
    for (std::size_t i = 0; i < n; ++i) {
        const std::string& kind = graph.nodes[i].kind;
        if (cached.at(i))
            continue;
        if (kind == "train")
            by_training[i].push_back(i);
        else if ((kind == "evaluate" || kind == "alter" || kind == "analyze")
                 && trainings[i].size() == 1)
            by_training[*trainings[i].begin()].push_back(i);
    }
    std::vector<std::vector<std::size_t>> units;
    for (auto& [training, nodes] : by_training)
        units.push_back(std::move(nodes));
    return units;
}

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
    // Definitions of one kind in natural name order: a sweep's instances are listed, and
    // (among nodes ready at once) run, in index order.
    for (const auto& [name_ptr, t_ptr] : in_natural_order(program.tasks)) {
        const std::string& name = *name_ptr;
        const TaskDef& t = *t_ptr;
        add("task", name, {},
            seed + "entry=" + t.entry->name + ";data=" + t.data_origin + ";"
                + params_text(t.entry->schema, t.params, t.files_key));
    }
    for (const auto& [name, t] : in_natural_order(program.trains))
        add("train", *name, {index.at("task " + t->task)},
            seed + "network=" + network_text(program.networks.at(t->network)) + ";"
                + train_text(*t));
    // A trained network is a train node or an alter node.
    auto trained = [&](const std::string& name) {
        return index.at((program.alters.count(name) ? "alter " : "train ") + name);
    };
    for (const auto& [name, a] : in_natural_order(program.alters)) {
        std::string ops;
        for (const auto& op : a->ops)
            ops += op.text + ";";
        add("alter", *name,
            {index.at("train " + a->train), index.at("task " + program.trains.at(a->train).task)},
            fmt::format("lesion={};{}", fmt::join(a->lesion, ","), ops));
    }
    for (const auto& [name, e] : in_natural_order(program.evaluates)) {
        // An lstm's kept activity includes its cell states (fixed_points starts from them).
        const bool cells =
            e->keep_activity
            && rt::has_cell_state(
                program.networks.at(program.training_of(e->train).network).entry->kind);
        add("evaluate", *name, {trained(e->train), index.at("task " + e->task)},
            seed + fmt::format("trials={}", e->trials) + probe_text(*e)
                + (e->keep_activity ? ";activity" : "") + (cells ? ",cells" : ""));
    }
    auto deps = [&](const std::vector<ArgRef>& args) {
        std::vector<std::size_t> out;
        std::set<std::size_t> seen;
        auto depend = [&](const std::string& node) {
            const std::size_t i = index.at(node);
            if (seen.insert(i).second)
                out.push_back(i);
        };
        for (const auto& a : args) {
            if (a.kind == ArgRef::Kind::Results) {
                for (std::size_t m = 0; m < a.members.size(); ++m)
                    depend((a.member_is_analysis[m] ? "analyze " : "evaluate ") + a.members[m]);
                continue;
            }
            const std::size_t i =
                a.kind == ArgRef::Kind::TaskMatrix || a.kind == ArgRef::Kind::Task
                    ? index.at("task " + a.definition)
                : a.kind == ArgRef::Kind::Evaluation ? index.at("evaluate " + a.definition)
                : a.kind == ArgRef::Kind::Analysis   ? index.at("analyze " + a.definition)
                                                     : trained(a.definition);
            if (seen.insert(i).second)
                out.push_back(i);
        }
        return out;
    };
    // In file order: an analysis may read the results of earlier ones.
    for (const auto& name : program.analysis_order) {
        const AnalyzeDef& a = program.analyses.at(name);
        add("analyze", name, deps(a.args),
            a.entry->name + ";" + args_text(a.args, a.entry->schema, a.options, a.files_key));
    }
    for (const auto& p : program.plots)
        add("plot", p.file, deps(p.args),
            p.entry->name + ";" + args_text(p.args, p.entry->schema, p.options, ""));
    return g;
}

namespace {

namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;

// An evaluation keeping at least this much activity gets a note (RNN_LARGE_ACTIVITY_BYTES
// lowers it in the tests).
const double kLargeActivityBytes = [] {
    const char* v = std::getenv("RNN_LARGE_ACTIVITY_BYTES");
    return v != nullptr ? std::strtod(v, nullptr) : 1e9;
}();

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string to_text(const toml::table& t) {
    std::ostringstream s;
    s << t << "\n";
    return s.str();
}

std::string node_label(const GraphNode& n) {
    return n.kind + " " + n.name;
}

// Progress of the running trainings: on a terminal one live line per training (rewritten in
// place below the permanent lines), otherwise a plain line every 1/15 of a training.
class Progress {
public:
    explicit Progress(const RunOptions& opt) : opt_(opt) {}

    // A permanent line.
    void say(const std::string& line) {
        if (opt_.quiet || !opt_.log)
            return;
        const std::lock_guard lock(mutex_);
        erase();
        opt_.log(line);
        draw();
    }

    void epoch(const std::string& name, long epoch, long total, double loss, double eta,
               const std::string& metrics) {
        if (opt_.quiet || !opt_.log)
            return;
        const std::lock_guard lock(mutex_);
        const std::string text = fmt::format("train {}: epoch {:>4}/{}  loss {:.5f}{}  ETA {}",
                                             name, epoch + 1, total, loss, metrics, eta_text(eta));
        if (opt_.progress_on_terminal) {
            live_[name] =
                text.substr(0, static_cast<std::size_t>(std::max(20, opt_.terminal_columns - 1)));
            if (seconds_since(last_draw_) < 0.1 && epoch + 1 != total)
                return;
            erase();
            draw();
            return;
        }
        // Every 1/15 of the training, and at least every 30 s.
        const long every = std::max<long>(1, total / 15);
        auto& last = last_line_[name];
        if ((epoch + 1) % every == 0 || epoch + 1 == total || seconds_since(last) >= 30.0) {
            opt_.log(text);
            last = Clock::now();
        }
    }

    void done(const std::string& name) {
        const std::lock_guard lock(mutex_);
        if (!live_.contains(name))
            return;
        erase();
        live_.erase(name);
        draw();
    }

private:
    static std::string eta_text(double s) {
        if (!(s >= 0.0))
            return "?";
        if (s < 60.0)
            return fmt::format("{:.0f} s", s);
        if (s < 3600.0)
            return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60.0), std::fmod(s, 60.0));
        return fmt::format("{:.0f} h {:02.0f} min", std::floor(s / 3600.0),
                           std::floor(std::fmod(s, 3600.0) / 60.0));
    }

    void erase() {
        if (!opt_.progress_on_terminal)
            return;
        for (int i = 0; i < drawn_; ++i)
            std::fputs("\033[1A\033[2K", stderr);
        drawn_ = 0;
    }

    void draw() {
        if (!opt_.progress_on_terminal)
            return;
        for (const auto& [name, text] : live_)
            std::fprintf(stderr, "%s\n", text.c_str());
        std::fflush(stderr);
        drawn_ = static_cast<int>(live_.size());
        last_draw_ = Clock::now();
    }

    const RunOptions& opt_;
    std::mutex mutex_;
    std::map<std::string, std::string> live_;
    std::map<std::string, Clock::time_point> last_line_;
    int drawn_ = 0;
    Clock::time_point last_draw_{};
};

// Exclusive use of a run directory for one process (flock on OUT/.cache/lock).
class DirectoryLock {
public:
    explicit DirectoryLock(const fs::path& file) {
        fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw std::runtime_error(fmt::format("cannot open '{}'", file.string()));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            ::close(fd_);
            throw RunDirectoryRefused(fmt::format("another rnn run is writing '{}'",
                                                  file.parent_path().parent_path().string()));
        }
    }

    ~DirectoryLock() { ::close(fd_); }

    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

private:
    int fd_ = -1;
};

// The results of one node as computed: files (path inside the run directory -> bytes), its
// table in metrics.toml, and the state later nodes read (a trained network, an evaluation).
struct NodeOutput {
    std::map<std::string, std::string> files;
    std::optional<toml::table> metrics;
    std::optional<rt::Checkpoint> state;
};

std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const auto nl = s.find('\n', start);
        out.push_back(s.substr(start, nl - start));
        start = nl == std::string::npos ? s.size() : nl + 1;
    }
    return out;
}

arma::mat column_of(const std::vector<double>& v) {
    return arma::mat(v);
}

// A trials x features x steps cube as a matrix with its shape (empty cubes are left out).
void set_cube(rt::Checkpoint& c, const std::string& name, const arma::fcube& cube) {
    if (cube.is_empty())
        return;
    c.set_int(name + ".rows", static_cast<std::int64_t>(cube.n_rows));
    c.set_int(name + ".cols", static_cast<std::int64_t>(cube.n_cols));
    c.set_array(name, arma::fmat(cube.memptr(), cube.n_rows * cube.n_cols, cube.n_slices));
}

arma::fcube get_cube(const rt::Checkpoint& c, const std::string& name) {
    if (!c.contains(name))
        return {};
    const arma::fmat m = c.get_array<float>(name);
    const auto rows = static_cast<arma::uword>(c.get_int(name + ".rows"));
    const auto cols = static_cast<arma::uword>(c.get_int(name + ".cols"));
    return arma::fcube(m.memptr(), rows, cols, m.n_cols);
}

rt::Checkpoint analysis_state(const stdlib::AnalysisResult& r) {
    rt::Checkpoint c;
    // Scalar names may carry any characters (a table's "precision[1].error_mean.mean"), so
    // they go into one string and their values into one array.
    std::string scalars, arrays;
    std::vector<double> values;
    for (const auto& [name, v] : r.scalars) {
        scalars += name + "\n";
        values.push_back(v);
    }
    c.set_array("scalar_values", column_of(values));
    for (const auto& [name, v] : r.arrays) {
        arrays += name + "\n";
        c.set_array("array." + name, v);
    }
    c.set_string("scalars", scalars);
    c.set_string("arrays", arrays);
    return c;
}

stdlib::AnalysisResult restore_analysis(const rt::Checkpoint& c) {
    stdlib::AnalysisResult r;
    const arma::mat& values = c.get_array<double>("scalar_values");
    arma::uword i = 0;
    for (const auto& n : split_lines(c.get_string("scalars")))
        r.scalars[n] = values(i++);
    for (const auto& n : split_lines(c.get_string("arrays")))
        r.arrays[n] = c.get_array<float>("array." + n);
    return r;
}

rt::Checkpoint evaluation_state(const Evaluation& ev) {
    rt::Checkpoint c;
    std::string names;
    for (const auto& n : ev.metric_names)
        names += n + "\n";
    c.set_string("metrics", names);
    for (const auto& [name, values] : ev.per_trial)
        c.set_array("per_trial." + name, column_of(values));
    std::string signals;
    for (const auto& [name, values] : ev.signals) {
        signals += name + "\n";
        c.set_array("signal." + name, values);
    }
    c.set_string("signals", signals);
    std::vector<double> cond(ev.condition.begin(), ev.condition.end());
    c.set_array("condition", column_of(cond));
    set_cube(c, "activity", ev.activity);
    set_cube(c, "inputs", ev.inputs);
    set_cube(c, "cells", ev.cells);
    std::string labels;
    for (const auto& [name, values] : ev.labels) {
        labels += name + "\n";
        c.set_array("label." + name, column_of(std::vector<double>(values.begin(), values.end())));
    }
    c.set_string("labels", labels);
    c.set_int("periods", static_cast<std::int64_t>(ev.periods.size()));
    for (std::size_t i = 0; i < ev.periods.size(); ++i) {
        const stdlib::Period& p = ev.periods[i];
        const std::string pre = fmt::format("period.{}.", i);
        c.set_string(pre + "name", p.name);
        c.set_int(pre + "begin", static_cast<std::int64_t>(p.begin));
        c.set_int(pre + "end", static_cast<std::int64_t>(p.end));
        c.set_array(pre + "trial_begin",
                    column_of(std::vector<double>(p.trial_begin.begin(), p.trial_begin.end())));
        c.set_array(pre + "trial_end",
                    column_of(std::vector<double>(p.trial_end.begin(), p.trial_end.end())));
    }
    return c;
}

std::vector<arma::uword> uwords(const arma::mat& m) {
    std::vector<arma::uword> out;
    for (const double v : m)
        out.push_back(static_cast<arma::uword>(v));
    return out;
}

Evaluation restore_evaluation(const rt::Checkpoint& c) {
    Evaluation ev;
    ev.metric_names = split_lines(c.get_string("metrics"));
    for (const auto& n : ev.metric_names)
        ev.per_trial[n] =
            arma::conv_to<std::vector<double>>::from(c.get_array<double>("per_trial." + n));
    for (const auto& n : split_lines(c.get_string("signals")))
        ev.signals[n] = c.get_array<float>("signal." + n);
    for (const double v : c.get_array<double>("condition"))
        ev.condition.push_back(static_cast<long>(v));
    ev.activity = get_cube(c, "activity");
    ev.inputs = get_cube(c, "inputs");
    ev.cells = get_cube(c, "cells");
    for (const auto& n : split_lines(c.get_string("labels"))) {
        for (const double v : c.get_array<double>("label." + n))
            ev.labels[n].push_back(static_cast<long>(v));
    }
    const std::int64_t periods = c.get_int("periods");
    for (std::int64_t i = 0; i < periods; ++i) {
        const std::string pre = fmt::format("period.{}.", i);
        stdlib::Period p(c.get_string(pre + "name"),
                         static_cast<arma::uword>(c.get_int(pre + "begin")),
                         static_cast<arma::uword>(c.get_int(pre + "end")));
        p.trial_begin = uwords(c.get_array<double>(pre + "trial_begin"));
        p.trial_end = uwords(c.get_array<double>(pre + "trial_end"));
        ev.periods.push_back(std::move(p));
    }
    return ev;
}

// The cache entry of a node: OUT/.cache/KEY/ with entry.toml (written last in the staging
// folder), files/ (what the node publishes in the run directory) and state/.
class Cache {
public:
    explicit Cache(fs::path root) : root_(std::move(root)) {}

    fs::path entry_dir(std::uint64_t key) const { return root_ / rt::hex64(key); }

    fs::path checkpoint_dir(std::uint64_t key) const {
        return root_ / "checkpoints" / rt::hex64(key);
    }

    // The entry's description when it is complete and of this node; nothing otherwise.
    std::optional<toml::table> lookup(const GraphNode& node) const {
        const fs::path dir = entry_dir(node.key);
        std::string why;
        const auto text = rt::read_file(dir / "entry.toml", why);
        if (!text)
            return std::nullopt;
        toml::table t;
        try {
            t = toml::parse(*text);
        } catch (const toml::parse_error&) {
            return std::nullopt;
        }
        if (t["key"].value_or(std::string()) != rt::hex64(node.key)
            || t["kind"].value_or(std::string()) != node.kind
            || t["format"].value_or(std::int64_t{0}) != kFormat)
            return std::nullopt;
        // Trainings and evaluations keep what later nodes read.
        std::error_code ec;
        if ((node.kind == "train" || node.kind == "alter" || node.kind == "evaluate"
             || node.kind == "analyze")
            && !fs::is_regular_file(dir / "state" / "checkpoint.toml", ec))
            return std::nullopt;
        if (const auto* files = t["files"].as_array())
            for (const auto& f : *files) {
                const std::string rel = f.value_or(std::string());
                if (!unsafe_relative_path(rel).empty()
                    || !fs::is_regular_file(dir / "files" / rel, ec))
                    return std::nullopt;
            }
        return t;
    }

    // Writes the entry in a staging folder and renames it into place: a kill at any moment
    // leaves either no entry or a complete one.
    void commit(const GraphNode& node, const NodeOutput& out, double seconds) const {
        const fs::path final_dir = entry_dir(node.key);
        // One staging folder per process: two processes given the same node (a cluster task
        // still ending while its resubmission starts) never write into one folder.
        const fs::path staging =
            root_ / fmt::format(".staging-{}-{}", rt::hex64(node.key), ::getpid());
        fs::remove_all(staging);
        fs::create_directories(staging / "files");
        toml::array files;
        for (const auto& [rel, bytes] : out.files) {
            const fs::path p = staging / "files" / rel;
            fs::create_directories(p.parent_path());
            rt::write_file_atomically(p, bytes);
            files.push_back(rel);
        }
        if (out.state)
            out.state->save(staging / "state");
        toml::table t{{"format", kFormat},  {"kind", node.kind},
                      {"name", node.name},  {"key", rt::hex64(node.key)},
                      {"seconds", seconds}, {"files", std::move(files)}};
        if (out.metrics)
            t.insert("metrics", *out.metrics);
        rt::write_file_atomically(staging / "entry.toml", to_text(t));
        fs::remove_all(final_dir);
        fs::rename(staging, final_dir);
    }

    // Leftovers of runs killed while writing an entry.
    void clean_staging() const {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(root_, ec))
            if (e.path().filename().string().starts_with(".staging-")
                || e.path().filename().string().starts_with(".plot-"))
                fs::remove_all(e.path(), ec);
    }

    static constexpr std::int64_t kFormat = 1;

private:
    fs::path root_;
};

// Copies a file into the run directory through a temporary file and a rename.
void publish_file(const fs::path& from, const fs::path& to) {
    std::string why;
    const auto bytes = rt::read_file(from, why);
    if (!bytes)
        throw std::runtime_error(fmt::format("cannot read '{}': {}", from.string(), why));
    fs::create_directories(to.parent_path());
    rt::write_file_atomically(to, *bytes);
}

class Executor {
public:
    Executor(const Program& program, const Graph& graph, const RunOptions& options)
        : program_(program)
        , graph_(graph)
        , opt_(options)
        , cache_(options.out_dir / ".cache")
        , progress_(options) {}

    void run() {
        if (const char* n = std::getenv("RNN_INTERRUPT_AFTER_EPOCH"))
            interrupt_after_ = std::atol(n);
        if (!opt_.node_keys.empty()) {
            run_worker(opt_.node_keys);
            return;
        }
        if (opt_.dry_run) {
            check_output_paths();
            plan();
            if (opt_.remote)
                opt_.remote(graph_, remote_units(graph_, reused_));
            return;
        }
        claim_directory();
        const DirectoryLock lock(opt_.out_dir / ".cache" / "lock");
        cache_.clean_staging();
        check_output_paths();
        const auto started = Clock::now();
        plan();
        if (opt_.remote) {
            // The trainings and what reads only them run elsewhere into the cache; the rest
            // then runs here from it.
            remote_ = opt_.remote(graph_, remote_units(graph_, reused_));
            plan();
            say_remote_results();
        }
        // A Ctrl-C that comes after the last node is no interruption.
        const bool interrupted = !schedule();
        if (!error_) {
            if (!interrupted)
                write_metrics();
            write_manifest(seconds_since(started), !interrupted);
        }
        if (error_)
            std::rethrow_exception(error_);
        if (interrupted) {
            std::string what = "interrupted";
            for (const auto& line : interrupted_)
                what += "\n  " + line;
            throw Interrupted(what);
        }
        // Which nodes came from the cache: their names by kind, the first few of each.
        std::size_t reused = 0, total = 0;
        std::map<std::string, std::vector<std::string>> by_kind;
        for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
            if (graph_.nodes[i].kind != "task") {
                ++total;
                if (reused_here(i)) {
                    ++reused;
                    by_kind[graph_.nodes[i].kind].push_back(graph_.nodes[i].name);
                }
            }
        if (reused > 0) {
            std::string names;
            for (const auto& [kind, list] : by_kind) {
                names += fmt::format("{}{}", names.empty() ? "" : "; ", kind);
                for (std::size_t k = 0; k < list.size() && k < 6; ++k)
                    names += " " + list[k];
                if (list.size() > 6)
                    names += fmt::format(" and {} more", list.size() - 6);
            }
            progress_.say(
                fmt::format("reused {} of {} nodes from the cache ({})", reused, total, names));
        }
    }

private:
    // Taken from the cache, not computed by this run (here or by its remote executor).
    bool reused_here(std::size_t i) const { return reused_[i] && !remote_.contains(i); }

    // The metrics lines of the evaluations and analyses the remote executor computed, as a
    // local run prints them when it computes them (the means of an evaluation's metrics).
    void say_remote_results() {
        for (const auto& [i, where] : remote_) {
            const GraphNode& node = graph_.nodes[i];
            if ((node.kind != "evaluate" && node.kind != "analyze") || !entries_[i])
                continue;
            const toml::table* metrics = (*entries_[i])["metrics"].as_table();
            if (metrics == nullptr)
                continue;
            std::string summary;
            for (const auto& [k, v] : *metrics) {
                const std::string name(k.str());
                const auto value = v.value<double>();
                if (!value || (node.kind == "evaluate" && !name.ends_with("_mean")))
                    continue;
                summary += fmt::format(
                    "  {} {:.4f}", node.kind == "evaluate" ? name.substr(0, name.size() - 5) : name,
                    *value);
            }
            progress_.say(fmt::format("{} {} ({}):{}", node.kind, node.name, where, summary));
        }
    }

    // A cluster task: the nodes with these keys and what they read, into the cache only.
    void run_worker(const std::vector<std::uint64_t>& keys) {
        std::error_code ec;
        if (!fs::is_directory(opt_.out_dir / ".cache", ec))
            throw std::runtime_error(fmt::format(
                "'{}' does not exist on this machine: the output directory must be on a "
                "filesystem that this machine shares with the one that submitted the job",
                (opt_.out_dir / ".cache").string()));
        std::vector<std::size_t> targets;
        for (const std::uint64_t key : keys) {
            std::optional<std::size_t> target;
            for (std::size_t i = 0; i < graph_.nodes.size(); ++i)
                if (graph_.nodes[i].key == key)
                    target = i;
            if (!target)
                throw std::runtime_error(fmt::format(
                    "no node of '{}' has the key {}: the script, a file it includes, its "
                    "overrides or the rnn program changed since the job was submitted",
                    opt_.script_path.string(), rt::hex64(key)));
            targets.push_back(*target);
        }
        plan(targets);
        for (const std::size_t t : targets)
            if (reused_[t])
                progress_.say(fmt::format("{}: already in the cache", node_label(graph_.nodes[t])));
        const bool complete = schedule();
        if (error_)
            std::rethrow_exception(error_);
        if (!complete) {
            std::string what = "interrupted";
            for (const auto& line : interrupted_)
                what += "\n  " + line;
            throw Interrupted(what);
        }
        for (const std::size_t t : targets)
            if (!reused_[t])
                progress_.say(fmt::format("{}: in the cache as {}", node_label(graph_.nodes[t]),
                                          cache_.entry_dir(graph_.nodes[t].key).string()));
    }

    bool interrupt_requested() const { return opt_.interrupt != nullptr && opt_.interrupt->load(); }

    // Interrupted, or a node failed: running trainings checkpoint and stop (after a
    // failure elsewhere they can go on with --resume once it is fixed).
    bool stop_requested() const { return interrupt_requested() || failed_.load(); }

    // A run directory is the output directory of one script: refuse another script's
    // results, and a non-empty folder that is not a run directory at all.
    void claim_directory() {
        const fs::path& out = opt_.out_dir;
        std::error_code ec;
        if (fs::exists(out, ec) && !fs::is_directory(out, ec))
            throw RunDirectoryRefused(
                fmt::format("the output directory '{}' is a file", out.string()));
        if (fs::is_directory(out, ec)) {
            const bool empty = fs::is_empty(out, ec);
            const bool ours =
                fs::exists(out / ".cache", ec) || fs::exists(out / "manifest.toml", ec);
            if (!empty && !ours)
                throw RunDirectoryRefused(fmt::format(
                    "'{}' is not empty and is not a run directory; choose another --out",
                    out.string()));
            std::string why;
            if (const auto text = rt::read_file(out / "manifest.toml", why)) {
                std::string previous;
                std::vector<std::string> previous_overrides;
                try {
                    const toml::table m = toml::parse(*text);
                    previous = m["script"]["path"].value_or(std::string());
                    if (const auto* a = m["overrides"]["applied"].as_array())
                        for (const auto& o : *a)
                            previous_overrides.push_back(o.value_or(std::string()));
                } catch (const toml::parse_error&) {
                }
                const std::string mine = opt_.script_path.filename().string();
                if (!previous.empty() && fs::path(previous).filename().string() != mine)
                    throw RunDirectoryRefused(fmt::format(
                        "'{}' holds the results of another script ({}); choose another --out "
                        "or remove that directory",
                        out.string(), previous));
                // The same script with other overrides: its results are replaced (they stay
                // in the cache), and the user is told.
                if (!previous.empty() && previous_overrides != opt_.overrides)
                    progress_.say(fmt::format(
                        "note: '{}' held this script's results with other overrides ({}); they "
                        "are replaced (and stay in its cache)",
                        out.string(),
                        previous_overrides.empty()
                            ? std::string("none")
                            : fmt::format("{}", fmt::join(previous_overrides, " "))));
            }
        }
        fs::create_directories(out / ".cache");
    }

    // The files a node publishes, relative to the run directory.
    static std::string folder_of(const GraphNode& n) { return node_directory(n.name); }

    // Two nodes must not write the same place (`fit_3` and `fit[3]` share a folder).
    void check_output_paths() const {
        std::map<std::string, std::string> owner;
        for (const auto& n : graph_.nodes) {
            if (n.kind == "task")
                continue;
            std::string place = n.kind == "plot" ? n.name : folder_of(n) + "/";
            if (n.kind == "plot") {
                const std::string why = unsafe_relative_path(n.name);
                if (!why.empty())
                    throw std::runtime_error(
                        fmt::format("plot file '{}': a file name {}", n.name, why));
            }
            const auto [it, fresh] = owner.emplace(place, node_label(n));
            if (!fresh)
                throw std::runtime_error(fmt::format("{} and {} would both write '{}'", it->second,
                                                     node_label(n), place));
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
            if (node.kind != "task")
                entries_[i] = cache_.lookup(node);
            reused_[i] = entries_[i].has_value();
            active_[i] = node.kind != "task" && !reused_[i]
                         && (only.empty() || std::find(only.begin(), only.end(), i) != only.end());
        }
        for (std::size_t i = n; i-- > 0;) {
            if (!active_[i])
                continue;
            // A computed node needs its inputs in memory; a cached train needs its task
            // (the network's input size).
            for (const std::size_t j : graph_.nodes[i].inputs)
                if (!reused_[i] || graph_.nodes[i].kind == "train"
                    || graph_.nodes[i].kind == "alter")
                    active_[j] = true;
        }
    }

    // Runs the active nodes, up to opt_.jobs at once, each on its own thread once its inputs
    // are done. Stops starting nodes after an error or an interruption.
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
            return opt_.resume
                   && rt::Checkpoint::exists(cache_.checkpoint_dir(graph_.nodes[i].key));
        });
        std::vector<std::thread> threads;
        std::unique_lock lock(mutex_);
        std::size_t running = 0;
        bool complete = false;
        for (;;) {
            const bool stopping = error_ || stop_requested() || !interrupted_.empty();
            if (!stopping)
                for (const std::size_t i : order) {
                    if (running >= static_cast<std::size_t>(opt_.jobs))
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
                        rt::configure_compute_thread();
                        std::exception_ptr error;
                        try {
                            run_node(i);
                        } catch (const std::exception& e) {
                            // Say which node failed, unless the message does.
                            const std::string label = node_label(graph_.nodes[i]);
                            const std::string what = e.what();
                            error =
                                what.starts_with(label)
                                    ? std::current_exception()
                                    : std::make_exception_ptr(RuntimeFailure(label + ": " + what));
                        } catch (...) {
                            error = std::current_exception();
                        }
                        const std::lock_guard inner(mutex_);
                        if (error && !error_) {
                            error_ = error;
                            failed_.store(true);
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
                complete = all_done && interrupted_.empty();
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

    void run_node(std::size_t i) {
        const GraphNode& node = graph_.nodes[i];
        const auto t0 = Clock::now();
        if (node.kind == "task") {
            auto task = make_task(program_, program_.tasks.at(node.name));
            const std::lock_guard lock(mutex_);
            tasks_[node.name] = std::move(task);
        } else if (reused_[i]) {
            // Cached, and read by a computed node: its results go into the run directory too.
            load(i);
            publish(i);
            return;
        } else {
            NodeOutput out;
            if (node.kind == "train") {
                if (!run_train(node, out))
                    return;  // interrupted, checkpointed
            } else if (node.kind == "alter")
                run_alter(node, out);
            else if (node.kind == "evaluate")
                run_evaluate(node, out);
            else if (node.kind == "analyze")
                run_analyze(node, out);
            else if (node.kind == "plot")
                run_plot(node, out);
            const double secs = seconds_since(t0);
            cache_.commit(node, out, secs);
            entries_[i] = cache_.lookup(node);
            if (!entries_[i])
                throw std::runtime_error(
                    fmt::format("the cache entry of {} cannot be read back", node_label(node)));
            std::error_code ec;
            fs::remove_all(cache_.checkpoint_dir(node.key), ec);
            publish(i);
        }
        const std::lock_guard lock(mutex_);
        timings_[i] = seconds_since(t0);
    }

    // Copies a node's files from its cache entry into the run directory and keeps its
    // metrics for metrics.toml.
    void publish(std::size_t i) {
        if (!opt_.node_keys.empty())
            return;  // a cluster task fills the cache; the driver publishes
        const toml::table& e = *entries_[i];
        const fs::path dir = cache_.entry_dir(graph_.nodes[i].key) / "files";
        if (const auto* files = e["files"].as_array())
            for (const auto& f : *files) {
                const std::string rel = f.value_or(std::string());
                publish_file(dir / rel, opt_.out_dir / rel);
            }
        const std::lock_guard lock(mutex_);
        if (const auto* m = e["metrics"].as_table())
            metrics_[i] = *m;
        if (reused_[i])
            timings_[i] = e["seconds"].value_or(0.0);
    }

    // The in-memory results of a cached node that a computed node reads.
    void load(std::size_t i) {
        const GraphNode& node = graph_.nodes[i];
        const rt::Checkpoint state = rt::Checkpoint::load(cache_.entry_dir(node.key) / "state");
        if (node.kind == "train") {
            const TrainDef& def = program_.trains.at(node.name);
            const stdlib::TaskInstance& task = *task_of(def.task);
            TrainedNetwork t = restore_trained(
                state,
                build_network(program_.networks.at(def.network), task.input_size(), program_.seed));
            const std::lock_guard lock(mutex_);
            trained_[node.name] = std::move(t);
        } else if (node.kind == "alter") {
            const AlterDef& def = program_.alters.at(node.name);
            const TrainDef& train = program_.trains.at(def.train);
            TrainedNetwork t = restore_trained(
                state, build_network(program_.networks.at(train.network),
                                     task_of(train.task)->input_size(), program_.seed));
            alter_constraints(def, t.net);
            const std::lock_guard lock(mutex_);
            trained_[node.name] = std::move(t);
        } else if (node.kind == "evaluate") {
            Evaluation ev = restore_evaluation(state);
            const std::lock_guard lock(mutex_);
            evaluations_[node.name] = std::move(ev);
        } else if (node.kind == "analyze") {
            stdlib::AnalysisResult r = restore_analysis(state);
            const std::lock_guard lock(mutex_);
            analyses_[node.name] = std::move(r);
        }
    }

    const stdlib::TaskInstance* task_of(const std::string& name) {
        const std::lock_guard lock(mutex_);
        return tasks_.at(name).get();
    }

    const TrainedNetwork& trained_of(const std::string& name) {
        const std::lock_guard lock(mutex_);
        return trained_.at(name);
    }

    const Evaluation& evaluation_of(const std::string& name) {
        const std::lock_guard lock(mutex_);
        return evaluations_.at(name);
    }

    const stdlib::AnalysisResult& analysis_of(const std::string& name) {
        const std::lock_guard lock(mutex_);
        return analyses_.at(name);
    }

    // One number per member of a Results argument: an analysis scalar, or the mean of an
    // evaluation's metric over its trials.
    stdlib::ResultsArg results(const ArgRef& a) {
        stdlib::ResultsArg r{a.label, a.member, a.members, {}, {}};
        for (std::size_t m = 0; m < a.members.size(); ++m) {
            const std::string& name = a.members[m];
            const std::size_t open = name.find('[');
            r.index.push_back(
                open == std::string::npos ? name : name.substr(open + 1, name.size() - open - 2));
            if (a.member_is_analysis[m]) {
                const auto& scalars = analysis_of(name).scalars;
                const auto it = scalars.find(a.member);
                r.values.push_back(it == scalars.end() ? arma::datum::nan : it->second);
            } else {
                const std::string metric = a.member.substr(0, a.member.size() - 5);  // _mean
                const std::vector<double>& v = evaluation_of(name).per_trial.at(metric);
                double mean = 0.0;
                for (const double x : v)
                    mean += x / static_cast<double>(v.size());
                r.values.push_back(mean);
            }
        }
        return r;
    }

    // Returns false when the training was interrupted (and checkpointed).
    bool run_train(const GraphNode& node, NodeOutput& out) {
        const TrainDef& def = program_.trains.at(node.name);
        const stdlib::TaskInstance& task = *task_of(def.task);
        const fs::path ckdir = cache_.checkpoint_dir(node.key);
        std::optional<rt::Checkpoint> resume;
        if (rt::Checkpoint::exists(ckdir)) {
            if (opt_.resume) {
                resume = rt::Checkpoint::load(ckdir);
                progress_.say(fmt::format("train {}: resumed after epoch {}", node.name,
                                          resume->get_int("epochs_done")));
            } else {
                progress_.say(fmt::format(
                    "train {}: starting over (a checkpoint exists; --resume goes on from it)",
                    node.name));
            }
        }
        const long first = resume ? static_cast<long>(resume->get_int("epochs_done")) : 0;
        const auto t0 = Clock::now();
        auto last_checkpoint = Clock::now();
        auto on_epoch = [&](long epoch, long total, double loss,
                            const std::map<std::string, double>& metrics) {
            std::string m;
            for (const auto& [k, v] : metrics)
                m += fmt::format("  {} {:.4f}", k, v);
            const double per_epoch = seconds_since(t0) / static_cast<double>(epoch + 1 - first);
            progress_.epoch(node.name, epoch, total, loss,
                            per_epoch * static_cast<double>(total - epoch - 1), m);
        };
        TrainCheckpoints checkpoints;
        checkpoints.resume = resume ? &*resume : nullptr;
        checkpoints.after_epoch = [&](long done) {
            // The test hook stands for one Ctrl-C: raised once per run, since a second
            // SIGINT ends the process at once (cli.cpp) and trainings running side by side
            // can reach the epoch together.
            if (interrupt_after_ > 0 && done == interrupt_after_
                && !interrupt_raised_.exchange(true))
                std::raise(SIGINT);
            if (stop_requested())
                return AfterEpoch::CheckpointAndStop;
            if (seconds_since(last_checkpoint) >= opt_.checkpoint_seconds) {
                last_checkpoint = Clock::now();
                return AfterEpoch::Checkpoint;
            }
            return AfterEpoch::Continue;
        };
        checkpoints.save = [&](const rt::Checkpoint& c) {
            fs::create_directories(ckdir.parent_path());
            c.save(ckdir);
        };
        TrainedNetwork result = train(program_, def, task, on_epoch, checkpoints);
        progress_.done(node.name);
        const double secs = seconds_since(t0);
        if (result.interrupted) {
            const std::string line = fmt::format("train {}: checkpointed after epoch {} of {}",
                                                 node.name, result.epochs_run, def.epochs);
            progress_.say(line);
            const std::lock_guard lock(mutex_);
            interrupted_.push_back(line);
            return false;
        }
        progress_.say(fmt::format("train {}: {} after {} epochs ({:.2f} s)", node.name,
                                  result.stopped_early ? "stopped early" : "finished",
                                  result.epochs_run, secs));
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
        const std::lock_guard lock(mutex_);
        trained_[node.name] = std::move(result);
        return true;
    }

    // The altered network's tensors (effective values) are its files, as a training's are.
    void run_alter(const GraphNode& node, NodeOutput& out) {
        const AlterDef& def = program_.alters.at(node.name);
        TrainedNetwork result = alter(def, trained_of(def.train));
        const std::string dir = folder_of(node) + "/";
        for (const auto& p : result.net.params)
            out.files[dir + p.name + ".npy"] = rt::npy_bytes(rt::effective_value(p));
        toml::table table;
        table.insert("lesioned_units", static_cast<std::int64_t>(def.lesion.size()));
        table.insert("changes", static_cast<std::int64_t>(def.ops.size()));
        out.metrics = std::move(table);
        out.state = trained_state(result);
        progress_.say(fmt::format("alter {}: {} unit{} lesioned, {} change{}", node.name,
                                  def.lesion.size(), def.lesion.size() == 1 ? "" : "s",
                                  def.ops.size(), def.ops.size() == 1 ? "" : "s"));
        const std::lock_guard lock(mutex_);
        trained_[node.name] = std::move(result);
    }

    void run_evaluate(const GraphNode& node, NodeOutput& out) {
        const EvaluateDef& def = program_.evaluates.at(node.name);
        const TaskDef& task_def = program_.tasks.at(def.task);
        Evaluation ev =
            evaluate(program_, def, trained_of(def.train), *task_of(def.task), task_def);
        const std::string dir = folder_of(node) + "/";
        for (const auto& [name, values] : ev.signals)
            out.files[dir + name + ".npy"] = rt::npy_bytes(values);
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
        out.metrics = std::move(t);
        out.state = evaluation_state(ev);
        progress_.say(fmt::format("evaluate {}:{}", node.name, summary));
        // Kept activity is held for the whole run and written to the cache: say when it is
        // large (a task's default of 100 fresh trials of a long deterministic trial, say).
        const double bytes =
            static_cast<double>((ev.activity.n_elem + ev.cells.n_elem) * sizeof(float));
        if (bytes >= kLargeActivityBytes)
            progress_.say(fmt::format(
                "note: evaluate {} keeps {:.1f} GB of activity ({} trials x {} units x {} "
                "steps) in memory and in the cache; 'trials = N' in its block keeps fewer",
                node.name, bytes / 1e9, ev.activity.n_rows, ev.activity.n_cols,
                ev.activity.n_slices));
        const std::lock_guard lock(mutex_);
        evaluations_[node.name] = std::move(ev);
    }

    std::vector<stdlib::ArgValue> arguments(const std::vector<ArgRef>& args) {
        std::vector<stdlib::ArgValue> out;
        for (const auto& a : args) {
            switch (a.kind) {
                case ArgRef::Kind::TrainedTensor:
                    out.emplace_back(stdlib::MatrixArg{
                        a.label, trained_tensor(trained_of(a.definition), a.member)});
                    break;
                case ArgRef::Kind::TaskMatrix:
                    out.emplace_back(stdlib::MatrixArg{
                        a.label, task_of(a.definition)->matrix(a.member, nullptr)});
                    break;
                case ArgRef::Kind::Training: {
                    const TrainedNetwork& t = trained_of(a.definition);
                    out.emplace_back(stdlib::TrainingArg{a.label, t.history, &t.net});
                    break;
                }
                case ArgRef::Kind::Analysis: {
                    const stdlib::AnalysisResult& r = analysis_of(a.definition);
                    out.emplace_back(
                        stdlib::AnalysisArg{a.label, program_.analyses.at(a.definition).entry->name,
                                            r.scalars, r.arrays});
                    break;
                }
                case ArgRef::Kind::Results:
                    out.emplace_back(results(a));
                    break;
                case ArgRef::Kind::Task: {
                    // The first evaluation trial of the task, from its own stream.
                    const stdlib::TaskInstance& task = *task_of(a.definition);
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
                    const Evaluation& ev = evaluation_of(a.definition);
                    // The first signal of the task (memory_recall: overlap).
                    const auto& [signal, values] = *ev.signals.begin();
                    std::vector<std::string> labels;
                    for (const long c : ev.condition)
                        labels.push_back(fmt::format("condition {}", c + 1));
                    out.emplace_back(stdlib::EvaluationArg{a.label, signal, labels, values,
                                                           ev.periods, ev.activity, ev.inputs,
                                                           ev.labels, ev.cells});
                    break;
                }
            }
        }
        return out;
    }

    void run_analyze(const GraphNode& node, NodeOutput& out) {
        const AnalyzeDef& def = program_.analyses.at(node.name);
        const stdlib::AnalysisResult r = def.entry->run(arguments(def.args), def.options);
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
        progress_.say(fmt::format("analyze {}:{}", node.name, summary));
        const std::lock_guard lock(mutex_);
        analyses_[node.name] = r;
    }

    // gnuplot draws into a scratch folder; the picture, its script and data become the
    // node's files.
    void run_plot(const GraphNode& node, NodeOutput& out) {
        const PlotDef* def = nullptr;
        for (const auto& p : program_.plots)
            if (p.file == node.name)
                def = &p;
        const fs::path rel(def->file);
        const fs::path scratch = opt_.out_dir / ".cache" / (".plot-" + rt::hex64(node.key));
        fs::remove_all(scratch);
        fs::create_directories(scratch);
        const std::string stem = rel.stem().string();
        const stdlib::FigureScript script =
            def->entry->draw(arguments(def->args), def->options, stem);
        stdlib::render(scratch, stem, stdlib::image_format(def->file), script);
        const fs::path folder = rel.parent_path();
        for (const auto& e : fs::directory_iterator(scratch)) {
            const std::string name = e.path().filename().string();
            if (name.starts_with("."))
                continue;
            std::string why;
            const auto bytes = rt::read_file(e.path(), why);
            if (!bytes)
                throw std::runtime_error(
                    fmt::format("cannot read '{}': {}", e.path().string(), why));
            out.files[(folder / name).string()] = *bytes;
        }
        fs::remove_all(scratch);
        progress_.say(fmt::format("plot {}", def->file));
    }

    void write_metrics() {
        toml::table all;
        for (const auto& [i, t] : metrics_)
            all.insert(graph_.nodes[i].name, t);
        rt::write_file_atomically(opt_.out_dir / "metrics.toml", to_text(all));
    }

    void write_manifest(double seconds, bool complete) {
        toml::table m;
        m.insert("rnnlab", toml::table{{"version", std::string(kVersion)}});
        std::error_code ec;
        toml::table script{{"path", opt_.script_path.string()},
                           {"absolute", fs::absolute(opt_.script_path, ec).string()},
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
        toml::table overrides;
        toml::array applied;
        for (const auto& o : opt_.overrides)
            applied.push_back(o);
        overrides.insert("applied", std::move(applied));
        if (!opt_.config_path.empty()) {
            overrides.insert("config", opt_.config_path);
            overrides.insert("config_hash", rt::hex64(rt::hash64(opt_.config_text)));
        }
        m.insert("overrides", std::move(overrides));
        m.insert("seed", static_cast<std::int64_t>(program_.seed));
        m.insert("versions", library_versions());
        toml::table blas{{"threads", static_cast<std::int64_t>(opt_.blas_threads)}};
        if (!opt_.blas_core.empty()) {
            blas.insert("core", opt_.blas_core);
            blas.insert("chosen_by", opt_.blas_choice);
        }
        m.insert("blas", std::move(blas));
        m.insert("run", toml::table{{"complete", complete},
                                    {"executor", opt_.executor},
                                    {"jobs", static_cast<std::int64_t>(opt_.jobs)},
                                    {"resume", opt_.resume},
                                    {"seconds", seconds}});
        toml::table nodes;
        for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
            const GraphNode& n = graph_.nodes[i];
            toml::table t{{"kind", n.kind},
                          {"key", rt::hex64(n.key)},
                          {"parameters", n.description},
                          {"seconds", timings_[i]}};
            if (n.kind != "task")
                t.insert("reused", reused_here(i));
            if (const auto where = remote_.find(i); where != remote_.end())
                t.insert("computed_by", where->second);
            toml::array inputs;
            for (const std::size_t j : n.inputs)
                inputs.push_back(node_label(graph_.nodes[j]));
            t.insert("inputs", std::move(inputs));
            nodes.insert(node_label(n), std::move(t));
        }
        m.insert("nodes", std::move(nodes));
        rt::write_file_atomically(opt_.out_dir / "manifest.toml", to_text(m));
    }

    const Program& program_;
    const Graph& graph_;
    const RunOptions& opt_;
    Cache cache_;
    Progress progress_;
    long interrupt_after_ = 0;
    std::atomic<bool> interrupt_raised_{false};
    std::vector<std::optional<toml::table>> entries_;
    std::vector<bool> reused_, active_;
    std::vector<double> timings_;
    std::mutex mutex_;  // guards everything below and the node states in schedule()
    std::condition_variable changed_;
    std::exception_ptr error_;
    std::atomic<bool> failed_{false};
    std::vector<std::string> interrupted_;
    std::map<std::string, std::unique_ptr<stdlib::TaskInstance>> tasks_;
    std::map<std::string, TrainedNetwork> trained_;
    std::map<std::string, Evaluation> evaluations_;
    std::map<std::string, stdlib::AnalysisResult> analyses_;
    std::map<std::size_t, toml::table> metrics_;
    std::map<std::size_t, std::string> remote_;  // computed by opt_.remote: where
};

}  // namespace

void execute(const Program& program, const Graph& graph, const RunOptions& options) {
    Executor(program, graph, options).run();
}

bool node_cached(const GraphNode& node, const std::filesystem::path& out_dir) {
    return Cache(out_dir / ".cache").lookup(node).has_value();
}

}  // namespace rnn::interp
