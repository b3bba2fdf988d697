#include "interpreter/check/statements.hpp"

#include <fmt/format.h>

#include "interpreter/check/evaluate.hpp"
#include "interpreter/check/train.hpp"

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
        {"train", "train NAME = NETWORK on TASK { field = value ... }",
         "a trained instance of NETWORK on TASK", checker::train_field_docs(), ""},
        {"evaluate", "evaluate NAME = TRAIN on TASK { field = value ... }",
         "runs a trained (or altered) network on fresh trials of TASK and records the task's "
         "metrics and signals",
         checker::evaluate_field_docs(), ""},
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
