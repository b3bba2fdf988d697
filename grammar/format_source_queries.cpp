// What the formatter asks of the source text: where it had line breaks, blank lines,
// comments and closing braces. The layout keeps these, so both passes consult them.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "grammar/format_lines.hpp"

namespace rnn::grammar::layout {

bool Formatter::newline_between(std::uint32_t a, std::uint32_t b) const {
    if (a >= b || b > src_.size())
        return false;
    return src_.substr(a, b - a).find('\n') != std::string_view::npos;
}

// A line holding only blank space lies strictly between byte a and byte b.
bool Formatter::blank_between(std::uint32_t a, std::uint32_t b) const {
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

bool Formatter::own_line(const Comment& c) const {
    for (std::size_t i = c.span.begin; i > 0; --i) {
        const char ch = src_[i - 1];
        if (ch == '\n')
            return true;
        if (!is_blank_char(ch))
            return false;
    }
    return true;
}

bool Formatter::comment_within(std::uint32_t after, std::uint32_t before) const {
    const auto it =
        std::upper_bound(comments_.begin(), comments_.end(), after,
                         [](std::uint32_t pos, const Comment& c) { return pos < c.span.begin; });
    return it != comments_.end() && it->span.begin < before;
}

// The closing brace of a construct whose span ends with it.
std::uint32_t Formatter::close_brace(const ast::Span& span) const {
    std::uint32_t end = std::min<std::uint32_t>(span.end, static_cast<std::uint32_t>(src_.size()));
    while (end > span.begin && src_[end - 1] != '}')
        --end;
    return end > span.begin ? end - 1 : span.end;
}

}  // namespace rnn::grammar::layout
