#include "interpreter/check/evaluate.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/network.hpp"
#include "interpreter/check/value.hpp"
#include "runtime/cell_traits.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// What the fields of one evaluate block share. Probes are checked once the training and
// the task are known, after the loop over the fields.
struct EvaluateBlock {
    Context& c;
    EvaluateDef& def;
    std::vector<const ast::Field*> probes;
    const ast::Field* start_field = nullptr;
    // The words of `save`, each checked against the network and task once they are known.
    std::vector<std::pair<SavedArray, const Expr*>> save;
};

using Field = BlockField<EvaluateBlock>;

void keep_probe(EvaluateBlock& b, const ast::Field& f) {
    b.probes.push_back(&f);
}

// `save = [states, inputs]` (or one word): the words of saved_array_table().
void save_words(EvaluateBlock& b, const ast::Field& f) {
    for (const Expr* e : list_items(*f.value)) {
        const auto which = e->kind == K::Name ? saved_array_named(e->text) : std::nullopt;
        if (!which) {
            b.c.diags.error(
                Code::UnknownSaveWord, e->span,
                e->kind == K::Name ? fmt::format("an evaluation cannot save '{}'", e->text)
                                   : std::string("'save' takes a list of words such as "
                                                 "[states, inputs]"),
                e->kind == K::Name ? suggestion(e->text, saved_array_words())
                                   : "write the words without quotes, from: "
                                         + fmt::format("{}", fmt::join(saved_array_words(), ", ")));
            continue;
        }
        b.save.emplace_back(*which, e);
    }
}

const std::vector<Field>& evaluate_fields() {
    static const std::vector<Field> table = {
        {"trials",
         "how many fresh trials (default: one per pattern of memory_recall, one per listed "
         "duration of integration_memory (else 100), else 200)",
         [](EvaluateBlock& b, const ast::Field& f) {
             const stdlib::ParamSpec spec("trials", stdlib::ParamType::Integer, std::nullopt, 1.0,
                                          1e7, "trials", "");
             if (auto x = value(b.c, *f.value, spec, kNoStepLength))
                 b.def.trials = std::lround(std::get<double>(*x));
         }},
        {"clamp",
         "input(channel, value, during: PERIOD): hold an input channel (its number, or the "
         "name a paradigm gives it)",
         keep_probe},
        {"perturb", "state(size, at: N steps): add size * N(0, 1) to the state after step N",
         keep_probe},
        {"start", "every unit of every trial starts at this state instead of h0",
         [](EvaluateBlock& b, const ast::Field& f) {
             const stdlib::ParamSpec spec("start", stdlib::ParamType::Real, std::nullopt,
                                          std::nullopt, std::nullopt, "", "");
             if (auto x = value(b.c, *f.value, spec, kNoStepLength))
                 b.def.start = std::get<double>(*x);
             b.start_field = &f;
         }},
        {"save",
         "[states, rates, cells, outputs, inputs, targets, mask]: the arrays written to its "
         "folder as trials x steps x width .npy (outputs and targets always)",
         save_words},
    };
    return table;
}

