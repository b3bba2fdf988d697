// The fields of a statement's block as one table, as the stdlib's schemas are: each row
// has the field's name, its one-line doc and the function that checks its value. The
// checker dispatches on the table (accepted names, did-you-mean) and `:help` prints it
// (statements.cpp), so the two cannot drift apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/check/statements.hpp"

namespace rnn::interp::checker {

// `Block` is what a statement's field checkers share: the definition being built and
// what its fields are checked against.
template <typename Block> struct BlockField {
    std::string_view name;
    std::string_view doc;
    void (*check)(Block& block, const ast::Field& field);
};

template <typename Block>
const BlockField<Block>* find_field(const std::vector<BlockField<Block>>& table,
                                    std::string_view name) {
    for (const auto& f : table)
        if (f.name == name)
            return &f;
    return nullptr;
}

// The names in the table's order, for did-you-mean.
template <typename Block>
std::vector<std::string> field_names(const std::vector<BlockField<Block>>& table) {
    std::vector<std::string> out;
    for (const auto& f : table)
        out.emplace_back(f.name);
    return out;
}

// The rows as `:help` shows them (FieldDoc, statements.hpp).
template <typename Block>
std::vector<FieldDoc> field_docs(const std::vector<BlockField<Block>>& table) {
    std::vector<FieldDoc> out;
    for (const auto& f : table)
        out.push_back({std::string(f.name), std::string(f.doc)});
    return out;
}

}  // namespace rnn::interp::checker
