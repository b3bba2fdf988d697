#include "interpreter/paths.hpp"

#include <fmt/format.h>

namespace rnn::interp {

std::optional<char32_t> control_character(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto u = static_cast<unsigned char>(text[i]);
        if (u < 0x20 || u == 0x7f)
            return u;
        // U+0080-U+009F are encoded C2 80 - C2 9F.
        if (u == 0xc2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9f)
                return next;
        }
    }
    return std::nullopt;
}

std::string control_character_name(char32_t c) {
    const std::string code = fmt::format("U+{:04X}", static_cast<unsigned>(c));
    switch (c) {
        case '\n':
        case '\r':
            return code + " (a line break)";
        case '\t':
            return code + " (a tab)";
        default:
            return code;
    }
}

std::string unsafe_relative_path(std::string_view path) {
    if (path.empty())
        return "must not be empty";
    if (path.front() == '/' || path.front() == '~')
        return "must be a relative path";
    if (path.size() > 200)
        return "must be shorter than 200 characters";
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const std::string_view part =
            path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (part.empty())
            return "must not contain empty components ('//' or a trailing '/')";
        if (part == "..")
            return "must not contain '..'";
        if (part.front() == '.')
            return "must not contain hidden components (starting with '.')";
        if (slash == std::string_view::npos)
            break;
        start = slash + 1;
    }
    if (control_character(path) || path.find_first_of("\\`$'\"") != std::string_view::npos)
        return "must not contain control characters, quotes, '\\', '`' or '$'";
    return {};
}

std::string node_directory(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (c == ']')
            continue;
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                           || (c >= '0' && c <= '9') || c == '-' || c == '_'
                           || (c == '.' && !out.empty());
        out.push_back(plain ? c : '_');
    }
    return out;
}

std::string default_run_folder(std::string_view script_file_name) {
    std::string_view stem = script_file_name;
    if (const auto dot = stem.rfind('.'); dot != std::string_view::npos && dot > 0)
        stem = stem.substr(0, dot);
    std::string out;
    for (const char c : stem) {
        const bool plain =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
            || c == '_'
            || (c == '.' && !out.empty() && out.find_first_not_of('_') != std::string::npos);
        out.push_back(plain ? c : '_');
    }
    if (out.empty())
        out = "run";
    return out.substr(0, 100);
}

}  // namespace rnn::interp
