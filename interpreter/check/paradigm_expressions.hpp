// A paradigm's expressions, from the syntax tree into the nodes of a stdlib::ParadigmSpec,
// checked as they are compiled: names (variables drawn above, periods in `during`), units
// (a duration in steps or a plain number), widths (a list is as wide as its items), where a
// function may be used (draws only among the variables), and the bounds every trial's value
// stays within, from which the checker knows the longest trial, the number of classes and
// which variables are categories.
#pragma once

#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/context.hpp"
#include "stdlib/tasks/paradigm.hpp"

namespace rnn::interp::checker {

enum class TrialUnit { Number, Steps };

// The values an expression can take over every trial: [low, high], and whether it is always
// a whole number.
struct TrialBounds {
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();
    bool whole = false;

    bool finite() const { return std::isfinite(low) && std::isfinite(high); }
};

// Where an expression stands, which decides what it may use: draws only among the
// variables; `during` only in an input or the target.
enum class TrialPlace { Variable, Duration, Input, Target };

class ParadigmCompiler {
public:
    ParadigmCompiler(Context& c, stdlib::ParadigmSpec& spec, double dt_ms)
        : c_(c), spec_(spec), dt_ms_(dt_ms) {}

    // Every variable's name in the order declared (for "drawn below" and suggestions).
    void set_variable_names(std::vector<std::string> names) { variable_names_ = std::move(names); }

    void set_period_names(std::vector<std::string> names) { period_names_ = std::move(names); }

    // The variable `name` is node `node` from now on (declared in order).
    void declare_variable(const std::string& name, int node);

    // The variable `name` has errors (reported): a use of it says nothing more.
    void declare_failed(const std::string& name) { failed_.push_back(name); }

    // The node of `e`, or nothing after reporting what is wrong.
    std::optional<int> compile(const ast::Expr& e, TrialPlace place);

    // `during(PERIOD: value, ..., all: value)` (and a target's classes(...) / values(...),
    // the same arms): a During node. `noise` receives each arm's noise(sd) term per period
    // (inputs only; nullptr elsewhere).
    std::optional<int> arms(const ast::Expr& call, TrialPlace place, std::vector<int>* noise);

    // A node of constant value v (a sum's missing term, a default).
    int constant(double v);

    // The sum of value nodes (a channel's terms without its noise).
    int sum(const std::vector<int>& terms);

    TrialUnit unit(int node) const { return info_[static_cast<std::size_t>(node)].unit; }

    arma::uword width(int node) const { return spec_.nodes[static_cast<std::size_t>(node)].width; }

    const TrialBounds& bounds(int node) const {
        return info_[static_cast<std::size_t>(node)].bounds;
    }

private:
    struct Info {
        TrialUnit unit = TrialUnit::Number;
        TrialBounds bounds;
    };

    int add(stdlib::ParadigmNode node, Info info);
    std::optional<int> name(const ast::Expr& e, TrialPlace place);
    std::optional<int> number(const ast::Expr& e);
    std::optional<int> list(const ast::Expr& e, TrialPlace place);
    std::optional<int> unary(const ast::Expr& e, TrialPlace place);
    std::optional<int> binary(const ast::Expr& e, TrialPlace place);
    std::optional<int> call(const ast::Expr& e, TrialPlace place);
    std::optional<int> draw(const ast::Expr& e, TrialPlace place);
    std::optional<int> choice(const ast::Expr& e);
    std::optional<int> function(const ast::Expr& e, TrialPlace place);
    // The positional arguments of a call, compiled, when there are `count` of them.
    std::optional<std::vector<int>> arguments(const ast::Expr& e, std::size_t count,
                                              TrialPlace place, const char* form);
    bool same_unit(const ast::Expr& e, int a, int b, const char* what);
    std::optional<arma::uword> joint_width(const ast::Expr& e, int a, int b);

    Context& c_;
    stdlib::ParadigmSpec& spec_;
    double dt_ms_;
    std::vector<Info> info_;
    std::map<std::string, int> variables_;
    std::vector<std::string> variable_names_;
    std::vector<std::string> failed_;
    std::vector<std::string> period_names_;
};

// The names a paradigm's expressions may call, for suggestions and docs.
const std::vector<std::string>& paradigm_functions();

}  // namespace rnn::interp::checker
