#include "interpreter/check/tensor_lines.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/files.hpp"
#include "interpreter/check/network.hpp"
#include "runtime/cell_traits.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// An initialiser with its arguments, or nothing after an error; `text` gets it as written.
std::optional<rt::Initializer> initializer(Context& c, const Expr& e, std::string& text) {
    text = e.kind == K::Call ? e.text : dotted(e);
    // name -> (kind, whether it takes a gain); the others take positional numbers.
    static const std::map<std::string, rt::InitKind> gained = {
        {"xavier_uniform", rt::InitKind::XavierUniform},
        {"xavier_normal", rt::InitKind::XavierNormal},
        {"orthogonal", rt::InitKind::Orthogonal},
        {"identity", rt::InitKind::Identity}};
    const std::vector<std::string> known = {
        "normal",        "uniform",    "zeros",    "constant",       "xavier_uniform",
        "xavier_normal", "orthogonal", "identity", "fan_in_uniform", "bernoulli"};
    if (e.kind == K::Name && (e.text == "zeros" || e.text == "fan_in_uniform"))
        return rt::Initializer{e.text == "zeros" ? rt::InitKind::Zeros : rt::InitKind::FanInUniform,
                               0, 0};
    if (e.kind == K::Name && gained.count(e.text))
        return rt::Initializer{gained.at(e.text), 1.0, 0};
    if (e.kind != K::Call) {
        c.diags.error(
            Code::BadInitializer, e.span,
            fmt::format("expected an initialiser such as normal(0.1), found {}", kind_words(e)),
            suggestion(e.kind == K::Name ? e.text : "", known));
        return std::nullopt;
    }
    const bool takes_gain = gained.count(e.text) != 0;
    std::vector<double> args;
    for (std::size_t i = 0; i < e.items.size(); ++i) {
        if (!e.arg_names[i].empty() && !(takes_gain && e.arg_names[i] == "gain")) {
            c.diags.error(
                Code::InitializerArguments, e.items[i]->span,
                takes_gain
                    ? fmt::format("{}() takes only 'gain'", e.text)
                    : fmt::format("{}() takes its arguments by position, not by name", e.text));
            return std::nullopt;
        }
        const auto v = constant_number(*e.items[i]);
        if (!v) {
            c.diags.error(Code::InitializerArguments, e.items[i]->span,
                          "initialiser arguments must be numbers");
            return std::nullopt;
        }
        args.push_back(*v);
    }
    auto arity = [&](std::size_t n) {
        if (args.size() == n)
            return true;
        c.diags.error(Code::InitializerArguments, e.span,
                      fmt::format("{}() takes {} argument{}", e.text, n, n == 1 ? "" : "s"));
        return false;
    };
    if (takes_gain) {
        if (args.size() > 1) {
            c.diags.error(
                Code::InitializerArguments, e.span,
                fmt::format("{}() takes at most a gain, e.g. {}(gain: 0.9)", e.text, e.text));
            return std::nullopt;
        }
        return rt::Initializer{gained.at(e.text), args.empty() ? 1.0 : args[0], 0};
    }
    if (e.text == "normal") {
        if (!arity(1))
            return std::nullopt;
        if (args[0] < 0) {
            c.diags.error(Code::NegativeDeviation, e.items[0]->span,
                          "the standard deviation must not be negative");
            return std::nullopt;
        }
        return rt::Initializer{rt::InitKind::Normal, args[0], 0};
    }
    if (e.text == "uniform") {
        if (!arity(2))
            return std::nullopt;
        if (!(args[0] < args[1])) {
            c.diags.error(Code::EmptyInterval, e.span, "uniform(low, high) needs low < high");
            return std::nullopt;
        }
        return rt::Initializer{rt::InitKind::Uniform, args[0], args[1]};
    }
    if (e.text == "zeros" || e.text == "fan_in_uniform") {
        if (!arity(0))
            return std::nullopt;
        return rt::Initializer{e.text == "zeros" ? rt::InitKind::Zeros : rt::InitKind::FanInUniform,
                               0, 0};
    }
    if (e.text == "constant") {
        if (!arity(1))
            return std::nullopt;
        return rt::Initializer{rt::InitKind::Constant, args[0], 0};
    }
    if (e.text == "bernoulli") {
        if (!arity(1))
            return std::nullopt;
        if (args[0] < 0 || args[0] > 1) {
            c.diags.error(Code::InitializerArguments, e.items[0]->span,
                          "bernoulli(p) draws 1 with probability p: p is between 0 and 1");
            return std::nullopt;
        }
        return rt::Initializer{rt::InitKind::Bernoulli, args[0], 0};
    }
    c.diags.error(Code::BadInitializer, e.span, fmt::format("unknown initialiser '{}'", e.text),
                  suggestion(e.text, known));
    return std::nullopt;
}

