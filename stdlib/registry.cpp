#include "stdlib/registry.hpp"

#include <optional>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

// The lookup tables, made from the one list of entries (entry_list.hpp).
#define RNN_STDLIB_TASK_ADDRESS(NAME) &NAME##_entry(),
#define RNN_STDLIB_NETWORK_ADDRESS(NAME) &NAME##_network_entry(),
#define RNN_STDLIB_ANALYSIS_ADDRESS(NAME) &NAME##_entry(),
#define RNN_STDLIB_FIGURE_ADDRESS(NAME) &NAME##_figure_entry(),

const std::vector<const TaskEntry*>& tasks() {
    static const std::vector<const TaskEntry*> all = {RNN_STDLIB_TASKS(RNN_STDLIB_TASK_ADDRESS)};
    return all;
}

const std::vector<const NetworkEntry*>& networks() {
    static const std::vector<const NetworkEntry*> all = {
        RNN_STDLIB_NETWORKS(RNN_STDLIB_NETWORK_ADDRESS)};
    return all;
}

const std::vector<const AnalysisEntry*>& analyses() {
    static const std::vector<const AnalysisEntry*> all = {
        RNN_STDLIB_ANALYSES(RNN_STDLIB_ANALYSIS_ADDRESS)};
    return all;
}

const std::vector<const FigureEntry*>& figures() {
    static const std::vector<const FigureEntry*> all = {
        RNN_STDLIB_FIGURES(RNN_STDLIB_FIGURE_ADDRESS)};
    return all;
}

#undef RNN_STDLIB_TASK_ADDRESS
#undef RNN_STDLIB_NETWORK_ADDRESS
#undef RNN_STDLIB_ANALYSIS_ADDRESS
#undef RNN_STDLIB_FIGURE_ADDRESS

namespace {
template <typename Entry>
const Entry* find_in(const std::vector<const Entry*>& all, std::string_view name) {
    for (const auto* e : all)
        if (e->name == name)
            return e;
    return nullptr;
}

// With `values`, the column says each parameter's value there instead of its default.
std::string schema_table(const Schema& schema, const Params* values = nullptr) {
    if (schema.params.empty())
        return "No parameters.\n";
    std::string out = fmt::format(
        "| parameter | type | {} | range | unit | meaning |\n| --- | --- | --- | --- | --- | "
        "--- |\n",
        values ? "value" : "default");
    for (const auto& p : schema.params) {
        std::string range;
        if (p.min || p.max)
            range = fmt::format("{} .. {}", p.min ? fmt::format("{}", *p.min) : "",
                                p.max ? fmt::format("{}", *p.max) : "");
        if (!p.choices.empty()) {
            for (std::size_t i = 0; i < p.choices.size(); ++i)
                range += (i ? ", " : "") + p.choices[i];
        }
        std::string def = values && values->has(p.name) ? format_value(values->get(p.name))
                          : p.default_value             ? format_value(*p.default_value)
                          : p.optional                  ? "none"
                                                        : "required";
        if (def.empty())
            def = "\"\"";
        std::string type(p.ref != TaskRef::None ? task_ref_name(p.ref) : param_type_name(p.type));
        for (const auto& word : p.literals)
            type += fmt::format(" or \"{}\"", word);
        out += fmt::format("| `{}` | {} | `{}` | {} | {} | {} |\n", p.name, type, def, range,
                           p.unit, p.doc);
    }
    return out;
}

std::string arg_list(const std::vector<ArgSpec>& args) {
    std::string out;
    for (const auto& a : args)
        out += fmt::format("- `{}`{} ({}): {}\n", a.name, a.variadic ? ", ..." : "",
                           arg_kind_name(a.kind), a.doc);
    return out;
}

std::string call_form(const std::string& name, const std::vector<ArgSpec>& args) {
    std::string out = name + "(";
    for (std::size_t i = 0; i < args.size(); ++i)
        out += (i ? ", " : "") + args[i].name + (args[i].variadic ? ", ..." : "");
    return out + ")";
}
}  // namespace

const TaskEntry* find_task(std::string_view name) {
    return find_in(tasks(), name);
}

const NetworkEntry* find_network(std::string_view name) {
    return find_in(networks(), name);
}

const AnalysisEntry* find_analysis(std::string_view name) {
    return find_in(analyses(), name);
}

const FigureEntry* find_figure(std::string_view name) {
    return find_in(figures(), name);
}

namespace {
// "Masks: `a` (doc); `b` (doc).\n\n", or nothing when there are none.
std::string named_docs(std::string_view heading, const std::vector<NamedDoc>& items) {
    if (items.empty())
        return "";
    std::string out = fmt::format("{}: ", heading);
    for (std::size_t i = 0; i < items.size(); ++i)
        out += fmt::format("{}`{}` ({})", i ? "; " : "", items[i].name, items[i].doc);
    return out + ".\n\n";
}

// The rows of the input a task names (a paradigm's channels), numbered from 1 as the
// trial figure draws them; nothing for a task that does not name them.
std::string input_rows(const std::vector<std::string>& names) {
    if (names.empty())
        return "";
    std::string out = "Input rows: ";
    for (std::size_t i = 0; i < names.size(); ++i)
        out += fmt::format("{}{} `{}`", i ? "; " : "", i + 1, names[i]);
    return out + ".\n\n";
}
}  // namespace

