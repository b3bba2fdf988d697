// The first pass for statements and fields: prints them into lines, aligned as tables in
// runs not parted by a blank line, with blocks of fields one per line; a unit whose block
// call kept on one line is too long is printed again with its block calls expanded.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "grammar/format_lines.hpp"

namespace rnn::grammar::layout {

bool Formatter::overflows(std::size_t from) const {
    for (std::size_t i = from; i < lines_.size(); ++i)
        if (lines_[i].inline_block && lines_[i].indent + width(lines_[i].text) > kWidth)
            return true;
    return false;
}

// Prints one unit; when a line of it that holds a block call kept on one line is too
// long, prints it again with its block calls expanded.
template <typename Print> void Formatter::unit(const void* key, int indent, int pad, Print print) {
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

// Runs of statements not parted by a blank line are laid out as a table. A run holds
// no sweep and no statement with a block of fields, and either only plots or no plot.
// Plots align their `to` (among those on one line); the others align their keywords,
// and consecutive definitions of one kind (a list of analyses) the `=` after the name.
void Formatter::statements_at(const std::vector<Statement>& list, int indent) {
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
int Formatter::def_name_width(const Statement& s) {
    using SK = Statement::Kind;
    if (s.kind == SK::Seed || s.kind == SK::Output || s.kind == SK::Include || s.kind == SK::Plot
        || s.kind == SK::For)
        return -1;
    const std::size_t mark = lines_.size();
    open_line(0, LineKind::Statement, 0);
    def_name(s, 0);
    const int w = lines_.size() == mark + 1 ? width(cur().text) : -1;
    lines_.resize(mark);
    return w;
}

// Returns, for a plot, the offset of " to" in its first line (npos otherwise).
std::size_t Formatter::statement(const Statement& s, int indent, int kw_pad, int name_pad) {
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

void Formatter::def_name(const Statement& s, int pad) {
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

void Formatter::close_line(int indent, std::uint32_t brace) {
    open_line(indent, LineKind::Close, indent + kIndent);
    touch(brace, brace + 1);
    put("}");
}

// A block on its own lines: ` {`, one field per line, `}` (or ` {}` when empty).
void Formatter::fields_body(const std::vector<Field>& fields, std::uint32_t after,
                            std::uint32_t close, int indent) {
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

void Formatter::field(const Field& f, int pad) {
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

}  // namespace rnn::grammar::layout
