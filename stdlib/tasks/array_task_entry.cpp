// The registered `arrays` entry: a task whose trials are given as .npy arrays. Its own
// entry is made by the checker (interpreter/check/array_task.cpp); this one documents the
// fields and never makes trials.
#include <stdexcept>
#include <string>
#include <utility>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

const TaskEntry& arrays_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.origin = TaskOrigin::Arrays;
        e.name = "arrays";
        e.doc =
            "A task whose trials are the user's own arrays (.npy files): inputs, targets, "
            "an optional mask and optional labels (docs/tasks.md, \"Tasks from your own "
            "arrays\").";
        e.reference = "the arrays the script names";
        using T = ParamType;
        const auto file = [](std::string name, std::string doc, bool optional) {
            ParamSpec p{std::move(name), T::File, std::nullopt,  std::nullopt,
                        std::nullopt,    "",      std::move(doc)};
            p.optional = optional;
            return p;
        };
        e.schema.params = {
            {"dt", T::Time, Value{20.0}, 1e-6, 1e6, "ms",
             "the length of one step of the arrays (time windows in ms convert through it)"},
            file("inputs",
                 ".npy file of trials x steps x channels numbers (float32, float64 or integers); "
                 "NaN or infinite values are refused",
                 false),
            file("targets",
                 ".npy file of trials x steps x outputs values (a regression: masked_mse), or "
                 "trials x steps of whole-number classes, -1 where a step has none (a choice: "
                 "cross_entropy)",
                 false),
            file("mask",
                 ".npy file of trials x steps of 0 or 1: the steps the mask `all` counts "
                 "(default: every step)",
                 true),
            file("labels",
                 "CSV file: a header row of names, then one row of numbers per trial; each "
                 "column is a trial variable (a category when all its values are whole and "
                 "not negative); an empty cell or NaN is none",
                 true),
            {"held_out", T::Real, Value{0.2}, 0.0, 1.0, "",
             "the fraction of trials held out for evaluation, drawn from the task's setup "
             "stream; training draws from the rest"},
        };
        e.make = [](const Params&, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            throw std::logic_error("an arrays task is made from its checked declaration");
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
