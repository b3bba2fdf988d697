// `task NAME = arrays { inputs = "x.npy", targets = "y.npy", ... }`: trials from the user's
// own arrays (stdlib/tasks/array_task.hpp). The fields are checked against the `arrays`
// entry's schema (a variant's over its base's values); then the arrays' headers and the
// labels file are read, their shapes checked against each other, and the task's own entry
// made from what they say. The arrays' values are read when the task is made, except
// class targets, whose largest class sets the readout's size.
#include "stdlib/tasks/array_task.hpp"

#include <cmath>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "interpreter/check/declared_task.hpp"
#include "interpreter/check/files.hpp"
#include "interpreter/check/value.hpp"
#include "runtime/files.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::interp::checker {

namespace {

std::string shape_text(const std::vector<std::size_t>& shape) {
    return fmt::format("{}", fmt::join(shape, " x "));
}

// Reading one task's files, with each problem located at the field that names the file
// (or the task's name when a base names it).
struct ArrayFiles {
    Context& c;
    const ast::Statement& s;
    const std::vector<const ast::Field*> fields;  // each name's last
    const stdlib::Params& params;

    const ast::Span& where(const std::string& name) const {
        for (const ast::Field* f : fields)
            if (f->name == name && f->value != nullptr)
                return f->value->span;
        return s.name_span;
    }

    // The file as the script names it (its base's path, resolved, when a base names it).
    std::string written(const std::string& name) const {
        for (const ast::Field* f : fields)
            if (f->name == name && f->value != nullptr && f->value->kind == ast::Expr::Kind::String)
                return f->value->text;
        return params.text(name);
    }

    // The bytes of the file a File field names (the checker read it once to hash it).
    std::optional<std::string> bytes(const std::string& name) const {
        std::string why;
        auto out = rt::read_file(params.text(name), why, rt::kMaxDataFileBytes);
        if (!out)
            c.diags.error(Code::DataFile, where(name),
                          fmt::format("cannot read the {} file: {}", name, why));
        return out;
    }

    // The header of the .npy file `name`, which must have `dims` dimensions (2 or 3; 0:
    // either).
    std::optional<rt::NpyHeader> header(const std::string& name, const std::string& bytes,
                                        std::size_t dims, const char* layout) const {
        try {
            rt::NpyHeader h = rt::parse_npy_header(bytes, written(name));
            if (dims == 0 ? h.shape.size() == 2 || h.shape.size() == 3 : h.shape.size() == dims)
                return h;
            c.diags.error(Code::ArrayTaskShape, where(name),
                          fmt::format("the {} array is {} ({}-D), not {}", name,
                                      shape_text(h.shape), h.shape.size(), layout),
                          "save it with numpy in that shape, e.g. np.save(path, array)");
        } catch (const std::exception& ex) {
            c.diags.error(Code::ArrayTaskFile, where(name), ex.what(),
                          "save it with numpy.save: a .npy file of numbers (float32, float64, "
                          "integers or bool)");
        }
        return std::nullopt;
    }

    // A second array's trials and steps must be the inputs'.
    bool agrees(const std::string& name, const rt::NpyHeader& h,
                const rt::NpyHeader& inputs) const {
        if (h.shape[0] == inputs.shape[0] && h.shape[1] == inputs.shape[1])
            return true;
        c.diags.error(Code::ArrayTaskShape, where(name),
                      fmt::format("the {} array is {}, but the inputs are {}: both need the "
                                  "same trials x steps ({} x {})",
                                  name, shape_text(h.shape), shape_text(inputs.shape),
                                  inputs.shape[0], inputs.shape[1]));
        return false;
    }

    // Class targets: whole numbers from -1; the readout needs the largest + 1 outputs.
    std::optional<arma::uword> classes(const std::string& bytes, const rt::NpyHeader& h) const {
        const std::vector<float> values = rt::npy_values(bytes, h);
        float largest = -1.0F;
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float v = values[i];
            if (!(v == std::floor(v) && v >= -1.0F && v < 1e6F)) {
                const std::size_t steps = h.shape[1];
                c.diags.error(Code::ArrayTaskClasses, where("targets"),
                              fmt::format("the targets are trials x steps, so classes, but trial "
                                          "{} step {} holds {}",
                                          i / steps, i % steps, v),
                              "classes are whole numbers 0, 1, ... (-1: no target at that "
                              "step); for values, save the targets as trials x steps x outputs "
                              "(targets[..., None] for one output)");
                return std::nullopt;
            }
            largest = std::max(largest, v);
        }
        if (largest < 0.0F) {
            c.diags.error(Code::ArrayTaskClasses, where("targets"),
                          "every target is -1: no step has a class to learn");
            return std::nullopt;
        }
        return static_cast<arma::uword>(largest) + 1;
    }

    std::optional<std::vector<stdlib::TrialVariable>> labels(std::size_t trials) const {
        const auto text = bytes("labels");
        if (!text)
            return std::nullopt;
        std::vector<stdlib::TrialVariable> out;
        try {
            out = stdlib::parse_label_columns(*text, trials);
        } catch (const std::exception& ex) {
            c.diags.error(Code::ArrayTaskLabels, where("labels"),
                          fmt::format("the labels file: {}", ex.what()),
                          "write a header row of names, then one row of numbers per trial, "
                          "e.g. `coherence,side` then `0.2,1`");
            return std::nullopt;
        }
        const std::size_t rows = out.empty() ? 0 : out.front().values.size();
        if (rows != trials) {
            c.diags.error(Code::ArrayTaskShape, where("labels"),
                          fmt::format("the labels file has {} rows of trials, but the arrays "
                                      "have {} trials",
                                      rows, trials),
                          "write one row per trial, in the arrays' order, after the header");
            return std::nullopt;
        }
        return out;
    }
};

