#include "interpreter/engine/edited_scripts.hpp"

#include <fmt/format.h>

#include "runtime/files.hpp"
#include "runtime/sha256.hpp"

namespace rnn::interp {

bool is_figure_script(const std::string& rel) {
    return rel.size() > 3 && rel.ends_with(".gp");
}

std::optional<std::string> edited_script_elsewhere(const rt::Directory& out, const std::string& rel,
                                                   const std::string& bytes,
                                                   const PublishedFiles& before) {
    if (out.kind(rel) != rt::Directory::Kind::File)
        return std::nullopt;  // missing (written afresh) or not a file (the write refuses)
    std::string why;
    // A script past the script limit is not rnnlab's: read no further, it counts as edited.
    const auto now = out.read(rel, why, rt::kMaxScriptBytes);
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
