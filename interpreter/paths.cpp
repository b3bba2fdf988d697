#include "interpreter/paths.hpp"

namespace rnn::interp {

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
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\' || c == '`' || c == '$' || c == '\'' || c == '"')
            return "must not contain control characters, quotes, '\\', '`' or '$'";
    }
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
