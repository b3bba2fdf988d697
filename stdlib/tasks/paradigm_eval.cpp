// Evaluating a paradigm's expressions for one trial: every node writes its value into its
// own slot of a scratch vector sized once per batch, so evaluating allocates nothing.
#include <cmath>
#include <stdexcept>

#include "stdlib/tasks/paradigm.hpp"

namespace rnn::stdlib {

namespace {

using Op = ParadigmOp;

double apply(Op op, double a, double b) {
    switch (op) {
        case Op::Add:
            return a + b;
        case Op::Subtract:
            return a - b;
        case Op::Multiply:
            return a * b;
        case Op::Divide:
            return a / b;
        case Op::Less:
            return a < b ? 1.0 : 0.0;
        case Op::LessEqual:
            return a <= b ? 1.0 : 0.0;
        case Op::Greater:
            return a > b ? 1.0 : 0.0;
        case Op::GreaterEqual:
            return a >= b ? 1.0 : 0.0;
        case Op::Equal:
            return a == b ? 1.0 : 0.0;
        case Op::NotEqual:
            return a != b ? 1.0 : 0.0;
        case Op::And:
            return a != 0.0 && b != 0.0 ? 1.0 : 0.0;
        case Op::Or:
            return a != 0.0 || b != 0.0 ? 1.0 : 0.0;
        case Op::Min:
            return std::min(a, b);
        case Op::Max:
            return std::max(a, b);
        case Op::Mod:
            return a - b * std::floor(a / b);
        default:
            throw std::logic_error("paradigm: not a binary operation");
    }
}

double apply(Op op, double a) {
    switch (op) {
        case Op::Negate:
            return -a;
        case Op::Not:
            return a == 0.0 ? 1.0 : 0.0;
        case Op::Abs:
            return std::abs(a);
        case Op::Sign:
            return a > 0.0 ? 1.0 : a < 0.0 ? -1.0 : 0.0;
        case Op::Floor:
            return std::floor(a);
        case Op::Round:
            return std::round(a);
        case Op::Exp:
            return std::exp(a);
        case Op::Log:
            return std::log(a);
        case Op::Sqrt:
            return std::sqrt(a);
        default:
            throw std::logic_error("paradigm: not a unary operation");
    }
}

bool is_binary(Op op) {
    switch (op) {
        case Op::Add:
        case Op::Subtract:
        case Op::Multiply:
        case Op::Divide:
        case Op::Less:
        case Op::LessEqual:
        case Op::Greater:
        case Op::GreaterEqual:
        case Op::Equal:
        case Op::NotEqual:
        case Op::And:
        case Op::Or:
        case Op::Min:
        case Op::Max:
        case Op::Mod:
            return true;
        default:
            return false;
    }
}

}  // namespace

ParadigmEvaluator::ParadigmEvaluator(const ParadigmSpec& spec)
    : spec_(spec), scratch_(spec.scratch, 0.0), variables_(spec.variables.size(), 0.0) {}

void ParadigmEvaluator::begin_trial(rt::RandomStream& s) {
    stream_ = &s;
    period_ = 0;
}

double ParadigmEvaluator::draw_variable(std::size_t v) {
    variables_[v] = *eval(spec_.variables[v].node);
    return variables_[v];
}

const double* ParadigmEvaluator::value(int n, std::size_t period) {
    period_ = period;
    return eval(n);
}

// Node n's value copied into `out`, w wide: a single number repeated (an `if` branch or a
// during arm narrower than its node).
const double* ParadigmEvaluator::widened(int n, double* out, arma::uword w) {
    const double* v = eval(n);
    const bool repeat = spec_.nodes[static_cast<std::size_t>(n)].width == 1;
    for (arma::uword i = 0; i < w; ++i)
        out[i] = repeat ? v[0] : v[i];
    return out;
}

const double* ParadigmEvaluator::eval(int n) {
    const ParadigmNode& node = spec_.nodes[static_cast<std::size_t>(n)];
    double* out = scratch_.data() + node.slot;
    const arma::uword w = node.width;
    switch (node.op) {
        case Op::Constant:
            for (arma::uword i = 0; i < w; ++i)
                out[i] = node.values.size() == 1 ? node.values[0] : node.values[i];
            return out;
        case Op::Variable:
            out[0] = variables_[static_cast<std::size_t>(node.index)];
            return out;
        case Op::List:
            for (arma::uword i = 0; i < w; ++i)
                out[i] = *eval(node.args[i]);
            return out;
        case Op::If: {
            const double condition = *eval(node.args[0]);
            return widened(node.args[condition != 0.0 ? 1 : 2], out, w);
        }
        case Op::During: {
            int arm = node.args[period_];
            if (arm < 0)
                arm = node.index;
            if (arm < 0) {
                std::fill(out, out + w, 0.0);
                return out;
            }
            return widened(arm, out, w);
        }
        case Op::OneHot: {
            const double k = *eval(node.args[0]);
            for (arma::uword i = 0; i < w; ++i)
                out[i] = k == static_cast<double>(i) ? 1.0 : 0.0;
            return out;
        }
        case Op::Uniform: {
            const double low = *eval(node.args[0]);
            const double high = *eval(node.args[1]);
            out[0] = high > low ? stream_->uniform(low, high) : low;
            return out;
        }
        case Op::Normal: {
            const double mean = *eval(node.args[0]);
            const double sd = *eval(node.args[1]);
            out[0] = mean + sd * stream_->normal();
            return out;
        }
        case Op::Choice:
            out[0] = node.values[static_cast<std::size_t>(
                stream_->uniform_int(0, static_cast<std::int64_t>(node.values.size()) - 1))];
            return out;
        case Op::Bernoulli: {
            const double p = *eval(node.args[0]);
            out[0] = stream_->uniform_double() < p ? 1.0 : 0.0;
            return out;
        }
        default:
            break;
    }
    if (is_binary(node.op)) {
        // Both operands first, in order, so their draws happen left to right.
        const double* a = eval(node.args[0]);
        const bool a1 = spec_.nodes[static_cast<std::size_t>(node.args[0])].width == 1;
        const double* b = eval(node.args[1]);
        const bool b1 = spec_.nodes[static_cast<std::size_t>(node.args[1])].width == 1;
        for (arma::uword i = 0; i < w; ++i)
            out[i] = apply(node.op, a1 ? a[0] : a[i], b1 ? b[0] : b[i]);
        return out;
    }
    const double* a = eval(node.args[0]);
    for (arma::uword i = 0; i < w; ++i)
        out[i] = apply(node.op, a[i]);
    return out;
}

}  // namespace rnn::stdlib
