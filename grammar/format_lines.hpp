// Private to the formatter (grammar/format*.cpp), not part of format.hpp's API: the lines
// the first pass prints, the Formatter that prints them and places comments among them
// (format.cpp says how the two passes work), and the small text helpers its files share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "grammar/ast.hpp"

namespace rnn::grammar::layout {

using ast::Comment;
using ast::Expr;
using ast::Field;
using ast::Statement;

constexpr int kIndent = 2;
constexpr int kWidth = 100;  // a block call kept on one line must fit in this many columns
constexpr std::uint32_t kNoByte = std::numeric_limits<std::uint32_t>::max();

// Binding strength, loosest first, as in the grammar's expression rules.
enum Prec : int {
    kSustained,  // cond for N epochs
    kOr,
    kAnd,
    kNot,
    kCompare,
    kRange,
    kAdd,
    kMul,
    kNeg,
    kJitter,
    kPostfix,
    kPrimary,
};

inline bool is_blank_char(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Columns count code points: names and strings may hold UTF-8.
inline int width(std::string_view s) {
    int n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

inline std::string spaces(int n) {
    return std::string(static_cast<std::size_t>(std::max(n, 0)), ' ');
}

// A string literal as the language writes it (format_expressions.cpp).
std::string quote(const std::string& text);

// What a line is decides where blank lines and comments may go around it.
enum class LineKind {
    Statement,     // the first line of a statement
    Field,         // the first line of a field
    Continuation,  // an expression carried on from the line above
    Close,         // a closing brace (possibly followed by the rest of an expression)
};

struct Line {
    int indent = 0;
    std::string text;
    LineKind kind = LineKind::Statement;
    int comment_indent = 0;  // of comment lines placed just before this line
    std::uint32_t src_begin = kNoByte;
    std::uint32_t src_end = 0;
    bool opens = false;         // ends with '{': no blank line may follow
    bool inline_block = false;  // holds a block call kept on one line
};

class Formatter {
public:
    Formatter(std::string_view source, const std::vector<Comment>& comments)
        : src_(source), comments_(comments) {}

    std::string run(const std::vector<Statement>& statements);  // format.cpp

private:
    std::string_view src_;
    const std::vector<Comment>& comments_;
    std::vector<Line> lines_;
    bool force_expand_ = false;
    // Whether a unit (a field or a statement at one indentation) had to expand its block
    // calls. Remembered so that re-printing an enclosing unit does not decide again: each
    // retry would otherwise double the work of every level below it.
    std::map<std::tuple<const void*, int, int>, bool> expanded_;

    // --- source queries (format_source_queries.cpp) --------------------------------------

    bool newline_between(std::uint32_t a, std::uint32_t b) const;
    bool blank_between(std::uint32_t a, std::uint32_t b) const;
    bool own_line(const Comment& c) const;
    bool comment_within(std::uint32_t after, std::uint32_t before) const;
    std::uint32_t close_brace(const ast::Span& span) const;

    // --- building lines ------------------------------------------------------------------

    Line& cur() { return lines_.back(); }

    int column() const { return lines_.back().indent + width(lines_.back().text); }

    void open_line(int indent, LineKind kind, int comment_indent) {
        Line l;
        l.indent = indent;
        l.kind = kind;
        l.comment_indent = comment_indent;
        lines_.push_back(std::move(l));
    }

    void put(std::string_view s) { cur().text += s; }

    void touch(std::uint32_t begin, std::uint32_t end) {
        if (end <= begin)
            end = begin + 1;
        cur().src_begin = std::min(cur().src_begin, begin);
        cur().src_end = std::max(cur().src_end, end);
    }

    // --- statements and fields (format_statements.cpp) -----------------------------------

    bool overflows(std::size_t from) const;
    template <typename Print> void unit(const void* key, int indent, int pad, Print print);
    void statements_at(const std::vector<Statement>& list, int indent);
    int def_name_width(const Statement& s);
    std::size_t statement(const Statement& s, int indent, int kw_pad, int name_pad);
    void def_name(const Statement& s, int pad);
    void close_line(int indent, std::uint32_t brace);
    void fields_body(const std::vector<Field>& fields, std::uint32_t after, std::uint32_t close,
                     int indent);
    void field(const Field& f, int pad);

    // --- expressions (format_expressions.cpp) --------------------------------------------

    std::string number_text(const Expr& e) const;
    void expr(const Expr& e, int min_prec);
    void bare(const Expr& e);
    void binary(const Expr& e);
    void items(const std::vector<ast::ExprPtr>& list, std::size_t from,
               const std::vector<std::string>* names);
    void block_call(const Expr& e);

    // --- comments, blank lines, output (format_comments.cpp) -----------------------------

    std::string assemble();
};

}  // namespace rnn::grammar::layout
