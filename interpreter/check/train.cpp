#include "interpreter/check/train.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/loss.hpp"
#include "interpreter/check/network.hpp"
#include "interpreter/check/optimizer.hpp"
#include "interpreter/check/updater.hpp"
#include "interpreter/check/value.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// What the fields of one train block share: the training being built, its task, the scope
// of its loss, and where the updater and the loss are written (for later messages).
struct TrainBlock {
    Context& c;
    TrainDef& t;
    const TaskDef& task;
    LossScope scope;
    std::optional<ast::Span> updater_span, loss_span;
};

// A whole-number field of the training in [min, max] (`epochs`, `batch`, ...).
template <long TrainDef::*member, long min, long max>
void whole_number(TrainBlock& b, const ast::Field& f) {
    const stdlib::ParamSpec spec(f.name, stdlib::ParamType::Integer, std::nullopt,
                                 static_cast<double>(min), static_cast<double>(max), "", "");
    if (auto x = value(b.c, *f.value, spec, kNoStepLength))
        b.t.*member = std::lround(std::get<double>(*x));
}

// `schedule = NAME` or `schedule = curriculum { ... }`: one of the task's schedules.
void schedule_field(TrainBlock& b, const ast::Field& f) {
    const Expr& v = *f.value;
    std::vector<std::string> names;
    for (const auto& x : b.task.entry->schedules)
        names.push_back(x.name);
    const bool known_schedule = (v.kind == K::Name || v.kind == K::BlockCall)
                                && std::find(names.begin(), names.end(), v.text) != names.end();
    if (known_schedule && v.text == "curriculum")
        b.t.curriculum = curriculum(b.c, v, b.task);
    if (known_schedule)
        b.t.schedule = v.text;
    else
        b.c.diags.error(Code::UnknownSchedule, v.span,
                        fmt::format("the task '{}' has no schedule {}", b.task.name,
                                    v.kind == K::Name ? "'" + v.text + "'" : kind_words(v)),
                        suggestion(v.kind == K::Name ? v.text : "", names));
}

void seed_field(TrainBlock& b, const ast::Field& f) {
    const auto x = constant_number(*f.value);
    if (!x || *x < 0 || *x != std::floor(*x))
        b.c.diags.error(Code::BadSeed, f.value->span, "the seed must be a whole number");
    else
        b.t.seed = static_cast<std::uint64_t>(*x);
}

void on_nan_field(TrainBlock& b, const ast::Field& f) {
    const stdlib::ParamSpec spec("on_nan", stdlib::ParamType::Choice, std::nullopt, std::nullopt,
                                 std::nullopt, "", "", {"stop", "end_epoch"});
    if (auto x = value(b.c, *f.value, spec, kNoStepLength))
        b.t.nan_ends_epoch = std::get<std::string>(*x) == "end_epoch";
}

void clip_norm_field(TrainBlock& b, const ast::Field& f) {
    const stdlib::ParamSpec spec("clip_norm", stdlib::ParamType::Real, std::nullopt, 0.0, 1e9, "",
                                 "");
    if (auto x = value(b.c, *f.value, spec, kNoStepLength))
        b.t.clip_norm = std::get<double>(*x);
}

using Field = BlockField<TrainBlock>;

