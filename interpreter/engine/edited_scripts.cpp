#include "interpreter/engine/edited_scripts.hpp"

#include <fmt/format.h>

#include "runtime/sha256.hpp"

namespace rnn::interp {

namespace {

// Saved scripts are a few kilobytes; a larger file is read no further and counts as edited.
constexpr std::size_t kScriptLimit = std::size_t{16} << 20;

}  // namespace

bool is_figure_script(const std::string& rel) {
    return rel.size() > 3 && rel.ends_with(".gp");
}

std::optional<std::string> edited_script_elsewhere(const rt::Directory& out, const std::string& rel,
                                                   const std::string& bytes,
                                                   const PublishedFiles& before) {
    if (out.kind(rel) != rt::Directory::Kind::File)
        return std::nullopt;  // missing (written afresh) or not a file (the write refuses)
    std::string why;
    const auto now = out.read(rel, why, kScriptLimit);
    const auto listed = before.find(rel);
    const bool as_written = now && listed != before.end() && rt::sha256_hex(*now) == listed->second;
    if (as_written || (now && *now == bytes))
        return std::nullopt;
    return rel + ".new";
}

std::string kept_script_warning(const std::string& rel, const std::string& beside) {
    return fmt::format(
        "warning: '{}' was edited since rnnlab wrote it: kept; rnnlab's new script is '{}' "
        "(its picture is drawn from the new one; 'rnn plot RUN' draws yours again, and "
        "moving '{}' over '{}' takes rnnlab's)",
        rel, beside, beside, rel);
}

}  // namespace rnn::interp