// The step after which `perturb` kicks the state: `at: 200 steps`, or `at: 300 ms`
// through the task's dt (the time since the trial's start). Reports its own errors.
std::optional<long> perturb_step(Context& c, const Expr& at, const TaskDef& task) {
    const bool time = at.unit == "ms" || at.unit == "s";
    if (at.kind != K::Number || (at.unit != "steps" && !time) || at.number < 0) {
        c.diags.error(Code::ProbeForm, at.span,
                      "a perturbation's time is a number of steps, ms or s from the trial's start",
                      "write 'at: 200 steps', or 'at: 300 ms' on a task with a dt");
        return std::nullopt;
    }
    double steps = at.number;
    double dt = 0.0;
    if (time) {
        dt = task.params.has("dt") ? task.params.real("dt") : 0.0;
        if (dt <= 0.0) {
            c.diags.error(Code::DurationNeedsDt, at.span,
                          fmt::format("'at' is given in {}, but the task '{}' has no dt that "
                                      "converts it to steps",
                                      at.unit, task.name),
                          "give it in steps ('at: 200 steps'), or set the task's step length, "
                          "e.g. 'dt = 1 ms'");
            return std::nullopt;
        }
        steps = (at.unit == "s" ? at.number * 1000.0 : at.number) / dt;
    }
    if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
        c.diags.error(Code::NotWholeSteps, at.span,
                      time ? fmt::format("'at: {} {}' is {:.4g} steps of dt = {} ms; a "
                                         "perturbation comes after a whole number of steps",
                                         at.number, at.unit, steps, dt)
                           : std::string("a perturbation comes after a whole number of steps"));
        return std::nullopt;
    }
    const long step = std::lround(steps);
    // The longest trial the task can draw bounds the step here; a shorter drawn trial
    // is checked when the run starts.
    if (const long trial = task.entry->trial_steps ? task.entry->trial_steps(task.params) : 0;
        trial > 0 && step >= trial) {
        auto& d = c.diags.error(
            Code::WindowOutsideTrial, at.span,
            fmt::format("a perturbation after step {} is outside the {}-step trial of '{}'", step,
                        trial, task.name),
            time ? fmt::format("choose at most {} {} (step {} of dt = {} ms)",
                               at.unit == "s" ? (trial - 1) * dt / 1000.0 : (trial - 1) * dt,
                               at.unit, trial - 1, dt)
                 : fmt::format("choose a step from 0 to {}", trial - 1));
        d.notes.emplace_back(task.span, "the task is defined here");
        return std::nullopt;
    }
    return step;
}

// One probe call of a `clamp` or `perturb` field; reports and returns false when wrong.
struct Probe {
    Context& c;
    const Expr& e;
    const char* form;
    std::vector<const Expr*> positional;
    const Expr* named;

    bool bad(const std::string& why) const {
        c.diags.error(Code::ProbeForm, e.span, why, fmt::format("write {}", form));
        return false;
    }

    // `input(channel, value, during: period)`; the channel is a number or, for a task that
    // names its inputs, a name.
    bool clamp(const TaskDef& task, EvaluateDef& def) const {
        const Expr& which = *positional[0];
        std::vector<long> rows;
        if (which.kind == K::Name || which.kind == K::String) {
            rows = named_channel(task, which);
            if (rows.empty())
                return false;
        } else if (const auto channel = constant_number(which);
                   channel && *channel >= 0 && *channel < 1e9 && *channel == std::floor(*channel)) {
            rows = {std::lround(*channel)};
        }
        const auto value = constant_number(*positional[1]);
        if (rows.empty() || !value)
            return bad("a clamp needs a channel (a whole number from 0) and a number");
        // The input width, where the task knows it before drawing trials.
        if (const long width = task.entry->input_size ? task.entry->input_size(task.params) : 0;
            width > 0 && rows.back() >= width) {
            c.diags.error(Code::ProbeForm, which.span,
                          fmt::format("the task '{}' has {} input channel{}, so channel {} "
                                      "cannot be clamped",
                                      task.name, width, width == 1 ? "" : "s", rows.back()),
                          fmt::format("channels count from 0: 0 to {}", width - 1));
            return false;
        }
        std::string period;
        if (named) {
            period = named->kind == K::Name ? named->text : "";
            std::vector<std::string> periods;
            for (const auto& p : task.entry->periods)
                periods.push_back(p.name);
            if (std::find(periods.begin(), periods.end(), period) == periods.end()) {
                c.diags.error(Code::ProbeForm, named->span,
                              fmt::format("the task '{}' has no period '{}'", task.name,
                                          named->kind == K::Name ? named->text : "?"),
                              suggestion(period, periods));
                return false;
            }
        }
        for (const long row : rows)
            def.clamps.push_back(ClampDef{row, *value, period});
        return true;
    }

    // The rows of an input the task names (a paradigm's channels): `fixation`, `motion` (both
    // of its inputs "motion 1" and "motion 2"), or "motion 2" alone.
    std::vector<long> named_channel(const TaskDef& task, const Expr& which) const {
        const auto& names = task.entry->input_names;
        std::vector<long> rows;
        for (std::size_t r = 0; r < names.size(); ++r)
            if (names[r] == which.text
                || (names[r].rfind(which.text + " ", 0) == 0
                    && names[r].find(' ', which.text.size() + 1) == std::string::npos))
                rows.push_back(static_cast<long>(r));
        if (!rows.empty())
            return rows;
        std::vector<std::string> channels;  // "motion" for "motion 1" and "motion 2"
        for (const auto& n : names) {
            const std::string stem = n.substr(0, n.rfind(' '));
            if (std::find(channels.begin(), channels.end(), stem) == channels.end())
                channels.push_back(stem);
        }
        c.diags.error(Code::ProbeForm, which.span,
                      names.empty()
                          ? fmt::format("the task '{}' does not name its inputs", task.name)
                          : fmt::format("the task '{}' has no input '{}'", task.name, which.text),
                      names.empty() ? "give the channel's number, counted from 0"
                                    : suggestion(which.text, channels));
        return {};
    }

