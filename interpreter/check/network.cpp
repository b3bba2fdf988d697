#include "interpreter/check/network.hpp"

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/tensor_lines.hpp"
#include "interpreter/check/value.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp::checker {

using K = ast::Expr::Kind;

std::vector<rt::TensorLayout> layout_of(const NetworkDef& net) {
    if (net.entry == nullptr || !net.params.has("units"))
        return {};
    const stdlib::Params p = stdlib::with_defaults(net.entry->schema, net.params);
    for (const auto& spec : net.entry->schema.params)
        if (spec.required() && !p.has(spec.name))
            return {};  // e.g. a misspelt `outputs` of the plastic kind, reported already
    return rt::tensor_layout(stdlib::network_shape(*net.entry, p, 0));
}

const rt::TensorLayout* find_layout(const std::vector<rt::TensorLayout>& layout,
                                    const std::string& name) {
    for (const auto& l : layout)
        if (l.name == name || l.name.rfind(name + ".", 0) == 0)
            return &l;
    return nullptr;
}

std::vector<std::string> tensor_names(const NetworkDef& net) {
    std::vector<std::string> names;
    const auto layout = layout_of(net);
    if (layout.empty())
        for (const auto& t : net.entry->tensors)
            names.push_back(t.name);
    for (const auto& l : layout)
        names.push_back(l.name);
    return names;
}

void check_network(Context& c, const ast::Statement& s) {
    if (c.program.networks.count(s.name) || c.cyclic.count(&s) || !c.enter(s))
        return;
    const Context::Defining guard{c.defining};
    NetworkDef n;
    n.name = s.name;
    n.span = s.span;
    stdlib::Params base;
    if (s.head->kind == K::Name && (n.entry = stdlib::find_network(s.head->text)) == nullptr) {
        const Declared* decl = c.lookup(s.head->text);
        if (decl != nullptr && decl->kind == ast::Statement::Kind::Network) {
            const NetworkDef* parent =
                c.checked_definition(c.program.networks, *decl, check_network);
            if (parent == nullptr)
                return;
            n.entry = parent->entry;
            base = parent->params;
            n.tensors = parent->tensors;
        } else {
            std::vector<std::string> names;
            for (const auto* e : stdlib::networks())
                names.push_back(e->name);
            for (const auto& x : c.names_to_suggest(ast::Statement::Kind::Network))
                names.push_back(x);
            c.diags.error(Code::UnknownNetworkKind, s.head->span,
                          fmt::format("unknown network kind '{}'", s.head->text),
                          suggestion(s.head->text, names));
            return;
        }
    } else if (n.entry == nullptr) {
        c.diags.error(Code::ExpectedDefinition, s.head->span,
                      fmt::format("expected a network kind, found {}", kind_words(*s.head)));
        return;
    }
    if (c.program.networks.count(s.name))
        return;
    std::vector<const ast::Field*> tensor_fields;
    n.params =
        fields(c, s.body, n.entry->schema, fmt::format("the '{}' network kind", n.entry->name),
               std::move(base), s.name_span, &tensor_fields);
    for (const ast::Field* f : tensor_fields) {
        if (f->kind == ast::Field::Kind::Assign) {
            std::vector<std::string> names = n.entry->schema.names();
            for (const auto& t : n.entry->tensors)
                names.push_back(t.name);
            c.diags.error(
                Code::UnknownParameter, f->name_span,
                fmt::format("the '{}' network kind has no parameter '{}'", n.entry->name, f->name),
                suggestion(f->name, names));
            continue;
        }
        tensor_line(c, *f, *n.entry, n);
    }
    c.program.networks.emplace(s.name, std::move(n));
}

void network_fits_task(Context& c, const NetworkDef& net, const TaskDef& task,
                       const ast::Span& where) {
    // A missing required parameter was reported already; there is nothing to compare.
    if (task.entry->units_param.empty() || !net.params.has("units") || !net.params.has("inputs")
        || !task.params.has(task.entry->units_param))
        return;
    const long units = net.params.integer("units");
    const long wanted = task.params.integer(task.entry->units_param);
    if (units != wanted) {
        auto& e = c.diags.error(Code::UnitsMismatch, where,
                                fmt::format("the network '{}' has {} units but the task '{}' "
                                            "needs {}",
                                            net.name, units, task.name, wanted));
        e.notes.emplace_back(task.span, "the task is defined here");
    }
    const long inputs = net.params.integer("inputs");
    if (inputs != 0 && inputs != wanted) {
        auto& e = c.diags.error(
            Code::InputsMismatch, where,
            fmt::format("the network '{}' takes {} inputs but the task '{}' presents {}", net.name,
                        inputs, task.name, wanted));
        e.notes.emplace_back(task.span, "the task is defined here");
    }
}

}  // namespace rnn::interp::checker