std::string task_section(const TaskEntry& t, const Params* values) {
    std::string out = fmt::format("### `{}`\n\n{}\n\nSource: {}.\n\n", t.name, t.doc, t.reference);
    out += schema_table(t.schema, values) + "\n";
    out += input_rows(t.input_names);
    out += "Signals: ";
    for (std::size_t i = 0; i < t.signals.size(); ++i)
        out += fmt::format("{}`{}` ({})", i ? "; " : "", t.signals[i].name, t.signals[i].doc);
    out += ".\n\nPeriods: ";
    for (std::size_t i = 0; i < t.periods.size(); ++i)
        out += fmt::format("{}`{}` ({})", i ? "; " : "", t.periods[i].name, t.periods[i].doc);
    out += ".\n\nMetrics: ";
    for (std::size_t i = 0; i < t.metrics.size(); ++i)
        out += fmt::format("{}`{}` ({})", i ? "; " : "", t.metrics[i].name, t.metrics[i].doc);
    out += ".\n\n" + named_docs("Masks (mask.npy's channels, in this order)", t.masks);
    out += "Schedules: ";
    for (std::size_t i = 0; i < t.schedules.size(); ++i)
        out += fmt::format("{}`{}`{} ({})", i ? "; " : "", t.schedules[i].name,
                           i == 0 ? " (default)" : "", t.schedules[i].doc);
    out += ".\n\nMatrices: ";
    for (std::size_t i = 0; i < t.matrices.size(); ++i)
        out += fmt::format("{}`{}` ({})", i ? "; " : "", t.matrices[i].name, t.matrices[i].doc);
    out += ".\n\nTrial variables (labels too; docs/tasks.md): ";
    for (std::size_t i = 0; i < t.variables.size(); ++i)
        out += fmt::format("{}`{}` ({}{})", i ? "; " : "", t.variables[i].name,
                           t.variables[i].unit.empty() ? "" : t.variables[i].unit + ": ",
                           t.variables[i].doc);
    return out + ".\n\n";
}

namespace {
std::string network_section(const NetworkEntry& n) {
    std::string out = fmt::format("### `{}`\n\n{}\n\n    {}\n\n", n.name, n.doc, n.equation);
    out += schema_table(n.schema) + "\nTensors:\n\n";
    for (const auto& t : n.tensors)
        out +=
            fmt::format("- `{}` ({}), default `{}`: {}\n", t.name, t.shape, t.default_init, t.doc);
    return out + "\n";
}

std::string analysis_section(const AnalysisEntry& a) {
    std::string out = fmt::format("### `{}`\n\n{}\n\nArguments:\n\n{}\n", call_form(a.name, a.args),
                                  a.doc, arg_list(a.args));
    out += "Options:\n\n" + schema_table(a.schema) + "\nResults:\n\n";
    for (const auto& o : a.outputs)
        out += fmt::format("- `{}`: {}\n", o.name, o.doc);
    return out + "\n";
}

std::string figure_section(const FigureEntry& f) {
    std::string out = fmt::format("### `{}`\n\n{}\n\nArguments:\n\n{}\n", call_form(f.name, f.args),
                                  f.doc, arg_list(f.args));
    return out + "Options:\n\n" + schema_table(f.schema) + "\n";
}
}  // namespace

std::string reference_markdown() {
    std::string out =
        "# Standard library reference\n\n"
        "Generated by `rnn doc` from the parameter schemas in `stdlib/`; do not edit by hand.\n\n";
    out += "## Tasks\n\n";
    for (const auto* t : tasks())
        out += task_section(*t);
    out += "## Networks\n\n";
    for (const auto* n : networks())
        out += network_section(*n);
    out += "## Analyses\n\n";
    for (const auto* a : analyses())
        out += analysis_section(*a);
    out += "## Figures\n\n";
    for (const auto* f : figures())
        out += figure_section(*f);
    return out;
}

std::optional<std::string> entry_reference(std::string_view name) {
    if (const auto* t = find_task(name))
        return task_section(*t);
    if (const auto* n = find_network(name))
        return network_section(*n);
    if (const auto* a = find_analysis(name))
        return analysis_section(*a);
    if (const auto* f = find_figure(name))
        return figure_section(*f);
    return std::nullopt;
}

std::vector<std::string> completion_words() {
    std::vector<std::string> out;
    auto schema = [&](const Schema& s) {
        for (const auto& p : s.params)
            out.push_back(p.name);
    };
    for (const auto* t : tasks()) {
        out.push_back(t->name);
        schema(t->schema);
        for (const auto& s : t->signals)
            out.push_back(s.name);
        for (const auto& p : t->periods)
            out.push_back(p.name);
    }
    for (const auto* n : networks()) {
        out.push_back(n->name);
        schema(n->schema);
        for (const auto& t : n->tensors)
            out.push_back(t.name);
    }
    for (const auto* a : analyses()) {
        out.push_back(a->name);
        schema(a->schema);
    }
    for (const auto* f : figures()) {
        out.push_back(f->name);
        schema(f->schema);
    }
    return out;
}

}  // namespace rnn::stdlib