// What the arrays say: the shape of the task, or nothing after an error.
std::optional<stdlib::ArrayTaskShape> array_shape(const ArrayFiles& files) {
    const auto in_bytes = files.bytes("inputs"), target_bytes = files.bytes("targets");
    if (!in_bytes || !target_bytes)
        return std::nullopt;
    const auto inputs = files.header("inputs", *in_bytes, 3, "trials x steps x channels");
    const auto targets = files.header("targets", *target_bytes, 0,
                                      "trials x steps x outputs, or trials x steps of classes");
    if (!inputs || !targets || !files.agrees("targets", *targets, *inputs))
        return std::nullopt;
    stdlib::ArrayTaskShape shape;
    shape.trials = inputs->shape[0];
    shape.steps = inputs->shape[1];
    shape.inputs = inputs->shape[2];
    if (shape.trials == 0 || shape.steps == 0 || shape.inputs == 0) {
        files.c.diags.error(Code::ArrayTaskShape, files.where("inputs"),
                            fmt::format("the inputs array is {}: it needs at least one trial, "
                                        "step and channel",
                                        shape_text(inputs->shape)));
        return std::nullopt;
    }
    shape.classes = targets->shape.size() == 2;
    if (shape.classes) {
        const auto n = files.classes(*target_bytes, *targets);
        if (!n)
            return std::nullopt;
        shape.outputs = *n;
    } else {
        shape.outputs = targets->shape[2];
        if (shape.outputs == 0) {
            files.c.diags.error(Code::ArrayTaskShape, files.where("targets"),
                                "the targets array has no outputs (its last size is 0)");
            return std::nullopt;
        }
    }
    if (files.params.has("mask")) {
        const auto bytes = files.bytes("mask");
        if (!bytes)
            return std::nullopt;
        const auto mask = files.header("mask", *bytes, 2, "trials x steps");
        if (!mask || !files.agrees("mask", *mask, *inputs))
            return std::nullopt;
    }
    if (files.params.has("labels")) {
        auto labels = files.labels(shape.trials);
        if (!labels)
            return std::nullopt;
        shape.labels = std::move(*labels);
    }
    return shape;
}

}  // namespace

void check_array_task(Context& c, const ast::Statement& s,
                      const std::vector<const ast::Field*>& fields, TaskDef& t) {
    const stdlib::TaskEntry& kind = stdlib::arrays_entry();
    // A variant starts from its base's checked values (their files were read and hashed
    // there); its own fields replace them.
    stdlib::Params base;
    const TaskDef* parent = nullptr;
    if (s.head->text != kind.name)
        if (const auto p = c.program.tasks.find(s.head->text); p != c.program.tasks.end()) {
            parent = &p->second;
            base = parent->params;
        }
    const std::size_t errors = c.diags.error_count();
    t.params = checker::fields(c, s.body, kind.schema, fmt::format("task '{}'", kind.name),
                               std::move(base), s.name_span);
    if (c.diags.error_count() != errors)
        return;
    const ArrayFiles files{c, s, last_of_each(fields), t.params};
    auto shape = array_shape(files);
    if (!shape)
        return;
    const double fraction = t.params.real("held_out");
    const arma::uword held = stdlib::held_out_trials(shape->trials, fraction);
    if (held == 0 || held >= shape->trials) {
        c.diags.error(Code::ArrayTaskSplit, files.where("held_out"),
                      fmt::format("held_out = {} holds out {} of the {} trials, leaving {} "
                                  "to evaluate and {} to train",
                                  fraction, held, shape->trials, held,
                                  shape->trials - std::min(held, shape->trials)),
                      shape->trials < 2
                          ? std::string("the arrays need at least 2 trials")
                          : fmt::format("choose a fraction between {:.3g} and {:.3g}",
                                        1.0 / static_cast<double>(shape->trials),
                                        1.0 - 1.0 / static_cast<double>(shape->trials)));
        return;
    }
    shape->doc = fmt::format("trials from {} ({} trials x {} steps x {} inputs; {})",
                             std::filesystem::path(t.params.text("inputs")).filename().string(),
                             shape->trials, shape->steps, shape->inputs,
                             shape->classes ? fmt::format("{} classes", shape->outputs)
                                            : fmt::format("{} outputs", shape->outputs));
    t.files_key = files_key(c, kind.schema, t.params);
    t.definition_key = "arrays";
    // A variant of the same files is a task of its base's kind (its entry reads the split
    // from the parameters): a training on one evaluates on the other.
    const auto same_files = [&] {
        for (const char* f : {"inputs", "targets", "mask", "labels"})
            if (t.params.has(f) != parent->params.has(f)
                || (t.params.has(f) && t.params.text(f) != parent->params.text(f)))
                return false;
        return true;
    };
    t.own_entry = parent != nullptr && parent->own_entry != nullptr && same_files()
                      ? parent->own_entry
                      : stdlib::make_array_task_entry(s.name, std::move(*shape));
}

}  // namespace rnn::interp::checker