// Why a tensor cannot be symmetric or lose its diagonal: only the square recurrent
// matrix (rnn W_self, ctrnn G) can.
std::string not_square_message(const std::string& name, const rt::TensorLayout* shape,
                               const char* what) {
    if (shape != nullptr && shape->cols > 0 && !shape->square())
        return fmt::format("'{}' is {}x{}, not square, so it cannot be {}", name, shape->rows,
                           shape->cols, what);
    if (shape != nullptr && shape->cols > 0)
        return fmt::format("only the recurrent matrix can be {}; '{}' is not it", what, name);
    return fmt::format("'{}' is not square, so it cannot be {}", name, what);
}

// Why a tensor of the kind is absent with these options.
std::string absent_tensor_hint(rt::CellKind kind, const std::string& name) {
    if (name == rt::tensor_name(kind, rt::TensorRole::Readout))
        return "it exists when the network has a readout: set 'outputs' > 0";
    if (name == rt::tensor_name(kind, rt::TensorRole::ReadoutBias))
        return "it exists with 'outputs' > 0 and 'readout_bias = true'";
    return "it exists with 'bias = true'";
}

// The array of `load("file.npy")`, read relative to the file that names it, with its
// shape checked against the tensor where the shape is known here (W_input's columns
// may come from the task), and a hash of its bytes for the node keys.
std::optional<std::pair<arma::mat, std::string>> load_array(Context& c, const Expr& call,
                                                            const std::string& tensor,
                                                            const NetworkDef& net) {
    // A `mask(load(...))` modifier argument arrives as a parenthesised call.
    if (call.items.size() != 1 || !call.arg_names[0].empty() || call.items[0]->kind != K::String) {
        c.diags.error(Code::CallForm, call.span, "write load(\"FILE.npy\")");
        return std::nullopt;
    }
    const std::string& name = call.items[0]->text;
    const ast::Span& where = call.items[0]->span;
    if (name.empty() || name.front() == '/') {
        c.diags.error(Code::ArrayFile, where,
                      "an array file must be named relative to the script that loads it");
        return std::nullopt;
    }
    const auto beside = beside_script(c, where, name);
    if (!beside) {
        c.diags.error(Code::ArrayFile, where, "files are switched off for this input");
        return std::nullopt;
    }
    const std::filesystem::path& path = *beside;
    arma::mat values;
    std::string why;
    const auto bytes = rt::read_file(path, why, rt::kMaxArrayBytes);
    try {
        if (!bytes)
            throw std::runtime_error(why);
        values = rt::parse_npy(*bytes, name);
    } catch (const std::exception& ex) {
        c.diags.error(Code::ArrayFile, where,
                      fmt::format("cannot load '{}': {}", path.string(), ex.what()),
                      fmt::format("arrays are regular .npy files (float32 or float64) of at "
                                  "most {}, relative to the script",
                                  rt::describe_size(rt::kMaxArrayBytes)));
        return std::nullopt;
    }
    const auto layout = layout_of(net);
    const rt::TensorLayout* l = find_layout(layout, tensor);
    const long rows = l ? static_cast<long>(l->rows) : 0;
    const long cols = l ? static_cast<long>(l->cols) : 0;
    if (rows > 0 && cols > 0
        && (static_cast<long>(values.n_rows) != rows || static_cast<long>(values.n_cols) != cols)) {
        c.diags.error(Code::ArrayShape, where,
                      fmt::format("'{}' holds a {}x{} array, but {} is {}x{}", name, values.n_rows,
                                  values.n_cols, tensor, rows, cols));
        return std::nullopt;
    }
    if (!values.is_finite()) {
        c.diags.error(Code::ArrayShape, where,
                      fmt::format("'{}' holds NaN or infinite values", name));
        return std::nullopt;
    }
    return std::make_pair(std::move(values), rt::hex64(rt::hash64(*bytes)));
}

// One tensor line being checked: the tensor's shape and role, the definition it builds,
// and the modifiers that conflict with others (reported once all are read).
struct TensorLine {
    Context& c;
    const ast::Field& f;
    NetworkDef& net;
    bool plastic;
    const rt::TensorLayout* shape;
    // A square recurrent matrix (rnn W_self, ctrnn G) can be symmetric or lose its
    // diagonal; gate matrices (gru, lstm W_self) are not square.
    bool square_recurrent;
    bool weight_matrix;
    TensorDef t;
    const ast::Modifier* dale = nullptr;
    const ast::Modifier* fixed = nullptr;
    const ast::Modifier* trainable = nullptr;

