#include "interpreter/check/alter.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/network.hpp"
#include "runtime/cell_traits.hpp"

namespace rnn::interp::checker {

namespace {

using ast::Expr;
using K = ast::Expr::Kind;

// `lesion = [3, 7..12]`: whole units of the network, ranges including both ends.
bool lesion(Context& c, const ast::Field& f, const NetworkDef& net, AlterDef& def) {
    const long units = net.params.integer("units");
    bool ok = true;
    for (const Expr* i : list_items(*f.value)) {
        const bool range = i->kind == K::Range;
        const auto a = constant_number(range ? *i->items[0] : *i);
        const auto b = range ? constant_number(*i->items[1]) : a;
        if (!a || !b || *a != std::floor(*a) || *b != std::floor(*b) || *a < 0
            || *b >= static_cast<double>(units) || *a > *b) {
            c.diags.error(Code::LesionUnit, i->span,
                          fmt::format("the units of '{}' are 0 to {}; a lesion lists whole "
                                      "numbers or ranges of them",
                                      net.name, units - 1),
                          fmt::format("write lesion = [3, 7..12] with units below {}", units));
            ok = false;
            continue;
        }
        for (long u = std::lround(*a); u <= std::lround(*b); ++u)
            def.lesion.push_back(u);
    }
    return ok;
}

// `set [row, column, value]` into `op`; false when its form is wrong (reported by the
// caller), and after reporting an entry outside the tensor's known shape (`outside`).
bool set_entry(Context& c, const ast::Field& f, const ast::Modifier& m, const NetworkDef& net,
               AlterOp& op, bool& outside) {
    op.kind = AlterOp::Kind::Set;
    const auto r = constant_number(*m.argument->items[0]);
    const auto col = constant_number(*m.argument->items[1]);
    const auto v = constant_number(*m.argument->items[2]);
    if (!(r && col && v && *r >= 0 && *col >= 0 && *r == std::floor(*r)
          && *col == std::floor(*col)))
        return false;
    op.row = std::lround(*r);
    op.column = std::lround(*col);
    op.value = *v;
    op.text = fmt::format("{} : set [{}, {}, {}]", f.name, op.row, op.column, *v);
    // The tensor's shape, where it is known here (W_input's columns may come from the
    // task, 0 until it is drawn).
    const auto layout = layout_of(net);
    const rt::TensorLayout* shape = find_layout(layout, f.name);
    const long rows = shape ? static_cast<long>(shape->rows) : 0;
    const long cols = shape ? static_cast<long>(shape->cols) : 0;
    if (rows > 0 && cols > 0 && (op.row >= rows || op.column >= cols)) {
        c.diags.error(
            Code::AlterChange, m.argument->span,
            fmt::format("{} is {} x {}, so it has no entry [{}, {}]", f.name, rows, cols, op.row,
                        op.column),
            fmt::format("rows count from 0 to {}, columns from 0 to {}", rows - 1, cols - 1));
        outside = true;
    }
    return true;
}

// `TENSOR : scale X, set [row, column, value]`: the changes, in order.
bool tensor_changes(Context& c, const ast::Field& f, const NetworkDef& net, AlterDef& def) {
    bool ok = true;
    for (const auto& m : f.modifiers) {
        AlterOp op;
        op.tensor = f.name;
        op.span = m.span;
        bool good = false;
        if (m.name == "scale" && m.argument) {
            op.kind = AlterOp::Kind::Scale;
            if (const auto v = constant_number(*m.argument)) {
                op.value = *v;
                op.text = fmt::format("{} : scale {}", f.name, *v);
                good = true;
            }
        } else if (m.name == "set" && m.argument && m.argument->kind == K::List
                   && m.argument->items.size() == 3) {
            bool outside = false;
            good = set_entry(c, f, m, net, op, outside);
            if (outside) {
                ok = false;
                continue;
            }
        }
        if (!good) {
            c.diags.error(Code::AlterChange, m.span,
                          m.name == "scale" ? std::string("'scale' needs a number")
                          : m.name == "set"
                              ? std::string("'set' needs [row, column, value], the indices "
                                            "whole numbers from 0")
                              : fmt::format("'{}' is not a change an alter knows", m.name),
                          "write 'scale 0.5' or 'set [row, column, value]' (indices from 0)");
            ok = false;
            continue;
        }
        def.ops.push_back(std::move(op));
    }
    return ok;
}

// The lesions and changes of the block, after the parent's.
bool alter_block(Context& c, const ast::Statement& s, const NetworkDef& net, AlterDef& def) {
    const std::vector<std::string> tensors = tensor_names(net);
    bool ok = true;
    for (const auto& f : s.body) {
        if (f.kind == ast::Field::Kind::Assign && f.name == "lesion") {
            ok = lesion(c, f, net, def) && ok;
            continue;
        }
        if (f.kind == ast::Field::Kind::Assign) {
            c.diags.error(Code::UnknownParameter, f.name_span,
                          fmt::format("an alter block has no field '{}'", f.name),
                          "write lesion = [units] or TENSOR : scale X, set [row, column, value]");
            ok = false;
            continue;
        }
        if (std::find(tensors.begin(), tensors.end(), f.name) == tensors.end()) {
            c.diags.error(Code::UnknownTensor, f.name_span,
                          fmt::format("the network '{}' has no tensor '{}'", net.name, f.name),
                          suggestion(f.name, tensors));
            ok = false;
            continue;
        }
        ok = tensor_changes(c, f, net, def) && ok;
    }
    return ok;
}

}  // namespace

void check_alter(Context& c, const ast::Statement& s) {
    // Checked once: an alter of an alter checks its parent first, wherever it is.
    if (!c.alters_seen.insert(s.name).second) {
        if (!c.program.alters.count(s.name) && c.alters_open.count(s.name))
            c.diags.error(Code::WrongKind, s.head->span,
                          fmt::format("the alters of '{}' form a cycle", s.name),
                          "an alter changes a training or an alter defined without it");
        return;
    }
    c.alters_open.insert(s.name);

    struct Close {
        std::set<std::string>& open;
        std::string name;

        ~Close() { open.erase(name); }
    } close{c.alters_open, s.name};

    const ast::Statement* train = c.reference(*s.head, ast::Statement::Kind::Train, "training");
    if (train == nullptr)
        return;
    if (train->kind == ast::Statement::Kind::Alter)
        check_alter(c, *train);
    // An alter of an alter is its training with both sets of changes: the parent's
    // first, the lesions together (a lesion is a mask, applied after every change).
    AlterDef def{s.name, train->name, {}, {}, s.span};
    if (train->kind == ast::Statement::Kind::Alter) {
        const auto parent = c.program.alters.find(train->name);
        if (parent == c.program.alters.end())
            return;  // it had errors of its own, reported there
        def.train = parent->second.train;
        def.lesion = parent->second.lesion;
        def.ops = parent->second.ops;
    }
    const auto t = c.program.trains.find(def.train);
    if (t == c.program.trains.end())
        return;
    const NetworkDef& net = c.program.networks.at(t->second.network);
    if (!rt::cell_traits(net.entry->kind).fused) {
        c.diags.error(Code::NotImplemented, s.keyword_span,
                      "altering a plastic network is not implemented yet in this version");
        return;
    }
    if (!net.params.has("units"))
        return;  // the network had errors of its own
    const bool ok = alter_block(c, s, net, def);
    std::sort(def.lesion.begin(), def.lesion.end());
    def.lesion.erase(std::unique(def.lesion.begin(), def.lesion.end()), def.lesion.end());
    if (ok)
        c.program.alters.emplace(s.name, std::move(def));
}

}  // namespace rnn::interp::checker
