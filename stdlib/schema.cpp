#include "stdlib/schema.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace rnn::stdlib {

std::string_view param_type_name(ParamType t) {
    switch (t) {
        case ParamType::Integer:
            return "integer";
        case ParamType::Real:
            return "number";
        case ParamType::Steps:
            return "duration";
        case ParamType::Time:
            return "time";
        case ParamType::Bool:
            return "boolean";
        case ParamType::String:
            return "string";
        case ParamType::Choice:
            return "name";
        case ParamType::Draw:
            return "number, uniform(low, high) or a list of numbers";
        case ParamType::JitteredSteps:
            return "duration, duration +- duration, or a list of durations";
        case ParamType::IntegerList:
            return "list of whole numbers";
        case ParamType::StringList:
            return "list of strings";
        case ParamType::File:
            return "file name";
        case ParamType::LoopVariable:
            return "loop variable";
        case ParamType::HistoryColumn:
            return "history column";
        case ParamType::Declaration:
            return "block of declarations";
    }
    return "?";
}

std::string_view task_ref_name(TaskRef r) {
    switch (r) {
        case TaskRef::None:
            return "";
        case TaskRef::TimePoint:
            return "time point";
        case TaskRef::Period:
            return "period";
        case TaskRef::WindowFrom:
        case TaskRef::WindowTo:
            return "duration";
        case TaskRef::TrialLabel:
            return "trial label";
        case TaskRef::LabelFamily:
            return "trial label or family";
        case TaskRef::Variable:
            return "trial variable";
        case TaskRef::Metric:
            return "metric";
    }
    return "?";
}

const ParamSpec* Schema::find(std::string_view name) const {
    for (const auto& p : params)
        if (p.name == name)
            return &p;
    return nullptr;
}

std::vector<std::string> Schema::names() const {
    std::vector<std::string> out;
    for (const auto& p : params)
        out.push_back(p.name);
    return out;
}

const Value& Params::get(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end())
        throw std::logic_error("parameter '" + name + "' was not resolved");
    return it->second;
}

double Params::real(const std::string& name) const {
    const auto* v = std::get_if<double>(&get(name));
    if (v == nullptr)
        throw std::logic_error("parameter '" + name + "' is not a number");
    return *v;
}

long Params::integer(const std::string& name) const {
    return std::lround(real(name));
}

bool Params::flag(const std::string& name) const {
    const auto* v = std::get_if<bool>(&get(name));
    if (v == nullptr)
        throw std::logic_error("parameter '" + name + "' is not a boolean");
    return *v;
}

const std::string& Params::text(const std::string& name) const {
    const auto* v = std::get_if<std::string>(&get(name));
    if (v == nullptr)
        throw std::logic_error("parameter '" + name + "' is not a string");
    return *v;
}

UniformDraw Params::draw(const std::string& name) const {
    const Value& v = get(name);
    if (const auto* d = std::get_if<UniformDraw>(&v))
        return *d;
    if (const auto* x = std::get_if<double>(&v))
        return {*x, *x};
    throw std::logic_error("parameter '" + name + "' is not a draw");
}

std::vector<long> Params::integers(const std::string& name) const {
    const auto* v = std::get_if<std::vector<double>>(&get(name));
    if (v == nullptr)
        throw std::logic_error("parameter '" + name + "' is not a list");
    std::vector<long> out;
    for (const double x : *v)
        out.push_back(std::lround(x));
    return out;
}

const std::vector<std::string>& Params::texts(const std::string& name) const {
    const auto* v = std::get_if<std::vector<std::string>>(&get(name));
    if (v == nullptr)
        throw std::logic_error("parameter '" + name + "' is not a list of strings");
    return *v;
}

Params with_defaults(const Schema& schema, Params given) {
    for (const auto& p : schema.params)
        if (!given.has(p.name) && p.default_value)
            given.set(p.name, *p.default_value);
    return given;
}

std::string format_value(const Value& v) {
    struct Visitor {
        std::string operator()(double x) const { return fmt::format("{}", x); }

        std::string operator()(bool b) const { return b ? "true" : "false"; }

        std::string operator()(const std::string& s) const { return s; }

        std::string operator()(const UniformDraw& d) const {
            return fmt::format("uniform({}, {})", d.low, d.high);
        }

        std::string operator()(const std::vector<double>& list) const {
            return fmt::format("[{}]", fmt::join(list, ", "));
        }

        // Quoted as the .rnn source writes them, so that node keys tell ["a, b"] from
        // ["a", "b"].
        std::string operator()(const std::vector<std::string>& list) const {
            std::string out = "[";
            for (std::size_t i = 0; i < list.size(); ++i) {
                out += i ? ", \"" : "\"";
                for (const char c : list[i])
                    out += c == '"' || c == '\\' ? std::string{'\\', c} : std::string{c};
                out += "\"";
            }
            return out + "]";
        }
    };

    return std::visit(Visitor{}, v);
}

}  // namespace rnn::stdlib