    void no_argument(const ast::Modifier& m) {
        if (m.argument)
            c.diags.error(Code::ModifierTakesNoArgument, m.argument->span,
                          fmt::format("'{}' takes no argument", m.name));
    }

    // The plastic network's learner trains C and bias itself and keeps mask and
    // feedback fixed: only how a family starts can be chosen.
    bool plastic_allows(const ast::Modifier& m) {
        if (m.name != "init" && m.name != "seed" && m.name != "stream"
            && !(m.name == "fixed"
                 && (f.name == "mask" || f.name == "feedback" || f.name == "h0"))) {
            c.diags.error(Code::BadModifier, m.span,
                          fmt::format("the plastic network's tensors take init, seed and stream, "
                                      "not '{}'",
                                      m.name),
                          "its learner trains C and bias and keeps mask, feedback and h0 fixed");
            return false;
        }
        if (m.name == "init" && m.argument && m.argument->kind == K::Call
            && m.argument->text == "load") {
            c.diags.error(Code::BadModifier, m.span,
                          fmt::format("'{}' names a family of tensors, one per layer: load() "
                                      "cannot fill it",
                                      f.name),
                          "initialise it with an initialiser such as normal(0.1)");
            return false;
        }
        return true;
    }

    void init(const ast::Modifier& m) {
        if (!m.argument) {
            c.diags.error(Code::ModifierNeedsArgument, m.span,
                          "'init' needs an initialiser, e.g. 'init normal(0.1)'");
            return;
        }
        if (m.argument->kind == K::Call && m.argument->text == "load") {
            if (auto values = load_array(c, *m.argument, f.name, net)) {
                t.init_values = std::move(values->first);
                t.init_text = dotted(*m.argument);
                t.arrays_key += "init:" + values->second + ",";
            }
            return;
        }
        t.init = initializer(c, *m.argument, t.init_text);
    }

    void dale_law(const ast::Modifier& m) {
        dale = &m;
        // The fraction of excitatory presynaptic units (columns) must give whole
        // numbers of excitatory and inhibitory units.
        const double ratio = m.argument ? constant_number(*m.argument).value_or(-1.0) : -1.0;
        const long columns = shape != nullptr ? static_cast<long>(shape->cols) : 0;
        if (!weight_matrix) {
            c.diags.error(
                Code::ConflictingConstraints, m.span,
                fmt::format("Dale's law applies to weight matrices; '{}' is not one", f.name));
        } else if (ratio <= 0.0 || ratio > 1.0) {
            c.diags.error(Code::ModifierNeedsArgument, m.span,
                          "'dale' needs the excitatory fraction in (0, 1], e.g. 'dale(0.8)'");
        } else if (const double e = ratio * static_cast<double>(columns);
                   columns > 0 && std::abs(e - std::round(e)) > 1e-9) {
            c.diags.error(
                Code::DaleRatio, m.argument->span,
                fmt::format("dale({}) with {} presynaptic units gives {:.4g} "
                            "excitatory units; it must be a whole number",
                            ratio, columns, e),
                fmt::format("e.g. dale({}) gives {} excitatory units",
                            std::round(e) / static_cast<double>(columns), std::lround(e)));
        } else {
            t.constraint.dale = ratio;
        }
    }

    void mask(const ast::Modifier& m) {
        if (!m.argument || m.argument->kind != K::Call || m.argument->text != "load") {
            c.diags.error(Code::ModifierNeedsArgument, m.span,
                          "'mask' needs a 0/1 array from a file, e.g. 'mask(load(\"m.npy\"))'");
            return;
        }
        if (auto values = load_array(c, *m.argument, f.name, net)) {
            if (!values->first.is_empty()
                && arma::any(arma::vectorise((values->first != 0.0) % (values->first != 1.0)))) {
                c.diags.error(Code::ArrayShape, m.argument->span, "a mask holds only 0 and 1");
                return;
            }
            t.constraint.mask = std::move(values->first);
            t.arrays_key += "mask:" + values->second + ",";
        }
    }

