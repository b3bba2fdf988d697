#include "interpreter/cli/arguments.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

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

std::optional<double> parse_size(const std::string& text) {
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])))
        return std::nullopt;
    char* end = nullptr;
    const double n = std::strtod(text.c_str(), &end);
    // The unit: none, "B", or K, M, G, T or P followed by nothing, "B" or "iB".
    const std::string_view unit(end);
    double scale = 1.0;
    if (!unit.empty() && unit != "B") {
        const std::size_t power = std::string_view("KMGTP").find(
            static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0]))));
        const std::string_view rest = unit.substr(1);
        if (power == std::string_view::npos || !(rest.empty() || rest == "B" || rest == "iB"))
            return std::nullopt;
        scale = std::pow(1024.0, static_cast<double>(power + 1));
    }
    if (!(n > 0) || !std::isfinite(n * scale))
        return std::nullopt;
    return n * scale;
}

bool max_memory_option(const std::string& value, std::string& text, double& bytes,
                       const char* cmd) {
    const auto size = parse_size(value);
    if (!size) {
        fmt::print(stderr,
                   "{}: --max-memory needs a size such as 4G, 512M or 1.5T (powers of 1024), "
                   "not '{}'\n",
                   cmd, value);
        return false;
    }
    text = value;
    bytes = *size;
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
