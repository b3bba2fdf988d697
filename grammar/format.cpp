// The canonical layout (`rnn fmt`), in two passes. The first prints the tree into lines,
// each remembering the range of source bytes whose code it holds; the second places every
// comment by its byte offset relative to those ranges, decides the blank lines and aligns
// trailing comments. Comments never go through the tree, so none can be lost or doubled:
// each is put in exactly one place.
//
// Every layout decision depends only on the tree and on where the source had line breaks,
// blank lines and comments, and the printed output has those at the same places, so
// formatting the output again changes nothing.
//
// The first pass is format_statements.cpp and format_expressions.cpp, the second
// format_comments.cpp; format_lines.hpp holds the Formatter and the lines they share.
#include "grammar/format.hpp"

#include "grammar/format_lines.hpp"

namespace rnn::grammar {

namespace layout {

std::string Formatter::run(const std::vector<Statement>& statements) {
    statements_at(statements, 0);
    return assemble();
}

}  // namespace layout

std::string format_module(const ast::Module& module, std::string_view source) {
    // The parser reads a byte-order mark as blank space; so does the formatter (offsets stay).
    std::string without_bom;
    if (source.substr(0, 3) == "\xEF\xBB\xBF") {
        without_bom = std::string(source);
        without_bom.replace(0, 3, "   ");
        source = without_bom;
    }
    return layout::Formatter(source, module.comments).run(module.statements);
}

}  // namespace rnn::grammar
