// The registered `paradigm` entry: what `rnn doc` and `:help paradigm` say about a task
// written in the language. A paradigm's own entry (its periods, variables, channels,
// signals and metrics) is made by the checker from the script (stdlib/tasks/paradigm.hpp);
// this one only documents the fields, so it never makes trials.
#include <stdexcept>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

const TaskEntry& paradigm_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.origin = TaskOrigin::Paradigm;
        e.name = "paradigm";
        e.doc =
            "A task written in the language: trial variables drawn per trial, periods in "
            "order, named input channels and targets defined per period (docs/tasks.md, "
            "\"Writing your own task\").";
        e.reference = "the script that declares it";
        using T = ParamType;
        e.schema.params = {
            {"dt", T::Time, Value{20.0}, 1e-6, 1e6, "ms",
             "the length of one step; every duration in ms or s converts through it"},
            {"catch", T::Real, Value{0.0}, 0.0, 1.0, "",
             "fraction of catch trials: every step shows the first period's inputs and "
             "targets (fixate, no stimulus)"},
            {"grace", T::Steps, Value{0.0}, 0.0, 1e7, "steps",
             "steps at the start of the response period left out of the masks and metrics"},
            {"variables", T::Declaration, Value{0.0}, std::nullopt, std::nullopt, "",
             "{ NAME = EXPR ... }: what each trial draws, in order: uniform(a, b), normal(m, "
             "sd), choice([a, b, ...]) or choice(lo..hi), bernoulli(p), and expressions of "
             "the variables above (if, sign, abs, min, max, mod, ...)"},
            {"periods", T::Declaration, std::nullopt, std::nullopt, std::nullopt, "",
             "{ NAME = DURATION ... }: the periods of a trial in order; a duration is fixed "
             "(300 ms), jittered (400 ms +- 100 ms), a list ([100 ms, 200 ms]) or an "
             "expression of the variables"},
            {"inputs", T::Declaration, std::nullopt, std::nullopt, std::nullopt, "",
             "{ NAME = EXPR ... }: the input channels in order; EXPR is a value of the "
             "variables for the whole trial, or during(PERIOD: value, ..., all: value), plus "
             "noise(sd); a list makes a channel of several inputs"},
            {"target", T::Declaration, std::nullopt, std::nullopt, std::nullopt, "",
             "classes(PERIOD: class, ..., all: class) for a choice (0 = fixate, trained with "
             "cross_entropy), or values(PERIOD: value, ...) for a regression (masked_mse)"},
            {"response", T::Declaration, Value{0.0}, std::nullopt, std::nullopt, "",
             "the period whose steps (after the grace) are scored; default the last"},
            {"outputs", T::Integer, Value{0.0}, 0.0, 1e6, "",
             "the readout size: classes or values per step (0: from the target)"},
        };
        e.make = [](const Params&, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            throw std::logic_error("a paradigm is made from its checked declaration");
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
