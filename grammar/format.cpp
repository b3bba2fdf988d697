// The canonical layout (`rnn fmt`), in two passes. The first prints the tree into lines,
// each remembering the range of source bytes whose code it holds; the second places every
// comment by its byte offset relative to those ranges, decides the blank lines and aligns
// trailing comments. Comments never go through the tree, so none can be lost or doubled:
// each is put in exactly one place.
//
// Every layout decision depends only on the tree and on where the source had line breaks,
// blank lines and comments, and the printed output has those at the same places, so
// formatting the output again changes nothing.
#include "grammar/format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <tuple>
#include <vector>

namespace rnn::grammar {

namespace {

using ast::Comment;
using ast::Expr;
using ast::Field;
using ast::Statement;
using K = Expr::Kind;

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

int binary_prec(const std::string& op) {
    if (op == "or")
        return kOr;
    if (op == "and")
        return kAnd;
    if (op == "+" || op == "-")
        return kAdd;
    if (op == "*" || op == "/")
        return kMul;
    return kCompare;
}

int prec(const Expr& e) {
    switch (e.kind) {
        case K::Sustained:
            return kSustained;
        case K::Binary:
            return binary_prec(e.text);
        case K::Unary:
            return e.text == "not" ? kNot : kNeg;
        case K::Range:
            return kRange;
        case K::Jitter:
            return kJitter;
        case K::Member:
        case K::Index:
            return kPostfix;
        default:
            return kPrimary;
    }
}

bool is_blank_char(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Columns count code points: names and strings may hold UTF-8.
int width(std::string_view s) {
    int n = 0;
    for (const char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

std::string spaces(int n) {
    return std::string(static_cast<std::size_t>(std::max(n, 0)), ' ');
}

std::string quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

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

    std::string run(const std::vector<Statement>& statements) {
        statements_at(statements, 0);
        return assemble();
    }

private:
    std::string_view src_;
    const std::vector<Comment>& comments_;
    std::vector<Line> lines_;
    bool force_expand_ = false;
    // Whether a unit (a field or a statement at one indentation) had to expand its block
    // calls. Remembered so that re-printing an enclosing unit does not decide again: each
    // retry would otherwise double the work of every level below it.
    std::map<std::tuple<const void*, int, int>, bool> expanded_;

    // --- source queries ------------------------------------------------------------------

    bool newline_between(std::uint32_t a, std::uint32_t b) const {
        if (a >= b || b > src_.size())
            return false;
        return src_.substr(a, b - a).find('\n') != std::string_view::npos;
    }

    // A line holding only blank space lies strictly between byte a and byte b.
    bool blank_between(std::uint32_t a, std::uint32_t b) const {
        if (a >= b || b > src_.size())
            return false;
        std::size_t p = src_.find('\n', a);
        while (p != std::string_view::npos && p < b) {
            const std::size_t start = p + 1;
            const std::size_t q = src_.find('\n', start);
            if (q == std::string_view::npos || q >= b)
                return false;
            bool blank = true;
            for (std::size_t i = start; i < q && blank; ++i)
                blank = is_blank_char(src_[i]);
            if (blank)
                return true;
            p = q;
        }
        return false;
    }

    bool own_line(const Comment& c) const {
        for (std::size_t i = c.span.begin; i > 0; --i) {
            const char ch = src_[i - 1];
            if (ch == '\n')
                return true;
            if (!is_blank_char(ch))
                return false;
        }
        return true;
    }

    bool comment_within(std::uint32_t after, std::uint32_t before) const {
        const auto it = std::upper_bound(
            comments_.begin(), comments_.end(), after,
            [](std::uint32_t pos, const Comment& c) { return pos < c.span.begin; });
        return it != comments_.end() && it->span.begin < before;
    }

    // The closing brace of a construct whose span ends with it.
    std::uint32_t close_brace(const ast::Span& span) const {
        std::uint32_t end =
            std::min<std::uint32_t>(span.end, static_cast<std::uint32_t>(src_.size()));
        while (end > span.begin && src_[end - 1] != '}')
            --end;
        return end > span.begin ? end - 1 : span.end;
    }

    // The number as it was written (`1e-6` stays `1e-6`), then its unit.
    std::string number_text(const Expr& e) const {
        std::size_t i = e.span.begin;
        const std::size_t b = i, n = src_.size();
        auto digits = [&] {
            while (i < n && is_digit(src_[i]))
                ++i;
        };
        digits();
        if (i > b && i + 1 < n && src_[i] == '.' && is_digit(src_[i + 1])) {
            ++i;
            digits();
        }
        if (i > b && i < n && (src_[i] == 'e' || src_[i] == 'E')) {
            std::size_t j = i + 1;
            if (j < n && (src_[j] == '+' || src_[j] == '-'))
                ++j;
            if (j < n && is_digit(src_[j])) {
                i = j;
                digits();
            }
        }
        std::string out(src_.substr(b, i - b));
        // A tree not parsed from this text (or a span that does not point at the number):
        // print the value itself, in the shortest form that reads back exactly.
        if (out.empty() || std::strtod(out.c_str(), nullptr) != e.number) {
            char buf[64];
            const auto r = std::to_chars(buf, buf + sizeof buf, e.number);
            out.assign(buf, r.ptr);
        }
        if (!e.unit.empty())
            out += " " + e.unit;
        return out;
    }

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

    bool overflows(std::size_t from) const {
        for (std::size_t i = from; i < lines_.size(); ++i)
            if (lines_[i].inline_block && lines_[i].indent + width(lines_[i].text) > kWidth)
                return true;
        return false;
    }

    // Prints one unit; when a line of it that holds a block call kept on one line is too
    // long, prints it again with its block calls expanded.
    template <typename Print> void unit(const void* key, int indent, int pad, Print print) {
        const bool saved = force_expand_;
        const std::size_t mark = lines_.size();
        const auto k = std::make_tuple(key, indent, pad);
        const auto known = expanded_.find(k);
        if (known != expanded_.end()) {
            force_expand_ = known->second;
            print();
        } else {
            force_expand_ = false;
            print();
            if (overflows(mark)) {
                lines_.resize(mark);
                force_expand_ = true;
                print();
            }
            expanded_[k] = force_expand_;
        }
        force_expand_ = saved;
    }

    // --- statements ----------------------------------------------------------------------

    // Runs of statements not parted by a blank line are laid out as a table. A run holds
    // no sweep and no statement with a block of fields, and either only plots or no plot.
    // Plots align their `to` (among those on one line); the others align their keywords,
    // and consecutive definitions of one kind (a list of analyses) the `=` after the name.
    void statements_at(const std::vector<Statement>& list, int indent) {
        using SK = Statement::Kind;
        const std::size_t n = list.size();
        auto alignable = [&](std::size_t i) {
            return list[i].kind != SK::For && !(list[i].has_body && !list[i].body.empty());
        };
        auto is_plot = [&](std::size_t i) {
            return list[i].kind == SK::Plot;
        };
        std::vector<int> kw_pad(n, 0), name_pad(n, 0);
        std::vector<std::pair<std::size_t, std::size_t>> plot_runs;
        for (std::size_t i = 0; i < n;) {
            if (!alignable(i)) {
                ++i;
                continue;
            }
            std::size_t j = i;
            while (j + 1 < n && alignable(j + 1) && is_plot(j + 1) == is_plot(i)
                   && !blank_between(list[j].span.end, list[j + 1].span.begin))
                ++j;
            if (is_plot(i)) {
                plot_runs.emplace_back(i, j);
            } else {
                int kw = 0;
                for (std::size_t k = i; k <= j; ++k)
                    kw = std::max(kw, width(ast::statement_keyword(list[k].kind)));
                for (std::size_t k = i; k <= j;) {
                    std::size_t last = k;
                    while (last + 1 <= j && list[last + 1].kind == list[k].kind)
                        ++last;
                    std::vector<int> names;
                    for (std::size_t m = k; m <= last; ++m)
                        names.push_back(def_name_width(list[m]));
                    const int name = *std::max_element(names.begin(), names.end());
                    for (std::size_t m = k; m <= last; ++m) {
                        kw_pad[m] = kw;
                        name_pad[m] = names[m - k] >= 0 ? name : 0;
                    }
                    k = last + 1;
                }
            }
            i = j + 1;
        }

        std::vector<std::size_t> first(n), count(n), to_at(n);
        for (std::size_t i = 0; i < n; ++i) {
            first[i] = lines_.size();
            to_at[i] = statement(list[i], indent, kw_pad[i], name_pad[i]);
            count[i] = lines_.size() - first[i];
        }
        for (const auto& [i, j] : plot_runs) {
            auto head = [&](std::size_t k) {
                const std::string_view text = lines_[first[k]].text;
                const std::size_t start = std::string_view("plot ").size();
                return width(text.substr(start, to_at[k] - start));
            };
            int w = 0;
            for (std::size_t k = i; k <= j; ++k)
                if (count[k] == 1)
                    w = std::max(w, head(k));
            for (std::size_t k = i; k <= j; ++k)
                if (count[k] == 1)
                    lines_[first[k]].text.insert(to_at[k], spaces(w - head(k)));
        }
    }

    // The width of a definition's name as printed on one line; -1 for a statement that
    // defines nothing or whose name (an index written over several lines) takes more.
    int def_name_width(const Statement& s) {
        using SK = Statement::Kind;
        if (s.kind == SK::Seed || s.kind == SK::Output || s.kind == SK::Include
            || s.kind == SK::Plot || s.kind == SK::For)
            return -1;
        const std::size_t mark = lines_.size();
        open_line(0, LineKind::Statement, 0);
        def_name(s, 0);
        const int w = lines_.size() == mark + 1 ? width(cur().text) : -1;
        lines_.resize(mark);
        return w;
    }

    // Returns, for a plot, the offset of " to" in its first line (npos otherwise).
    std::size_t statement(const Statement& s, int indent, int kw_pad, int name_pad) {
        using SK = Statement::Kind;
        std::size_t to_at = std::string::npos;
        auto print = [&] {
            open_line(indent, LineKind::Statement, indent);
            touch(s.span.begin, s.span.begin + 1);
            put(ast::statement_keyword(s.kind));
            put(spaces(kw_pad - width(ast::statement_keyword(s.kind))));
            switch (s.kind) {
                case SK::Seed:
                case SK::Output:
                case SK::Include:
                    put(" ");
                    expr(*s.head, kSustained);
                    break;
                case SK::Task:
                case SK::Network:
                case SK::Train:
                case SK::Evaluate:
                case SK::Alter:
                    put(" ");
                    def_name(s, name_pad);
                    put(" = ");
                    expr(*s.head, kSustained);
                    if (s.target) {
                        put(" on ");
                        expr(*s.target, kSustained);
                    }
                    if (s.has_body)
                        fields_body(s.body, s.target ? s.target->span.end : s.head->span.end,
                                    close_brace(s.span), indent);
                    break;
                case SK::Analyze:
                    put(" ");
                    def_name(s, name_pad);
                    put(" = ");
                    expr(*s.head, kSustained);
                    break;
                case SK::Plot:
                    put(" ");
                    expr(*s.head, kSustained);
                    to_at = cur().text.size();
                    put(" to ");
                    touch(s.file_span.begin, s.file_span.end);
                    put(quote(s.file));
                    break;
                case SK::For: {
                    put(" ");
                    std::uint32_t after = s.span.begin;
                    for (std::size_t i = 0; i < s.loops.size(); ++i) {
                        if (i > 0)
                            put(", ");
                        put(s.loops[i].first);
                        put(" in ");
                        expr(*s.loops[i].second, kSustained);
                        after = s.loops[i].second->span.end;
                    }
                    const std::uint32_t close = close_brace(s.span);
                    if (s.children.empty() && !comment_within(after, close)) {
                        put(" {}");
                        touch(close, close + 1);
                        break;
                    }
                    put(" {");
                    cur().opens = true;
                    statements_at(s.children, indent + kIndent);
                    close_line(indent, close);
                    break;
                }
            }
            // Parentheses are outside the spans of what they enclose: the statement's own
            // span says where its code really ends.
            if (s.span.end > s.span.begin)
                touch(s.span.end - 1, s.span.end);
        };
        // A sweep holds no block calls of its own; its statements are units themselves.
        if (s.kind == SK::For)
            print();
        else
            unit(&s, indent, kw_pad * (kWidth + 1) + name_pad, print);
        return to_at;
    }

    void def_name(const Statement& s, int pad) {
        const int start = column();
        touch(s.name_span.begin, s.name_span.end);
        put(s.name);
        if (!s.name_index.empty()) {
            put("[");
            items(s.name_index, 0, nullptr);
            put("]");
        }
        put(spaces(pad - (column() - start)));
    }

    void close_line(int indent, std::uint32_t brace) {
        open_line(indent, LineKind::Close, indent + kIndent);
        touch(brace, brace + 1);
        put("}");
    }

    // A block on its own lines: ` {`, one field per line, `}` (or ` {}` when empty).
    void fields_body(const std::vector<Field>& fields, std::uint32_t after, std::uint32_t close,
                     int indent) {
        if (fields.empty() && !comment_within(after, close)) {
            put(" {}");
            touch(close, close + 1);
            return;
        }
        put(" {");
        cur().opens = true;
        // Names are padded to the longest in each run of fields not parted by a blank line,
        // so that `=` and `:` stand in one column.
        std::vector<int> pad(fields.size());
        for (std::size_t i = 0; i < fields.size();) {
            std::size_t j = i;
            while (j + 1 < fields.size()
                   && !blank_between(fields[j].span.end, fields[j + 1].span.begin))
                ++j;
            int w = 0;
            for (std::size_t k = i; k <= j; ++k)
                w = std::max(w, width(fields[k].name));
            for (std::size_t k = i; k <= j; ++k)
                pad[k] = w;
            i = j + 1;
        }
        const int inner = indent + kIndent;
        for (std::size_t i = 0; i < fields.size(); ++i) {
            const Field& f = fields[i];
            unit(&f, inner, pad[i], [&] {
                open_line(inner, LineKind::Field, inner);
                field(f, pad[i]);
            });
        }
        close_line(indent, close);
    }

    void field(const Field& f, int pad) {
        touch(f.span.begin, f.span.begin + 1);
        put(f.name);
        put(spaces(pad - width(f.name)));
        if (f.kind == Field::Kind::Assign) {
            put(" = ");
            expr(*f.value, kSustained);
        } else {
            put(" : ");
            for (std::size_t i = 0; i < f.modifiers.size(); ++i) {
                const ast::Modifier& m = f.modifiers[i];
                if (i > 0)
                    put(", ");
                touch(m.span.begin, m.span.begin + 1);
                put(m.name);
                if (m.argument) {
                    put(" ");
                    expr(*m.argument, kSustained);
                }
            }
        }
        touch(f.span.end > 0 ? f.span.end - 1 : 0, f.span.end);
    }

    // --- expressions ---------------------------------------------------------------------

    // The tree has no parentheses: they are put back where binding requires them.
    void expr(const Expr& e, int min_prec) {
        if (prec(e) < min_prec) {
            put("(");
            bare(e);
            put(")");
        } else {
            bare(e);
        }
    }

    void bare(const Expr& e) {
        touch(e.span.begin, e.span.begin + 1);
        switch (e.kind) {
            case K::Number:
                put(number_text(e));
                break;
            case K::String:
                put(quote(e.text));
                break;
            case K::Bool:
                put(e.boolean ? "true" : "false");
                break;
            case K::Name:
                put(e.text);
                break;
            case K::Member:
                expr(*e.items.at(0), kPostfix);
                put(".");
                put(e.text);
                break;
            case K::Index:
                expr(*e.items.at(0), kPostfix);
                put("[");
                items(e.items, 1, nullptr);
                put("]");
                break;
            case K::Call:
                put(e.text);
                put("(");
                items(e.items, 0, &e.arg_names);
                put(")");
                break;
            case K::BlockCall:
                block_call(e);
                break;
            case K::Unary: {
                // `- - x` and `not not x` are runs of one operator, which need no parentheses.
                const Expr& operand = *e.items.at(0);
                const bool repeat = operand.kind == K::Unary && operand.text == e.text;
                if (e.text == "not") {
                    put("not ");
                    expr(operand, repeat ? kNot : kCompare);
                } else {
                    put(repeat ? "- " : "-");  // `--x` would read as a decrement
                    expr(operand, repeat ? kNeg : kJitter);
                }
                break;
            }
            case K::Binary:
                binary(e);
                break;
            case K::List:
                put("[");
                items(e.items, 0, nullptr);
                put("]");
                break;
            case K::Range:
                expr(*e.items.at(0), kAdd);
                put("..");
                expr(*e.items.at(1), kAdd);
                break;
            case K::Jitter:
                expr(*e.items.at(0), kPostfix);
                put(" +- ");
                expr(*e.items.at(1), kPostfix);
                break;
            case K::Sustained:
                expr(*e.items.at(0), kOr);
                put(" for ");
                expr(*e.items.at(1), kPrimary);
                break;
        }
        if (e.span.end > e.span.begin)
            touch(e.span.end - 1, e.span.end);
    }

    // A chain of one left-associative operator (`a - b + c`) is printed flat. A line break
    // the source had between two operands is kept, before the operator, and the operator
    // hangs so that the operands line up under the first one.
    void binary(const Expr& e) {
        const int level = prec(e);
        const bool assoc = level != kCompare;
        std::vector<const Expr*> spine{&e};
        while (assoc) {
            const Expr& left = *spine.back()->items.at(0);
            if (left.kind != K::Binary || prec(left) != level)
                break;
            spine.push_back(&left);
        }
        const Expr& first = *spine.back()->items.at(0);
        const int col0 = column();
        const int start_indent = cur().indent;
        expr(first, assoc ? level : level + 1);
        const Expr* prev = &first;
        for (auto it = spine.rbegin(); it != spine.rend(); ++it) {
            const Expr& b = **it;
            const Expr& right = *b.items.at(1);
            if (newline_between(prev->span.end, right.span.begin)) {
                int col = col0 - width(b.text) - 1;
                if (col <= start_indent)
                    col = col0;
                open_line(col, LineKind::Continuation, col);
                put(b.text);
                put(" ");
            } else {
                put(" ");
                put(b.text);
                put(" ");
            }
            expr(right, level + 1);
            prev = &right;
        }
    }

    // Arguments, list items, indices: `a, b`; a line break the source had after a comma is
    // kept, and the next item lines up under the first.
    void items(const std::vector<ast::ExprPtr>& list, std::size_t from,
               const std::vector<std::string>* names) {
        const int col0 = column();
        for (std::size_t i = from; i < list.size(); ++i) {
            if (i > from) {
                put(",");
                if (newline_between(list[i - 1]->span.end, list[i]->span.begin))
                    open_line(col0, LineKind::Continuation, col0);
                else
                    put(" ");
            }
            if (names && i < names->size() && !(*names)[i].empty()) {
                put((*names)[i]);
                put(": ");
            }
            expr(*list[i], kSustained);
        }
    }

    // `adam { lr = 0.005 }` stays on one line when it was written on one line and the line
    // fits; otherwise its fields go one per line like a statement's.
    void block_call(const Expr& e) {
        put(e.text);
        const std::uint32_t close = close_brace(e.span);
        const std::uint32_t after = e.span.begin + static_cast<std::uint32_t>(e.text.size());
        if (e.fields.empty() && !comment_within(after, close)) {
            put(" {}");
            return;
        }
        // In one line, fields are parted by commas, and a parameter line's modifiers would
        // swallow the field after it.
        bool one_line = !force_expand_ && !newline_between(e.span.begin, e.span.end);
        for (std::size_t i = 0; one_line && i + 1 < e.fields.size(); ++i)
            one_line = e.fields[i].kind == Field::Kind::Assign;
        if (one_line) {
            put(" { ");
            for (std::size_t i = 0; i < e.fields.size(); ++i) {
                if (i > 0)
                    put(", ");
                field(e.fields[i], 0);
            }
            put(" }");
            cur().inline_block = true;
            return;
        }
        fields_body(e.fields, after, close, cur().indent);
    }

    // --- comments, blank lines, output ---------------------------------------------------

    struct Item {
        const Line* line = nullptr;        // a line of code, or
        const Comment* comment = nullptr;  // a comment on its own line
        int indent = 0;
        bool blank_ok = false;
        std::uint32_t anchor = 0;  // a blank line before it is looked for up to here
        std::uint32_t end = 0;
        const Comment* trailing = nullptr;
    };

    std::string assemble() {
        // A line with no code of its own (none is expected) sits where the previous ended.
        std::uint32_t last = 0;
        for (Line& l : lines_) {
            if (l.src_begin == kNoByte) {
                l.src_begin = last;
                l.src_end = std::max(l.src_end, last);
            }
            last = std::max(last, l.src_end);
        }
        // Each comment goes to exactly one place: before a line (a comment on its own line
        // between two lines of code), or with a line (one at the end of, or inside, the code
        // of that line).
        std::vector<std::vector<const Comment*>> before(lines_.size() + 1), with(lines_.size());
        std::size_t next = 0;  // the first line whose code starts after the comment
        for (const Comment& c : comments_) {
            while (next < lines_.size() && lines_[next].src_begin < c.span.begin)
                ++next;
            if (next == 0 || (own_line(c) && c.span.begin >= lines_[next - 1].src_end))
                before[next].push_back(&c);
            else
                with[next - 1].push_back(&c);
        }

        std::vector<Item> items;
        for (std::size_t i = 0; i <= lines_.size(); ++i) {
            const bool at_end = i == lines_.size();
            const Line* l = at_end ? nullptr : &lines_[i];
            const int indent = at_end ? 0 : l->comment_indent;
            const bool comment_blank_ok = at_end || l->kind != LineKind::Continuation;
            for (const Comment* c : before[i])
                items.push_back(
                    {nullptr, c, indent, comment_blank_ok, c->span.begin, c->span.end, nullptr});
            if (at_end)
                break;
            // Only one comment fits at the end of a line; others that were inside its code
            // (now joined on one line) go above it.
            const auto& w = with[i];
            for (std::size_t k = 0; k + 1 < w.size(); ++k)
                items.push_back(
                    {nullptr, w[k], indent,
                     k == 0 && l->kind != LineKind::Continuation && l->kind != LineKind::Close,
                     l->src_begin, w[k]->span.end, nullptr});
            items.push_back({l, nullptr, l->indent,
                             l->kind == LineKind::Statement || l->kind == LineKind::Field,
                             l->src_begin, l->src_end, w.empty() ? nullptr : w.back()});
        }

        struct Out {
            std::string code;
            std::string comment;
        };

        std::vector<Out> out;
        std::uint32_t prev_end = 0;
        bool have_prev = false, prev_opens = false;
        for (const Item& it : items) {
            if (have_prev && it.blank_ok && !prev_opens && blank_between(prev_end, it.anchor))
                out.push_back({});
            if (it.line)
                out.push_back({spaces(it.indent) + it.line->text,
                               it.trailing ? comment_text(*it.trailing) : std::string()});
            else
                out.push_back({spaces(it.indent) + comment_text(*it.comment), {}});
            prev_end = std::max(prev_end, it.end);
            have_prev = true;
            prev_opens = it.line && it.line->opens;
        }

        // Trailing comments on consecutive lines start in one column, two spaces after the
        // longest code among them.
        std::string result;
        for (std::size_t i = 0; i < out.size();) {
            if (out[i].comment.empty()) {
                result += out[i].code;
                result += '\n';
                ++i;
                continue;
            }
            std::size_t j = i;
            int col = 0;
            while (j < out.size() && !out[j].comment.empty())
                col = std::max(col, width(out[j++].code));
            for (std::size_t k = i; k < j; ++k) {
                result += out[k].code;
                result += spaces(col + 2 - width(out[k].code));
                result += out[k].comment;
                result += '\n';
            }
            i = j;
        }
        return result;
    }

    // Trailing blank space is not part of the layout.
    static std::string comment_text(const Comment& c) {
        std::string t = "#" + c.text;
        while (t.size() > 1 && is_blank_char(t.back()))
            t.pop_back();
        return t;
    }
};

}  // namespace

std::string format_module(const ast::Module& module, std::string_view source) {
    // The parser reads a byte-order mark as blank space; so does the formatter (offsets stay).
    std::string without_bom;
    if (source.substr(0, 3) == "\xEF\xBB\xBF") {
        without_bom = std::string(source);
        without_bom.replace(0, 3, "   ");
        source = without_bom;
    }
    return Formatter(source, module.comments).run(module.statements);
}

}  // namespace rnn::grammar