    // `state(size, at: N steps or ms)`
    bool perturb(const TaskDef& task, EvaluateDef& def) const {
        const auto size = constant_number(*positional[0]);
        if (!size)
            return bad("a perturbation needs a size (a number)");
        const auto step = perturb_step(c, *named, task);
        if (!step)
            return false;
        def.perturbs.push_back(PerturbDef{*size, *step});
        return true;
    }
};

// `clamp = input(1, 0.0, during: delay)` and `perturb = state(0.5, at: 200 steps)`, or
// lists of them, in an evaluate block.
bool probe(Context& c, const ast::Field& f, const TaskDef& task, const NetworkDef& net,
           EvaluateDef& def) {
    const bool clamp = f.name == "clamp";
    const char* form =
        clamp ? "input(channel, value, during: period)" : "state(size, at: N steps or ms)";
    // A plastic network's state is its learner's own, out of reach of a kick.
    if (!clamp && !rt::cell_traits(net.entry->kind).fused) {
        c.diags.error(Code::NotImplemented, f.name_span,
                      "'perturb' on a plastic network is not implemented yet in this version",
                      "clamp its inputs instead: clamp = input(channel, value)");
        return false;
    }
    bool ok = true;
    for (const Expr* e : list_items(*f.value)) {
        Probe p{c, *e, form, {}, nullptr};
        if (e->kind != K::Call || e->text != (clamp ? "input" : "state")) {
            ok = p.bad(fmt::format("'{}' takes {}", f.name, form));
            continue;
        }
        bool extra = false;
        for (std::size_t i = 0; i < e->items.size(); ++i) {
            if (e->arg_names[i].empty())
                p.positional.push_back(e->items[i].get());
            else if (e->arg_names[i] == (clamp ? "during" : "at") && !p.named)
                p.named = e->items[i].get();
            else
                extra = true;
        }
        if (extra || p.positional.size() != (clamp ? 2U : 1U) || (!clamp && !p.named)) {
            ok = p.bad(fmt::format("'{}' takes {}", f.name, form));
            continue;
        }
        ok = (clamp ? p.clamp(task, def) : p.perturb(task, def)) && ok;
    }
    return ok;
}

}  // namespace

std::vector<FieldDoc> evaluate_field_docs() {
    return field_docs(evaluate_fields());
}