    void modifier(const ast::Modifier& m) {
        static const std::vector<std::string> modifiers = {
            "fixed", "trainable", "symmetric", "init", "seed", "stream", "no_self", "dale", "mask"};
        if (plastic && !plastic_allows(m))
            return;
        if (m.name == "fixed") {
            no_argument(m);
            fixed = &m;
            t.constraint.fixed = true;
        } else if (m.name == "trainable") {
            no_argument(m);
            trainable = &m;
            t.constraint.fixed = false;
        } else if (m.name == "symmetric") {
            no_argument(m);
            t.constraint.symmetric = true;
        } else if (m.name == "init") {
            init(m);
        } else if (m.name == "seed") {
            const auto v = m.argument ? constant_number(*m.argument) : std::nullopt;
            if (!v || *v < 0 || *v != std::floor(*v))
                c.diags.error(Code::BadSeed, m.span, "'seed' needs a whole number, e.g. 'seed 1'");
            else
                t.pinned_seed = static_cast<std::uint64_t>(*v);
        } else if (m.name == "stream") {
            if (!m.argument || m.argument->kind != K::String)
                c.diags.error(Code::ModifierNeedsArgument, m.span,
                              "'stream' needs a name in quotes, e.g. 'stream \"io\"'");
            else
                t.stream = m.argument->text;
        } else if (m.name == "dale") {
            dale_law(m);
        } else if (m.name == "no_self") {
            no_argument(m);
            if (!square_recurrent)
                c.diags.error(Code::NotSquare, m.span,
                              not_square_message(f.name, shape, "without self-connections"));
            t.constraint.no_self = true;
        } else if (m.name == "mask") {
            mask(m);
        } else {
            c.diags.error(Code::UnknownModifier, m.span,
                          fmt::format("unknown modifier '{}'", m.name),
                          suggestion(m.name, modifiers));
        }
    }

    // Constraints that exclude each other, once every modifier is read.
    void conflicts() {
        // Dale's law fixes the sign of each column (presynaptic unit); a symmetric matrix
        // would force the same signs on its rows, which holds only if all units agree.
        if (dale != nullptr && t.constraint.symmetric)
            c.diags.error(Code::ConflictingConstraints, dale->span,
                          fmt::format("'{}' cannot be both symmetric and obey Dale's law", f.name),
                          "keep one of the two constraints");
        if (t.constraint.symmetric && !square_recurrent)
            c.diags.error(Code::NotSquare, f.name_span,
                          not_square_message(f.name, shape, "symmetric"));
        if (fixed != nullptr && trainable != nullptr)
            c.diags.error(Code::ConflictingConstraints, trainable->span,
                          fmt::format("'{}' cannot be both fixed and trainable", f.name),
                          "keep one of the two");
    }
};

}  // namespace

void tensor_line(Context& c, const ast::Field& f, const stdlib::NetworkEntry& entry,
                 NetworkDef& net) {
    std::vector<std::string> kind_tensors;
    for (const auto& t : entry.tensors)
        kind_tensors.push_back(t.name);
    bool known_tensor = false;
    for (const auto& n : kind_tensors)
        known_tensor |= n == f.name;
    if (!known_tensor) {
        c.diags.error(Code::UnknownTensor, f.name_span,
                      fmt::format("the '{}' network kind has no tensor '{}'", entry.name, f.name),
                      suggestion(f.name, kind_tensors));
        return;
    }
    const auto layout = layout_of(net);
    const rt::TensorLayout* shape = find_layout(layout, f.name);
    if (!layout.empty() && shape == nullptr) {
        c.diags.error(
            Code::UnknownTensor, f.name_span,
            fmt::format("the network '{}' has no tensor '{}' with these options", net.name, f.name),
            absent_tensor_hint(entry.kind, f.name));
        return;
    }
    const bool square_recurrent =
        shape != nullptr && shape->role == rt::TensorRole::Recurrent && shape->square();
    const bool weight_matrix =
        shape != nullptr
        && (shape->role == rt::TensorRole::Recurrent || shape->role == rt::TensorRole::Input
            || shape->role == rt::TensorRole::Readout);
    TensorLine line{
        c, f, net, !rt::cell_traits(entry.kind).fused, shape, square_recurrent, weight_matrix, {}};
    if (net.tensors.count(f.name))
        line.t = net.tensors[f.name];
    else if (shape != nullptr)
        line.t.constraint.fixed = shape->fixed;  // h0 and c0 stay fixed unless made trainable
    line.t.name = f.name;
    for (const auto& m : f.modifiers)
        line.modifier(m);
    line.conflicts();
    net.tensors[f.name] = line.t;
}

}  // namespace rnn::interp::checker