const std::vector<Field>& train_fields() {
    static const std::vector<Field> table = {
        {"loss", "the objective, an expression of the task's signals (required)",
         [](TrainBlock& b, const ast::Field& f) {
             b.loss_span = f.value->span;
             if (auto n = loss_node(b.c, *f.value, b.scope))
                 loss_terms(*n, 1.0, f.value.get(), b.t.loss);
         }},
        {"optimizer",
         "adam { lr, beta1, beta2, eps, weight_decay }, adamw { ... } or "
         "sgd { lr, momentum, dampening, nesterov, weight_decay }",
         [](TrainBlock& b, const ast::Field& f) {
             optimizer(b.c, *f.value, b.t.optimizer);
         }},
        {"updater",
         "bptt (default), bptt(truncate: N), backprop (per step, state "
         "detached) or dfa",
         [](TrainBlock& b, const ast::Field& f) {
             b.updater_span = f.value->span;
             updater_value(b.c, *f.value, b.t);
         }},
        {"epochs", "how many epochs", whole_number<&TrainDef::epochs, 1, 1'000'000'000>},
        {"batch", "trials per optimizer step (default 1)",
         whole_number<&TrainDef::batch, 1, 10'000'000>},
        {"batches", "optimizer steps per epoch (default 1)",
         whole_number<&TrainDef::batches, 1, 10'000'000>},
        {"schedule", "together (default), alternate, or curriculum { ... }", schedule_field},
        {"validate_every", "validate every N epochs on fresh trials (default 0: never)",
         whole_number<&TrainDef::validate_every, 0, 1'000'000'000>},
        {"validate_trials", "trials per validation (default: batch)",
         whole_number<&TrainDef::validate_trials, 1, 1'000'000'000>},
        {"stop_when", "early stop, e.g. all(reaction >= 0.99, retention >= 0.99, for: 20)",
         [](TrainBlock& b, const ast::Field& f) {
             b.t.stop = stop_rule(b.c, *f.value, b.task);
         }},
        {"seed", "replaces the script seed for this instance", seed_field},
        {"clip_norm",
         "scale the gradients' joint L2 norm down to at most this (default 0: "
         "off)",
         clip_norm_field},
        {"on_nan",
         "stop (default: an error) or end_epoch (skip that step and the rest of the "
         "epoch, as seed 002 does)",
         on_nan_field},
    };
    return table;
}

// `NAME : ...` in a train block: tensor modifiers, which belong to the network.
void modifiers_outside_network(Context& c, const ast::Field& f, const std::string& network) {
    c.diags.error(
        Code::ModifiersOutsideNetwork, f.name_span,
        fmt::format("'{} :' gives tensor modifiers, which belong in a network block", f.name),
        f.name == "updater" || f.name == "optimizer" || f.name == "loss" || f.name == "schedule"
                || f.name == "epochs" || f.name == "stop_when" || f.name == "seed"
            ? fmt::format("write '{} = ...'", f.name)
            : fmt::format("put '{} : ...' in the block of the network '{}'", f.name, network));
}

// What the fields say together, once all are read.
void whole_block(TrainBlock& b, const ast::Statement& s, const NetworkDef& net,
                 const std::set<std::string>& given) {
    if (!given.count("loss"))
        b.c.diags.error(Code::MissingLoss, s.name_span,
                        fmt::format("the training '{}' needs a loss", s.name),
                        "add 'loss = ...', e.g. loss = -mean(overlap, during: retain)");
    if (b.t.schedule.empty() && !b.task.entry->schedules.empty())
        b.t.schedule = b.task.entry->schedules.front().name;
    updater_fits(b.c, b.t, net, b.updater_span.value_or(s.name_span),
                 b.loss_span.value_or(s.name_span), given.count("clip_norm") > 0);
    if (b.t.curriculum && b.t.validate_every == 0)
        b.c.diags.error(Code::CurriculumNeedsValidation, s.name_span,
                        fmt::format("the curriculum of '{}' advances on validations, and none "
                                    "is asked for",
                                    s.name),
                        "add e.g. 'validate_every = 20'");
}

}  // namespace

std::vector<FieldDoc> train_field_docs() {
    return field_docs(train_fields());
}

void check_train(Context& c, const ast::Statement& s) {
    TrainDef t;
    t.name = s.name;
    t.span = s.span;
    const ast::Statement* net_stmt = c.reference(*s.head, ast::Statement::Kind::Network, "network");
    const ast::Statement* task_stmt = c.reference(*s.target, ast::Statement::Kind::Task, "task");
    if (!net_stmt || !task_stmt)
        return;
    const auto net = c.program.networks.find(net_stmt->name);
    const auto task = c.program.tasks.find(task_stmt->name);
    if (net == c.program.networks.end() || task == c.program.tasks.end())
        return;  // reported already
    t.network = net->first;
    t.task = task->first;
    network_fits_task(c, net->second, task->second, s.head->span);
    TrainBlock b{c,  t, task->second, {&net->second, &task->second, net->first, task->first},
                 {}, {}};
    std::set<std::string> given;
    for (const auto& f : s.body) {
        if (!given.insert(f.name).second) {
            c.diags.error(Code::GivenTwice, f.name_span,
                          fmt::format("'{}' is given twice", f.name));
            continue;
        }
        if (f.kind != ast::Field::Kind::Assign) {
            modifiers_outside_network(c, f, net->first);
            continue;
        }
        if (const Field* field = find_field(train_fields(), f.name))
            field->check(b, f);
        else
            c.diags.error(Code::UnknownParameter, f.name_span,
                          fmt::format("a train block has no field '{}'", f.name),
                          suggestion(f.name, field_names(train_fields())));
    }
    whole_block(b, s, net->second, given);
    c.program.trains.emplace(s.name, std::move(t));
}

}  // namespace rnn::interp::checker