namespace {

// Whether a training on `trained` can be evaluated on `task`: the same stdlib task, or a
// variant of it; for a task the script declares (a paradigm, arrays), a variant of the same
// declaration whose trials are as wide and whose targets as many.
bool same_task_kind(const TaskDef& task, const TaskDef& trained) {
    if (task.entry == trained.entry)
        return true;
    if (task.own_entry == nullptr || trained.own_entry == nullptr
        || task.data_origin != trained.data_origin)
        return false;
    return task.entry->input_size(task.params) == trained.entry->input_size(trained.params)
           && task.entry->output_size(task.params) == trained.entry->output_size(trained.params);
}

// The arrays the evaluation writes: `save`'s words against what the network and task have.
bool check_save(Context& c, const EvaluateBlock& b, const NetworkDef& net, const TaskDef& task) {
    const long outputs = task.entry->output_size ? task.entry->output_size(task.params) : 0;
    const stdlib::Params p = stdlib::with_defaults(net.entry->schema, net.params);
    const SaveSource source{net.entry->kind, p.has("outputs") && p.integer("outputs") > 0,
                            outputs > 0, !task.entry->masks.empty()};
    bool ok = true;
    std::vector<SavedArray> requested;
    for (const auto& [which, e] : b.save) {
        const std::string why = why_not_saved(which, source);
        if (why.empty()) {
            requested.push_back(which);
            continue;
        }
        auto& d = c.diags.error(Code::SaveNotAvailable, e->span,
                                fmt::format("the evaluation of '{}' on '{}' has no '{}' to save",
                                            net.name, task.name, e->text),
                                why);
        const bool of_task = which == SavedArray::Targets || which == SavedArray::Mask;
        d.notes.emplace_back(
            of_task ? task.span : net.span,
            fmt::format("the {} '{}' is defined here", of_task ? "task" : "network",
                        of_task ? task.name : net.name));
        ok = false;
    }
    b.def.arrays = arrays_written(requested, source);
    return ok;
}

// What is evaluated: a trained network (a training or an alter), or a network definition at
// the values it starts from. Returns its network definition, or nullptr after an error.
const NetworkDef* evaluated_network(Context& c, const ast::Statement& s, EvaluateDef& def,
                                    const TaskDef& task) {
    if (!def.network.empty()) {
        const NetworkDef& net = c.program.networks.at(def.network);
        if (!rt::cell_traits(net.entry->kind).fused) {
            c.diags.error(Code::NotImplemented, s.head->span,
                          fmt::format("evaluating the plastic network '{}' without a training is "
                                      "not implemented yet: its fast weights learn through a "
                                      "training's updater",
                                      net.name),
                          "evaluate a training of it instead");
            return nullptr;
        }
        return &net;
    }
    const TrainDef& t = c.program.training_of(def.train);
    if (!same_task_kind(task, c.program.tasks.at(t.task))) {
        c.diags.error(
            Code::EvaluateTaskKind, s.target->span,
            fmt::format("'{}' was trained on a '{}' task; '{}' is a '{}' task", def.train,
                        c.program.tasks.at(t.task).entry->name, task.name, task.entry->name));
        return nullptr;
    }
    return &c.program.networks.at(t.network);
}

// The head of `evaluate x = HEAD on TASK`: a network definition's name, or a trained one's.
bool evaluated_name(Context& c, const ast::Statement& s, EvaluateDef& def) {
    const Declared* d = s.head->kind == K::Name ? c.lookup(s.head->text) : nullptr;
    if (d != nullptr && d->kind == ast::Statement::Kind::Network) {
        if (c.reference(*s.head, ast::Statement::Kind::Network, "network") == nullptr)
            return false;
        def.network = d->stmt->name;
        return c.program.networks.count(def.network) > 0;
    }
    const ast::Statement* train = c.reference(*s.head, ast::Statement::Kind::Train, "training");
    if (train == nullptr)
        return false;
    def.train = train->name;
    return c.program.trained(def.train);
}

}  // namespace

void check_evaluate(Context& c, const ast::Statement& s) {
    EvaluateDef def{s.name, "", "", 0, false, s.span, {}, {}, std::nullopt, "", {}};
    const bool head = evaluated_name(c, s, def);
    const ast::Statement* task = c.reference(*s.target, ast::Statement::Kind::Task, "task");
    if (task)
        def.task = task->name;
    EvaluateBlock b{c, def, {}, nullptr, {}};
    for (const auto& f : s.body) {
        if (f.kind == ast::Field::Kind::Assign)
            if (const Field* field = find_field(evaluate_fields(), f.name)) {
                field->check(b, f);
                continue;
            }
        c.diags.error(Code::UnknownParameter, f.name_span,
                      fmt::format("an evaluate block has no field '{}'", f.name),
                      suggestion(f.name, field_names(evaluate_fields())));
    }
    const auto k = task ? c.program.tasks.find(task->name) : c.program.tasks.end();
    if (!head || k == c.program.tasks.end())
        return;
    const NetworkDef* net = evaluated_network(c, s, def, k->second);
    if (net == nullptr)
        return;
    network_fits_task(c, *net, k->second, s.target->span);
    if (b.start_field != nullptr && !rt::cell_traits(net->entry->kind).fused) {
        c.diags.error(Code::NotImplemented, b.start_field->name_span,
                      "'start' on a plastic network is not implemented yet in this version");
        return;
    }
    bool ok = check_save(c, b, *net, k->second);
    for (const ast::Field* f : b.probes)
        ok = probe(c, *f, k->second, *net, def) && ok;
    if (!ok)
        return;
    c.program.evaluates.emplace(s.name, std::move(def));
}

}  // namespace rnn::interp::checker
