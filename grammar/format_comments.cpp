// The second pass: places every comment by its byte offset relative to the printed lines'
// source ranges, decides the blank lines, and aligns trailing comments.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "grammar/format_lines.hpp"

namespace rnn::grammar::layout {

namespace {

struct Item {
    const Line* line = nullptr;        // a line of code, or
    const Comment* comment = nullptr;  // a comment on its own line
    int indent = 0;
    bool blank_ok = false;
    std::uint32_t anchor = 0;  // a blank line before it is looked for up to here
    std::uint32_t end = 0;
    const Comment* trailing = nullptr;
};

// Trailing blank space is not part of the layout.
std::string comment_text(const Comment& c) {
    std::string t = "#" + c.text;
    while (t.size() > 1 && is_blank_char(t.back()))
        t.pop_back();
    return t;
}

}  // namespace

std::string Formatter::assemble() {
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
                         l->kind == LineKind::Statement || l->kind == LineKind::Field, l->src_begin,
                         l->src_end, w.empty() ? nullptr : w.back()});
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

}  // namespace rnn::grammar::layout
