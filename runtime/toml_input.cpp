#include "runtime/toml_input.hpp"

#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "runtime/files.hpp"

namespace rnn::rt {

namespace {

// The pre-scan. It only has to agree with TOML on text the library would accept: where
// the text stops being TOML the library stops with an error, before it nests any deeper
// than what was scanned up to there.
class Scan {
public:
    Scan(std::string_view text, const TomlLimits& limits) : t_(text), limits_(limits) {}

    std::optional<std::string> run() {
        if (t_.size() > limits_.max_bytes)
            return fmt::format("it is {} ({} bytes), over the limit of {}",
                               describe_size(t_.size()), t_.size(),
                               describe_size(limits_.max_bytes));
        std::size_t header = 0;  // the depth of the current [table]
        while (i_ < t_.size() && !why_) {
            skip_blank();
            if (i_ >= t_.size())
                break;
            const char c = t_[i_];
            if (c == '\n') {
                ++line_;
                ++i_;
            } else if (c == '#') {
                skip_comment();
            } else if (c == '[') {
                const bool array = i_ + 1 < t_.size() && t_[i_ + 1] == '[';
                i_ += array ? 2 : 1;
                header = key(']') + (array ? 1 : 0);
                reach(header);
                while (i_ < t_.size() && t_[i_] == ']')
                    ++i_;
            } else {
                const std::size_t start = i_;
                const std::size_t parts = key('=');
                if (i_ < t_.size() && t_[i_] == '=') {
                    ++i_;
                    value(header + parts);
                } else if (i_ == start) {
                    ++i_;  // not TOML ('}' at the start of a line): the library says so
                }
            }
        }
        return why_;
    }

private:
    void skip_blank() {
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\r'))
            ++i_;
    }

    void skip_comment() {
        while (i_ < t_.size() && t_[i_] != '\n')
            ++i_;
    }

    // A string of any of TOML's four kinds, from its opening quote to past its closing one.
    // A one-line string ends at the end of its line at the latest.
    void skip_string() {
        const char q = t_[i_];
        const bool basic = q == '"';
        if (t_.substr(i_, 3) == std::string(3, q)) {
            for (i_ += 3; i_ < t_.size(); ++i_) {
                if (t_[i_] == '\n')
                    ++line_;
                else if (basic && t_[i_] == '\\' && i_ + 1 < t_.size())
                    line_ += t_[++i_] == '\n' ? 1 : 0;
                else if (t_.substr(i_, 3) == std::string(3, q)) {
                    i_ += 3;
                    // Up to two quotes of the content may touch the closing three.
                    for (int extra = 0; extra < 2 && i_ < t_.size() && t_[i_] == q; ++extra)
                        ++i_;
                    return;
                }
            }
            return;
        }
        for (++i_; i_ < t_.size() && t_[i_] != '\n'; ++i_) {
            if (basic && t_[i_] == '\\' && i_ + 1 < t_.size() && t_[i_ + 1] != '\n')
                ++i_;
            else if (t_[i_] == q) {
                ++i_;
                return;
            }
        }
    }

    // A key up to `end` (or the end of its line): its number of dotted parts, each counted
    // as an entry. Dots inside quoted parts separate nothing.
    std::size_t key(char end) {
        std::size_t parts = 1;
        while (i_ < t_.size() && t_[i_] != end && t_[i_] != '\n' && t_[i_] != '#'
               && !(end == '=' && (t_[i_] == '}' || t_[i_] == ','))) {
            if (t_[i_] == '"' || t_[i_] == '\'') {
                skip_string();
                continue;
            }
            parts += t_[i_] == '.' ? 1 : 0;
            ++i_;
        }
        count(parts);
        return parts;
    }

    struct Open {
        char kind;          // '[' or '{'
        std::size_t depth;  // of the container's own node
    };

    // A value whose node sits at `depth`: a scalar to the end of its line, or arrays and
    // inline tables to their closing bracket, over several lines for arrays.
    void value(std::size_t depth) {
        std::vector<Open> open;  // no deeper than the limit: the scan stops there
        std::size_t at = depth;  // of the value being read
        reach(at);
        while (i_ < t_.size() && !why_) {
            skip_blank();
            if (i_ >= t_.size())
                return;
            const char c = t_[i_];
            if (c == '"' || c == '\'') {
                skip_string();
            } else if (c == '[' || c == '{') {
                ++i_;
                count(1);
                open.push_back({c, at});
                at = element(open.back());
            } else if (c == ']' || c == '}') {
                ++i_;
                if (open.empty())
                    return;
                open.pop_back();
                if (open.empty())
                    return;
            } else if (c == ',') {
                ++i_;
                count(1);
                if (!open.empty())
                    at = element(open.back());
            } else if (c == '#') {
                skip_comment();
            } else if (c == '\n') {
                if (open.empty())
                    return;
                ++line_;
                ++i_;
            } else {
                ++i_;
            }
        }
    }

    // The depth of the next element of a container: one below an array; as many below an
    // inline table as its key (read here) has parts.
    std::size_t element(const Open& o) {
        std::size_t parts = 1;
        if (o.kind == '{') {
            skip_blank();
            if (i_ < t_.size() && t_[i_] != '}') {
                parts = key('=');
                if (i_ < t_.size() && t_[i_] == '=')
                    ++i_;
            }
        }
        reach(o.depth + parts);
        return o.depth + parts;
    }

    void reach(std::size_t depth) {
        if (depth > limits_.max_depth && !why_)
            why_ = fmt::format(
                "line {}: nested more than {} levels deep (dotted keys, [table] headers, arrays "
                "and inline tables together)",
                line_, limits_.max_depth);
    }

    void count(std::size_t n) {
        entries_ += n;
        if (entries_ > limits_.max_entries && !why_)
            why_ = fmt::format("line {}: more than {} keys and values", line_, limits_.max_entries);
    }

    std::string_view t_;
    const TomlLimits& limits_;
    std::size_t i_ = 0, line_ = 1, entries_ = 0;
    std::optional<std::string> why_;
};

}  // namespace

std::optional<std::string> toml_beyond_limits(std::string_view text, const TomlLimits& limits) {
    return Scan(text, limits).run();
}

std::optional<toml::table> parse_toml(std::string_view text, const std::string& name,
                                      std::string& why, const TomlLimits& limits) {
    if (auto beyond = toml_beyond_limits(text, limits)) {
        why = std::move(*beyond);
        return std::nullopt;
    }
    try {
        return toml::parse(text, name);
    } catch (const toml::parse_error& e) {
        std::ostringstream s;
        s << e.description() << " (line " << e.source().begin.line << ")";
        why = s.str();
        return std::nullopt;
    }
}

}  // namespace rnn::rt
