#include "interpreter/statements.hpp"

#include <fmt/format.h>

namespace rnn::interp {

const std::vector<StatementDoc>& statements() {
    static const std::vector<StatementDoc> table = {
        {"seed",
         "seed 42",
         "the script seed (default 0), root of every random stream; a train's `seed` field "
         "replaces it for that instance",
         {},
         ""},
        {"output",
         "output \"runs/name\"",
         "the run directory, relative to the working directory; `rnn run --out DIR` overrides "
         "it, and without either it is runs/STEM",
         {},
         ""},
        {"include",
         "include \"common.rnn\"",
         "the statements of another file, spliced in place; the path is relative to the "
         "including file; only at the top level",
         {},
         ""},
        {"task",
         "task NAME = ENTRY { field = value ... }",
         "a task: ENTRY is a stdlib task (memory_recall, integration_memory, sequence_wm, ...) "
         "or another task, of which NAME is then a variant",
         {},
         "the entry's parameters: `:help ENTRY` (e.g. `:help memory_recall`)"},
        {"network",
         "network NAME = KIND { field = value ...  TENSOR : modifier, ... }",
         "a network recipe: KIND is rnn, gru, lstm, ctrnn, plastic or another network; tensor "
         "lines give constraints and initialisers (symmetric, dale, mask, no_self, fixed, "
         "trainable, init ..., seed, stream)",
         {},
         "the kind's parameters and tensors: `:help KIND` (e.g. `:help ctrnn`)"},
        {"train",
         "train NAME = NETWORK on TASK { field = value ... }",
         "a trained instance of NETWORK on TASK",
         {{"loss", "the objective, an expression of the task's signals (required)"},
          {"optimizer",
           "adam { lr, beta1, beta2, eps, weight_decay }, adamw { ... } or "
           "sgd { lr, momentum, dampening, nesterov, weight_decay }"},
          {"updater",
           "bptt (default), bptt(truncate: N), backprop (per step, state "
           "detached) or dfa"},
          {"epochs", "how many epochs"},
          {"batch", "trials per optimizer step (default 1)"},
          {"batches", "optimizer steps per epoch (default 1)"},
          {"schedule", "together (default), alternate, or curriculum { ... }"},
          {"validate_every", "validate every N epochs on fresh trials (default 0: never)"},
          {"validate_trials", "trials per validation (default: batch)"},
          {"stop_when", "early stop, e.g. all(reaction >= 0.99, retention >= 0.99, for: 20)"},
          {"seed", "replaces the script seed for this instance"},
          {"clip_norm",
           "scale the gradients' joint L2 norm down to at most this (default 0: "
           "off)"},
          {"on_nan",
           "stop (default: an error) or end_epoch (skip that step and the rest of the "
           "epoch, as seed 002 does)"}},
         ""},
        {"evaluate",
         "evaluate NAME = TRAIN on TASK { field = value ... }",
         "runs a trained (or altered) network on fresh trials of TASK and records the task's "
         "metrics and signals",
         {{"trials",
           "how many trials (default: one per pattern or list element, else the "
           "train's batch)"},
          {"clamp", "input(channel, value, during: PERIOD): hold an input channel"},
          {"perturb", "state(size, at: N steps): add size * N(0, 1) to the state after step N"},
          {"start", "every unit of every trial starts at this state instead of h0"}},
         ""},
        {"analyze",
         "analyze NAME = ENTRY(args..., option: value)",
         "a stdlib analysis of trainings, evaluations, tensors, earlier analyses or a sweep's "
         "results",
         {},
         "the entry's arguments and options: `:help ENTRY` (e.g. `:help pca`)"},
        {"alter",
         "alter NAME = TRAIN { lesion = [...]  TENSOR : scale X, set [r, c, v] }",
         "the trained network of TRAIN (a training or another alter) with units lesioned and "
         "weights changed; usable wherever a training is",
         {{"lesion", "units to silence, counted from 0 (ranges include both ends)"}},
         "and tensor lines: `TENSOR : scale X` or `set [row, column, value]`, in order"},
        {"plot",
         "plot ENTRY(args..., option: value) to \"file.png\"",
         "a stdlib figure, drawn by gnuplot into the run directory (.svg for SVG)",
         {},
         "the entry's arguments and options: `:help ENTRY` (e.g. `:help history`)"},
        {"for",
         "for NAME in RANGE_OR_LIST { statements }",
         "a sweep: the statements once per value, their names indexed (fit[s]); several "
         "variables give the product, and sweeps nest",
         {},
         ""},
    };
    return table;
}

const StatementDoc* statement(const std::string& keyword) {
    for (const auto& s : statements())
        if (s.keyword == keyword)
            return &s;
    return nullptr;
}

std::vector<std::string> field_names(const std::string& keyword) {
    std::vector<std::string> out;
    if (const StatementDoc* s = statement(keyword))
        for (const auto& f : s->fields)
            out.push_back(f.name);
    return out;
}

std::string statement_reference(const StatementDoc& s) {
    std::string out = fmt::format("### `{}`\n\n`{}`\n\n{}.\n", s.keyword, s.syntax, s.doc);
    if (!s.fields.empty()) {
        out += "\nFields:\n\n";
        for (const auto& f : s.fields)
            out += fmt::format("- `{}`: {}\n", f.name, f.doc);
    }
    if (!s.fields_note.empty())
        out += fmt::format("\n{}{}.\n", s.fields.empty() ? "Fields: " : "", s.fields_note);
    return out + "\nMore: docs/language.md.\n";
}

}  // namespace rnn::interp
