#include "grammar/lexical.hpp"

namespace rnn::grammar {

std::vector<ast::Comment> collect_comments(std::string_view source, std::uint32_t file_id) {
    std::vector<ast::Comment> out;
    scan_source(
        source, source.size(), [](std::size_t, std::uint32_t, std::uint32_t) {},
        [&](std::size_t begin, std::size_t end, std::uint32_t line, std::uint32_t column) {
            std::string text(source.substr(begin + 1, end - begin - 1));
            if (!text.empty() && text.back() == '\r')
                text.pop_back();
            out.push_back({{file_id, line, column, static_cast<std::uint32_t>(begin),
                            static_cast<std::uint32_t>(end)},
                           std::move(text)});
        });
    return out;
}

std::optional<std::size_t> unclosed(std::string_view source, std::size_t at, char opening,
                                    char closing) {
    std::vector<std::size_t> open;
    scan_source(
        source, at,
        [&](std::size_t i, std::uint32_t, std::uint32_t) {
            if (source[i] == opening)
                open.push_back(i);
            else if (source[i] == closing && !open.empty())
                open.pop_back();
        },
        [](std::size_t, std::size_t, std::uint32_t, std::uint32_t) {});
    if (open.empty())
        return std::nullopt;
    return open.back();
}

// The 1-based line and column of a byte.
std::pair<std::uint32_t, std::uint32_t> position_of(std::size_t byte, std::string_view source) {
    std::uint32_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte && i < source.size(); ++i) {
        if (source[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

std::string opened_at(std::size_t byte, std::string_view source) {
    const auto [line, column] = position_of(byte, source);
    return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace rnn::grammar
