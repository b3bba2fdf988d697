// The statements of the language, with their syntax, a one-line doc and the fields their
// blocks take: one table that `:help STATEMENT` in the REPL prints. The fields of `train`
// and `evaluate` come from the checker's own field tables (train.hpp, evaluate.hpp), so
// what `:help` lists is what the checker accepts. docs/language.md §3 has the full story
// of each.
#pragma once

#include <string>
#include <vector>

namespace rnn::interp {

struct FieldDoc {
    std::string name;
    std::string doc;
};

struct StatementDoc {
    std::string keyword;  // "train"
    std::string syntax;   // "train NAME = NETWORK on TASK { field = value ... }"
    std::string doc;
    std::vector<FieldDoc> fields;  // the block's fields (empty: no block, or stdlib fields)
    std::string fields_note;       // where the fields come from when not listed here
};

const std::vector<StatementDoc>& statements();

// The statement of a keyword; nullptr for other words.
const StatementDoc* statement(const std::string& keyword);

// The names of a statement's block fields, in the table's order.
std::vector<std::string> field_names(const std::string& keyword);

// Markdown: syntax, doc and the fields.
std::string statement_reference(const StatementDoc& s);

}  // namespace rnn::interp
