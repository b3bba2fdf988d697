#include "interpreter/check/files.hpp"

#include <fmt/format.h>

#include "runtime/files.hpp"
#include "runtime/hash.hpp"

namespace rnn::interp::checker {

std::optional<std::filesystem::path> beside_script(const Context& c, const ast::Span& where,
                                                   const std::string& name) {
    if (c.sources == nullptr || where.file >= c.sources->size())
        return std::nullopt;
    return (c.sources->file(where.file).paths_relative_to() / name).lexically_normal();
}

std::optional<std::string> data_file(Context& c, const ast::Expr& e) {
    const std::string& name = e.text;
    const char* help = "name a text file relative to the script, e.g. \"data/corpus.txt\"";
    if (name.empty() || name.front() == '/') {
        c.diags.error(Code::DataFile, e.span,
                      "a data file must be named relative to the script that names it", help);
        return std::nullopt;
    }
    const auto beside = beside_script(c, e.span, name);
    if (!beside) {
        c.diags.error(Code::DataFile, e.span, "files are switched off for this input");
        return std::nullopt;
    }
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::absolute(*beside, ec);
    // Read whole here (to hash it) and again by the task.
    std::string why;
    const auto bytes = rt::read_file(path, why, rt::kMaxDataFileBytes);
    if (!bytes) {
        c.diags.error(Code::DataFile, e.span, fmt::format("cannot read '{}': {}", name, why), help);
        return std::nullopt;
    }
    c.file_hashes[path.string()] = rt::hex64(rt::hash64(*bytes));
    return path.string();
}

std::string files_key(const Context& c, const stdlib::Schema& schema,
                      const stdlib::Params& params) {
    std::string key;
    for (const auto& spec : schema.params)
        if (spec.type == stdlib::ParamType::File && params.has(spec.name))
            if (const auto* path = std::get_if<std::string>(&params.get(spec.name)))
                if (const auto hash = c.file_hashes.find(*path); hash != c.file_hashes.end())
                    key += spec.name + ":" + hash->second + ",";
    return key;
}

}  // namespace rnn::interp::checker
