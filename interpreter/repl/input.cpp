#include "interpreter/repl/input.hpp"

#include <cctype>

#include "grammar/keywords.hpp"

namespace rnn::interp::repl {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::optional<Query> parse_query(const std::string& s) {
    std::size_t i = 0;
    Query q;
    if (s.empty() || !ident_start(s[0]))
        return std::nullopt;
    while (i < s.size() && ident_char(s[i]))
        q.name += s[i++];
    if (grammar::find_keyword(q.name) != nullptr)
        return std::nullopt;
    if (i < s.size() && s[i] == '[') {
        const auto close = s.find(']', i);
        if (close == std::string::npos)
            return std::nullopt;
        std::string index;
        for (std::size_t k = i; k <= close; ++k)
            if (s[k] != ' ' && s[k] != '\t')
                index += s[k];
        q.name += index;
        i = close + 1;
    }
    while (i < s.size()) {
        if (s[i] != '.' || i + 1 >= s.size() || !ident_start(s[i + 1]))
            return std::nullopt;
        ++i;
        std::string m;
        while (i < s.size() && ident_char(s[i]))
            m += s[i++];
        q.members.push_back(m);
    }
    return q;
}

}  // namespace rnn::interp::repl
