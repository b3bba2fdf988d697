#include "interpreter/cli/arguments.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "runtime/files.hpp"

namespace rnn::cli {

bool parse_flags(const std::vector<std::string>& args,
                 std::initializer_list<std::pair<const char*, bool*>> flags, std::string& operand,
                 const char* usage) {
    for (const auto& a : args) {
        const auto flag =
            std::find_if(flags.begin(), flags.end(), [&](const auto& f) { return a == f.first; });
        if (flag != flags.end())
            *flag->second = true;
        else if (!a.empty() && a[0] != '-' && operand.empty())
            operand = a;
        else {
            fmt::print(stderr, "{}", usage);
            return false;
        }
    }
    return true;
}

bool parse_jobs(const std::string& text, int& jobs) {
    char* end = nullptr;
    const long n = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || n < 1 || n > 256)
        return false;
    jobs = static_cast<int>(n);
    return true;
}

std::optional<std::vector<std::uint64_t>> parse_node_keys(const std::string& list) {
    std::vector<std::uint64_t> keys;
    for (std::size_t from = 0;;) {
        const std::size_t comma = std::min(list.find(',', from), list.size());
        const std::string key = list.substr(from, comma - from);
        if (key.size() != 16 || key.find_first_not_of("0123456789abcdef") != std::string::npos)
            return std::nullopt;
        keys.push_back(std::stoull(key, nullptr, 16));
        if (comma == list.size())
            return keys;
        from = comma + 1;
    }
}

bool read_overrides(const char* cmd, RunRequest& r, const std::vector<interp::Override>& sets) {
    if (!r.config_path.empty()) {
        std::string why;
        const auto text = rt::read_file(r.config_path, why, rt::kMaxConfigBytes);
        if (!text) {
            fmt::print(stderr, "{}: cannot read '{}': {}\n", cmd, r.config_path, why);
            return false;
        }
        r.config_text = *text;
        const auto overrides = interp::parse_config(*text, r.config_path, why);
        if (!overrides) {
            fmt::print(stderr, "{}: {}: {}\n", cmd, r.config_path, why);
            return false;
        }
        r.overrides = *overrides;
    }
    r.overrides.insert(r.overrides.end(), sets.begin(), sets.end());
    return true;
}

}  // namespace rnn::cli
