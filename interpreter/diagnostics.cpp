#include "interpreter/diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace rnn::interp {

std::uint32_t SourceMap::add(std::string path, std::string text, std::string directory) {
    std::vector<std::size_t> starts{0};
    for (std::size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', nl + 1))
        starts.push_back(nl + 1);
    files_.push_back({std::move(path), std::move(text), std::move(directory)});
    line_starts_.push_back(std::move(starts));
    return static_cast<std::uint32_t>(files_.size() - 1);
}

std::string_view SourceMap::line(std::uint32_t id, std::uint32_t line_no) const {
    const std::string& t = files_.at(id).text;
    const std::vector<std::size_t>& starts = line_starts_.at(id);
    if (line_no == 0 || line_no > starts.size())
        return {};
    const std::size_t start = starts[line_no - 1];
    auto end = t.find('\n', start);
    if (end == std::string::npos)
        end = t.size();
    if (end > start && t[end - 1] == '\r')
        --end;
    return std::string_view(t).substr(start, end - start);
}

std::string_view SourceMap::text(const ast::Span& s) const {
    const std::string& t = files_.at(s.file).text;
    if (s.begin >= t.size() || s.end <= s.begin)
        return {};
    return std::string_view(t).substr(s.begin, std::min<std::size_t>(s.end, t.size()) - s.begin);
}

Diagnostic& Diagnostics::error(Code code, const ast::Span& where, std::string message,
                               std::string help) {
    list_.push_back({Severity::Error, code, where, std::move(message), {}, std::move(help)});
    ++errors_;
    return list_.back();
}

Diagnostic& Diagnostics::warning(Code code, const ast::Span& where, std::string message,
                                 std::string help) {
    list_.push_back({Severity::Warning, code, where, std::move(message), {}, std::move(help)});
    return list_.back();
}

void Diagnostics::drop_repeats(std::size_t keep_from) {
    // What makes two diagnostics the same; a set of them keeps this linear in their number.
    using Same = std::tuple<Code, std::uint32_t, std::uint32_t, std::uint32_t, std::string_view>;
    const auto same = [](const Diagnostic& d) {
        return Same{d.code, d.span.file, d.span.begin, d.span.end, d.message};
    };
    const std::size_t first = std::min(keep_from, list_.size());
    std::set<Same> seen;
    std::vector<bool> keep(list_.size(), true);
    for (std::size_t i = 0; i < list_.size(); ++i)
        keep[i] = seen.insert(same(list_[i])).second || i < first;
    // Moved only once every comparison is done: the set views the messages in place.
    std::vector<Diagnostic> kept;
    kept.reserve(list_.size());
    for (std::size_t i = 0; i < list_.size(); ++i)
        if (keep[i])
            kept.push_back(std::move(list_[i]));
    list_ = std::move(kept);
    errors_ = static_cast<std::size_t>(std::count_if(
        list_.begin(), list_.end(), [](const auto& d) { return d.severity == Severity::Error; }));
}

bool Diagnostics::has_errors() const {
    return errors_ > 0;
}

std::size_t Diagnostics::error_count() const {
    return errors_;
}

void Diagnostics::add_note_since(std::size_t first, const ast::Span& where,
                                 const std::string& text) {
    for (std::size_t i = first; i < list_.size(); ++i)
        list_[i].notes.emplace_back(where, text);
}

namespace {

std::string location(const ast::Span& s, const SourceMap& sources) {
    const std::string& path =
        s.file < sources.size() ? sources.file(s.file).path : std::string("<input>");
    if (s.line == 0)
        return path;
    return fmt::format("{}:{}:{}", path, s.line, s.column);
}

// The length of the valid UTF-8 sequence at `i`, or 0 if the byte there does not start one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > text.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
            return 0;
    return n;
}

// The source line as it may be shown on a terminal: control characters and bytes that are
// not UTF-8 become '?', so a hostile file cannot send escape sequences. `column` (bytes,
// 1-based) comes back as the number of characters before it, for placing the caret.
std::string printable(std::string_view line, std::uint32_t column, std::size_t& chars_before) {
    std::string out;
    chars_before = 0;
    for (std::size_t i = 0; i < line.size();) {
        const std::size_t n = utf8_length(line, i);
        const auto c = static_cast<unsigned char>(line[i]);
        if (n == 0 || (n == 1 && ((c < 0x20 && c != '\t') || c == 0x7F)))
            out.push_back('?');
        else
            out.append(line.substr(i, n));
        if (i + 1 < column)
            ++chars_before;
        i += n == 0 ? 1 : n;
    }
    return out;
}

// The source line and a marker under the span (a caret, then tildes to its end on that line).
std::string excerpt(const ast::Span& s, const SourceMap& sources, bool color) {
    if (s.file >= sources.size() || s.line == 0)
        return {};
    const std::string_view raw = sources.line(s.file, s.line);
    if (raw.size() > 1000)  // a generated or hostile line: not worth a screenful
        return fmt::format("  (the line is {} bytes long; not shown)\n", raw.size());
    std::size_t before = 0;
    const std::string line = printable(raw, s.column, before);
    std::string out = fmt::format("  {}\n  ", line);
    // Tabs stay tabs so the caret lines up however the terminal sets its tab stops.
    std::size_t shown = 0;
    for (std::size_t i = 0; i < raw.size() && shown < before;) {
        const std::size_t n = std::max<std::size_t>(utf8_length(raw, i), 1);
        out.push_back(raw[i] == '\t' ? '\t' : ' ');
        ++shown;
        i += n;
    }
    std::size_t width = s.end > s.begin ? s.end - s.begin : 1;
    const std::size_t room = raw.size() >= s.column ? raw.size() - s.column + 1 : 1;
    width = std::clamp<std::size_t>(width, 1, std::max<std::size_t>(room, 1));
    width = std::min<std::size_t>(width, 200);  // a megabyte-long construct: mark its start
    std::string marker(width, '~');
    marker[0] = '^';
    out += color ? "\x1b[1;32m" + marker + "\x1b[0m" : marker;
    return out + "\n";
}

}  // namespace

std::string render(const Diagnostic& d, const SourceMap& sources, bool color) {
    const bool error = d.severity == Severity::Error;
    const std::string label = error ? "error" : "warning";
    const std::string painted =
        color ? fmt::format("\x1b[1;{}m{}:\x1b[0m", error ? 31 : 35, label) : label + ":";
    std::string out = fmt::format("{}: {} {} [{}]\n", location(d.span, sources), painted, d.message,
                                  code_info(d.code).id);
    out += excerpt(d.span, sources, color);
    for (const auto& [span, text] : d.notes) {
        out += fmt::format("{}: {} {}\n", location(span, sources),
                           color ? "\x1b[1;36mnote:\x1b[0m" : "note:", text);
        out += excerpt(span, sources, color);
    }
    if (!d.help.empty())
        out += fmt::format("  help: {}\n", d.help);
    return out;
}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}
}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    // Case is ignored: `RNN` is most likely `rnn`.
    auto lower = [](std::string_view x) {
        std::string out(x);
        for (auto& ch : out)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return out;
    };
    const std::string wanted = lower(name);
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(wanted, lower(c));
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

std::string suggestion(std::string_view name, const std::vector<std::string>& candidates) {
    const std::string best = closest_name(name, candidates);
    if (!best.empty())
        return fmt::format("did you mean '{}'?", best);
    if (candidates.empty() || candidates.size() > 12)
        return {};
    std::string list;
    for (std::size_t i = 0; i < candidates.size(); ++i)
        list += (i ? ", " : "") + candidates[i];
    return "expected one of: " + list;
}

}  // namespace rnn::interp
