#include "grammar/ast.hpp"

#include <bit>

#include "grammar/keywords.hpp"

namespace rnn::ast {

// The keyword table's word: its string literals end in a NUL.
const char* statement_keyword(Statement::Kind kind) {
    return grammar::statement_keyword(kind).data();
}

namespace {

bool same_expr(const Expr* a, const Expr* b);

bool same_field(const Field& a, const Field& b) {
    if (a.kind != b.kind || a.name != b.name || !same_expr(a.value.get(), b.value.get())
        || a.modifiers.size() != b.modifiers.size())
        return false;
    for (std::size_t i = 0; i < a.modifiers.size(); ++i)
        if (a.modifiers[i].name != b.modifiers[i].name
            || !same_expr(a.modifiers[i].argument.get(), b.modifiers[i].argument.get()))
            return false;
    return true;
}

bool same_fields(const std::vector<Field>& a, const std::vector<Field>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_field(a[i], b[i]))
            return false;
    return true;
}

bool same_exprs(const std::vector<ExprPtr>& a, const std::vector<ExprPtr>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_expr(a[i].get(), b[i].get()))
            return false;
    return true;
}

bool same_expr(const Expr* a, const Expr* b) {
    if (!a || !b)
        return a == b;
    // Bits, not ==: "exactly" also tells -0 from 0 and lets a NaN equal itself.
    return a->kind == b->kind
           && std::bit_cast<std::uint64_t>(a->number) == std::bit_cast<std::uint64_t>(b->number)
           && a->unit == b->unit && a->boolean == b->boolean && a->text == b->text
           && a->arg_names == b->arg_names && same_exprs(a->items, b->items)
           && same_fields(a->fields, b->fields);
}

bool same_statements(const std::vector<Statement>& a, const std::vector<Statement>& b);

bool same_statement(const Statement& a, const Statement& b) {
    if (a.kind != b.kind || a.name != b.name || !same_exprs(a.name_index, b.name_index)
        || !same_expr(a.head.get(), b.head.get()) || !same_expr(a.target.get(), b.target.get())
        || a.has_body != b.has_body || !same_fields(a.body, b.body) || a.file != b.file
        || a.loops.size() != b.loops.size())
        return false;
    for (std::size_t i = 0; i < a.loops.size(); ++i)
        if (a.loops[i].first != b.loops[i].first
            || !same_expr(a.loops[i].second.get(), b.loops[i].second.get()))
            return false;
    return same_statements(a.children, b.children);
}

bool same_statements(const std::vector<Statement>& a, const std::vector<Statement>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same_statement(a[i], b[i]))
            return false;
    return true;
}

}  // namespace

bool same_tree(const Module& a, const Module& b) {
    return same_statements(a.statements, b.statements);
}

}  // namespace rnn::ast
