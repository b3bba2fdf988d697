#include "stdlib/task.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <variant>

namespace rnn::stdlib {

namespace {

// The name without its trailing digits ("stimulus2" -> "stimulus").
std::string_view stem(std::string_view name) {
    while (!name.empty() && std::isdigit(static_cast<unsigned char>(name.back())))
        name.remove_suffix(1);
    return name;
}

bool listed(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether `name` is one of `names`, or a numbered member of a family one of them names by
// its stem or its first member.
bool in_family(const std::vector<std::string>& names, std::string_view name) {
    if (listed(names, name))
        return true;
    const std::string_view base = stem(name);
    if (base == name)
        return false;
    return std::any_of(names.begin(), names.end(),
                       [&](const std::string& n) { return n == base || stem(n) == base; });
}

}  // namespace

std::vector<std::string> period_names(const TaskEntry& task) {
    std::vector<std::string> out;
    for (const auto& p : task.periods)
        out.push_back(p.name);
    return out;
}

bool has_period(const TaskEntry& task, std::string_view name) {
    const std::vector<std::string> names = period_names(task);
    const std::string_view base = stem(name);
    return listed(names, name) || (base != name && listed(names, base));
}

std::vector<std::string> label_names(const TaskEntry& task) {
    std::vector<std::string> out = {"condition"};
    for (const auto& v : task.variables)
        out.push_back(v.name);
    return out;
}

bool has_label(const TaskEntry& task, std::string_view name) {
    return in_family(label_names(task), name);
}

bool has_label_family(const TaskEntry& task, std::string_view name) {
    const std::vector<std::string> names = label_names(task);
    return in_family(names, name)
           || std::any_of(names.begin(), names.end(),
                          [&](const std::string& n) { return stem(n) != n && stem(n) == name; });
}

NumberDraw NumberDraw::from(const Params& p, const std::string& name) {
    NumberDraw d;
    if (const auto* list = std::get_if<std::vector<double>>(&p.get(name)))
        d.choices = *list;
    else
        d.range = p.draw(name);
    return d;
}

// No draw for a fixed number, so a fixed value leaves the rest of the trial's draws as
// they were.
double NumberDraw::draw(rt::RandomStream& s) const {
    if (!choices.empty())
        return choices[static_cast<std::size_t>(
            s.uniform_int(0, static_cast<std::int64_t>(choices.size()) - 1))];
    return range.high > range.low ? s.uniform(range.low, range.high) : range.low;
}

void set_fixed_sizes(TaskEntry& e, long inputs, long outputs, long steps) {
    e.input_size = [inputs](const Params&) {
        return inputs;
    };
    e.output_size = [outputs](const Params&) {
        return outputs;
    };
    e.trial_steps = [steps](const Params&) {
        return steps;
    };
}

void set_variable(TrialBatch& batch, std::string_view name, arma::uword trial, double value) {
    auto it = std::find_if(batch.variables.begin(), batch.variables.end(),
                           [&](const TrialVariable& v) { return v.name == name; });
    if (it == batch.variables.end()) {
        batch.variables.push_back(
            {std::string(name), std::vector<double>(batch.batch, arma::datum::nan)});
        it = batch.variables.end() - 1;
    }
    if (it->values.size() < batch.batch)
        it->values.resize(batch.batch, arma::datum::nan);
    it->values.at(trial) = value;
}

void set_category(TrialBatch& batch, std::string_view name, arma::uword trial, long value) {
    set_variable(batch, name, trial, static_cast<double>(value));
    for (auto& v : batch.variables)
        if (v.name == name)
            v.category = true;
}

std::map<std::string, std::vector<long>> variable_labels(const std::vector<TrialVariable>& vars) {
    std::map<std::string, std::vector<long>> out;
    for (const auto& v : vars) {
        std::vector<long>& label = out[v.name];
        label.assign(v.values.size(), -1L);
        if (v.category) {
            for (std::size_t b = 0; b < v.values.size(); ++b)
                if (v.values[b] >= 0.0)  // NaN and -1: none
                    label[b] = static_cast<long>(v.values[b]);
            continue;
        }
        std::vector<double> distinct;
        for (const double x : v.values)
            if (!std::isnan(x))
                distinct.push_back(x);
        std::sort(distinct.begin(), distinct.end());
        distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
        for (std::size_t b = 0; b < v.values.size(); ++b)
            if (!std::isnan(v.values[b]))
                label[b] = std::lower_bound(distinct.begin(), distinct.end(), v.values[b])
                           - distinct.begin();
    }
    return out;
}

const TrialVariable* find_variable(const TrialBatch& batch, std::string_view name) {
    for (const auto& v : batch.variables)
        if (v.name == name)
            return &v;
    return nullptr;
}

}  // namespace rnn::stdlib
