#include "interpreter/check/memory.hpp"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "runtime/network.hpp"
#include "stdlib/network.hpp"

namespace rnn::interp {

namespace {

// The network of a definition and its sizes, with the task's input width and what the task
// itself holds.
MemoryShape network_sizes(const NetworkDef& net, const TaskDef& task) {
    const stdlib::Params p = stdlib::with_defaults(net.entry->schema, net.params);
    const long task_inputs = task.entry->input_size ? task.entry->input_size(task.params) : 0;
    const rt::NetworkShape shape =
        stdlib::network_shape(*net.entry, p, static_cast<arma::uword>(std::max(0L, task_inputs)));
    MemoryShape s;
    s.kind = shape.kind;
    s.task_bytes = task.entry->held_bytes ? task.entry->held_bytes(task.params) : 0.0;
    s.units = static_cast<double>(shape.units);
    s.inputs = static_cast<double>(shape.inputs);
    s.outputs = static_cast<double>(shape.outputs);
    for (const rt::TensorLayout& t : rt::tensor_layout(shape)) {
        const double cols = t.cols > 0 ? static_cast<double>(t.cols) : s.inputs;
        s.parameters += static_cast<double>(t.rows) * cols;
        if (t.role == rt::TensorRole::PlasticWeight) {
            s.fast_weights += static_cast<double>(t.rows) * cols;
            s.step_values += static_cast<double>(t.rows);
        }
    }
    if (s.step_values > 0)
        s.step_values += s.inputs + s.units;  // the step's input [x, h]
    s.noise = p.has("noise") && p.real("noise") > 0.0;
    return s;
}

// Each array the evaluation writes with its width: the network's units, its readout's or
// input's width, the task's target width or its number of masks.
std::vector<std::pair<SavedArray, double>> saved_widths(const MemoryShape& s, const TaskDef& task,
                                                        const EvaluateDef& def) {
    std::vector<std::pair<SavedArray, double>> out;
    for (const SavedArray a : def.arrays) {
        double width = s.units;
        if (a == SavedArray::Outputs)
            width = s.outputs;
        else if (a == SavedArray::Inputs)
            width = s.inputs;
        else if (a == SavedArray::Targets)
            width = task.entry->output_size
                        ? static_cast<double>(task.entry->output_size(task.params))
                        : 0.0;
        else if (a == SavedArray::Mask)
            width = static_cast<double>(task.entry->masks.size());
        out.emplace_back(a, width);
    }
    return out;
}

double steps_of(const TaskDef& task) {
    return task.entry->trial_steps
               ? static_cast<double>(std::max(0L, task.entry->trial_steps(task.params)))
               : 0.0;
}

}  // namespace

MemoryShape training_shape(const Program& program, const TrainDef& def) {
    const TaskDef& task = program.tasks.at(def.task);
    MemoryShape s = network_sizes(program.networks.at(def.network), task);
    s.pass = def.rule == rt::UpdateRule::Bptt ? PassKind::Bptt : PassKind::Online;
    s.trials = static_cast<double>(
        task.entry->step_trials ? task.entry->step_trials(task.params, def.schedule, def.batch)
                                : def.batch);
    s.steps = steps_of(task);
    if (def.validate_every > 0)
        s.validation_trials =
            static_cast<double>(def.validate_trials > 0 ? def.validate_trials : def.batch);
    return s;
}

MemoryShape evaluation_shape(const Program& program, const EvaluateDef& def) {
    const TaskDef& task = program.tasks.at(def.task);
    MemoryShape s = network_sizes(program.network_of(def), task);
    s.noise = false;  // evaluations run without it
    s.pass = PassKind::Evaluation;
    s.trials = static_cast<double>(def.trials > 0 ? def.trials
                                   : task.entry->evaluation_trials
                                       ? task.entry->evaluation_trials(task.params)
                                       : static_cast<long>(stdlib::kEvaluationTrials));
    s.steps = steps_of(task);
    s.keep_activity = def.keep_activity;
    for (const auto& [which, width] : saved_widths(s, task, def))
        s.saved += width;
    return s;
}

SavedSizes saved_sizes(const Program& program, const EvaluateDef& def) {
    const MemoryShape s = evaluation_shape(program, def);
    return {s.trials, s.steps, saved_widths(s, program.tasks.at(def.task), def)};
}

namespace checker {

namespace {

// Where a field is written: in the statement, else in the base it derives from (a network
// `net2 = net { ... }`); nullptr when nowhere (the default holds).
const ast::Field* find_field(const Context& c, const ast::Statement& s, const std::string& name,
                             int depth = 0) {
    for (const auto& f : s.body)
        if (f.name == name && f.kind == ast::Field::Kind::Assign && f.value)
            return &f;
    if (depth < 64 && s.head && s.head->kind == ast::Expr::Kind::Name)
        if (const Declared* base = c.lookup(s.head->text); base && base->kind == s.kind)
            return find_field(c, *base->stmt, name, depth + 1);
    return nullptr;
}

// What to reduce, where it is written, and why.
struct Advice {
    ast::Span where;
    std::string help;
    std::vector<std::pair<ast::Span, std::string>> notes;
};

// A field of a definition as the place to point at, or the definition's name.
ast::Span field_or_name(const Context& c, const std::string& definition, const char* field) {
    const Declared* d = c.lookup(definition);
    if (d == nullptr)
        return {};
    const ast::Field* f = find_field(c, *d->stmt, field);
    return f ? f->value->span : d->stmt->name_span;
}

ast::Span name_of(const Context& c, const std::string& definition) {
    const Declared* d = c.lookup(definition);
    return d ? d->stmt->name_span : ast::Span{};
}

// A pass over trials: whose it is, the field that sets its trials, and its sizes.
struct Pass {
    const std::string& definition;
    const char* kind;   // "training", "evaluation"
    const char* field;  // "batch", "validate_trials", "trials"
    double trials;
    const std::string& task;
};

// The pass is the largest part: fewer trials where a field sets them, else shorter trials.
Advice reduce_trials(const Context& c, const Pass& p, const MemoryShape& s,
                     const MemoryEstimate& e) {
    std::string size = fmt::format(
        "{:.0f} trial{} of {:.0f} steps through {:.0f} units take "
        "about {}",
        p.trials, p.trials == 1 ? "" : "s", s.steps, s.units,
        format_bytes(e.pass + e.activity + e.saved));
    if (e.activity > 0)
        size += fmt::format(", {} of it the activity kept for analyses and figures",
                            format_bytes(e.activity));
    if (e.saved > 0)
        size += fmt::format(", {} of it the arrays it saves", format_bytes(e.saved));
    if (e.task > 0)
        size +=
            fmt::format("; the task '{}' holds {} of arrays besides", p.task, format_bytes(e.task));
    const Declared* d = c.lookup(p.definition);
    const ast::Field* f = d ? find_field(c, *d->stmt, p.field) : nullptr;
    if (f && p.trials > 1)
        return {f->value->span,
                fmt::format("reduce '{}': {}; shorter trials or fewer units also need less",
                            p.field, size),
                {}};
    if (d && p.trials > 1 && std::string_view(p.field) == "trials")
        return {d->stmt->name_span,
                fmt::format("give it fewer trials ('trials = N'; the task's default is {:.0f}): {}",
                            p.trials, size),
                {}};
    return {name_of(c, p.task),
            fmt::format("shorten the trials of the task '{}' or use fewer units: {}", p.task, size),
            {{d ? d->stmt->name_span : ast::Span{},
              fmt::format("the {} '{}' is defined here", p.kind, p.definition)}}};
}

// The network's tensors are the largest part: fewer units.
Advice reduce_units(const Context& c, const Pass& p, const std::string& network,
                    const MemoryEstimate& e, const char* copies) {
    return {field_or_name(c, network, "units"),
            fmt::format("reduce 'units' of the network '{}': its tensors with {} take about {}",
                        network, copies, format_bytes(e.parameters)),
            {{name_of(c, p.definition),
              fmt::format("the {} '{}' is defined here", p.kind, p.definition)}}};
}

struct Needs {
    std::string what;  // "the training 'fit'"
    MemoryEstimate estimate;
    Advice advice;
    double retained = 0;          // kept until the run ends (retained_bytes)
    std::string evaluation = {};  // its name, for an evaluation
};

Needs training_needs(const Context& c, const TrainDef& def) {
    const MemoryShape s = training_shape(c.program, def);
    const MemoryEstimate e = estimate_memory(s);
    Needs n{fmt::format("the training '{}'", def.name), e, {}, retained_bytes(s, 0)};
    const bool validation = e.validation_larger;
    const Pass pass{def.name, "training", validation ? "validate_trials" : "batch",
                    validation ? s.validation_trials : s.trials, def.task};
    n.advice = e.parameters >= e.pass ? reduce_units(c, pass, def.network, e,
                                                     "their gradients and the optimizer's moments")
                                      : reduce_trials(c, pass, s, e);
    return n;
}

Needs evaluation_needs(const Context& c, const EvaluateDef& def) {
    const MemoryShape s = evaluation_shape(c.program, def);
    const MemoryEstimate e = estimate_memory(s);
    const double signals = static_cast<double>(c.program.tasks.at(def.task).entry->signals.size());
    Needs n{
        fmt::format("the evaluation '{}'", def.name), e, {}, retained_bytes(s, signals), def.name};
    const Pass pass{def.name, "evaluation", "trials", s.trials, def.task};
    n.advice = e.parameters >= e.pass + e.activity + e.saved
                   ? reduce_units(c, pass, c.program.network_of(def).name, e, "the tape's copies")
                   : reduce_trials(c, pass, s, e);
    return n;
}

// The engine keeps every finished node's results until the run ends: a run of many
// evaluations whose activity analyses read can exceed the limit where no node alone does.
// Reported at the evaluation that keeps the most.
void check_run(Context& c, const std::vector<Needs>& all, const MemoryLimit& limit,
               const std::string& more) {
    double retained = 0, largest = 0;
    const Needs* holder = nullptr;
    for (const Needs& n : all) {
        retained += n.retained;
        largest = std::max(largest, n.estimate.total());
        if (!n.evaluation.empty() && (holder == nullptr || n.retained > holder->retained))
            holder = &n;
    }
    if (retained + largest <= limit.bytes || holder == nullptr)
        return;
    c.diags.error(
        Code::MemoryExceeded, field_or_name(c, holder->evaluation, "trials"),
        fmt::format("the run needs about {} of memory, more than the {} {}: it keeps the results "
                    "of its {} trainings and evaluations until it ends ({}), and its largest "
                    "training or evaluation needs {} more",
                    format_bytes(retained + largest), format_bytes(limit.bytes), limit.origin,
                    all.size(), format_bytes(retained), format_bytes(largest)),
        fmt::format("reduce 'trials' of the evaluations whose activity analyses or figures read "
                    "('{}' keeps {}), or split the sweep into runs",
                    holder->evaluation, format_bytes(holder->retained))
            + more);
}

}  // namespace

void check_memory(Context& c, const MemoryLimit& limit) {
    std::vector<Needs> all;
    for (const auto& [name, def] : c.program.trains)
        all.push_back(training_needs(c, def));
    for (const auto& [name, def] : c.program.evaluates)
        all.push_back(evaluation_needs(c, def));
    std::stable_sort(all.begin(), all.end(), [](const Needs& a, const Needs& b) {
        return std::pair(a.advice.where.file, a.advice.where.begin)
               < std::pair(b.advice.where.file, b.advice.where.begin);
    });
    // A sweep's instances share their fields: one error per place.
    std::set<std::pair<std::uint32_t, std::uint32_t>> reported;
    const std::string more = limit.option ? "; or allow more with a larger --max-memory"
                                          : "; or free memory, or allow more with --max-memory "
                                            "SIZE (where swap or a later start will have it)";
    for (Needs& n : all) {
        if (n.estimate.total() <= limit.bytes)
            continue;
        if (!reported.insert({n.advice.where.file, n.advice.where.begin}).second)
            continue;
        Diagnostic& d = c.diags.error(
            Code::MemoryExceeded, n.advice.where,
            fmt::format("{} needs about {} of memory, more than the {} {}", n.what,
                        format_bytes(n.estimate.total()), format_bytes(limit.bytes), limit.origin),
            n.advice.help + more);
        d.notes = std::move(n.advice.notes);
    }
    if (reported.empty() && limit.whole_run)
        check_run(c, all, limit, more);
}

}  // namespace checker

}  // namespace rnn::interp
