#include "interpreter/load.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "grammar/parser.hpp"
#include "interpreter/check/check.hpp"
#include "runtime/files.hpp"

namespace rnn::interp {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxIncludeDepth = 32;

class Loader {
public:
    Loader(Loaded& out, const LoadOptions& options) : out_(out), options_(options) {
        for (std::uint32_t id = 0; id < out_.sources.size(); ++id)
            total_ += out_.sources.file(id).text.size();
    }

    // Parses file `id` and splices the statements of the files it includes in place of
    // each `include`. Returns false on a syntax error (reported).
    bool parse_into(std::uint32_t id, std::vector<ast::Statement>& into) {
        const SourceFile& f = out_.sources.file(id);
        ast::Module module;
        try {
            module = grammar::parse(f.text, id, f.path);
        } catch (const grammar::ParseFailure& e) {
            out_.diagnostics.error(code_from_id(e.error.code).value_or(Code::ExpectedStatement),
                                   e.error.where, e.error.message);
            return false;
        }
        bool ok = true;
        for (auto& s : module.statements) {
            if (s.kind != ast::Statement::Kind::Include) {
                reject_nested_includes(s);
                into.push_back(std::move(s));
                continue;
            }
            ok = include(id, s, into) && ok;
        }
        return ok;
    }

    std::vector<fs::path> stack;  // canonical paths of the files being read

private:
    void reject_nested_includes(const ast::Statement& s) {
        for (const auto& c : s.children) {
            if (c.kind == ast::Statement::Kind::Include)
                out_.diagnostics.error(Code::TopLevelOnly, c.keyword_span,
                                       "'include' is only allowed at the top level of a file",
                                       "move the include out of the 'for' block");
            reject_nested_includes(c);
        }
    }

    bool include(std::uint32_t from, const ast::Statement& s, std::vector<ast::Statement>& into) {
        const std::string& name = s.head->text;
        if (!options_.allow_includes) {
            out_.diagnostics.error(Code::IncludeMissing, s.keyword_span,
                                   "'include' is switched off for this input");
            return true;
        }
        const fs::path written(name);
        if (name.empty() || written.is_absolute()) {
            out_.diagnostics.error(Code::IncludeAbsolute, s.head->span,
                                   "an include path must be relative to the including file",
                                   "write a path such as \"common/tasks.rnn\"; absolute paths "
                                   "stop the experiment from moving to another machine");
            return true;
        }
        const fs::path base = out_.sources.file(from).paths_relative_to();
        const fs::path path = (base / written).lexically_normal();
        std::error_code ec;
        const fs::path canonical = fs::weakly_canonical(path, ec);
        for (const auto& open : stack) {
            if (open == canonical) {
                auto& d = out_.diagnostics.error(
                    Code::IncludeCycle, s.head->span,
                    fmt::format("'{}' includes itself (through a cycle of includes)", name));
                d.help = "shared definitions belong in a file that includes nothing back";
                return true;
            }
        }
        if (static_cast<int>(stack.size()) >= kMaxIncludeDepth) {
            out_.diagnostics.error(
                Code::IncludeTooDeep, s.head->span,
                fmt::format("includes nested more than {} files deep", kMaxIncludeDepth));
            return true;
        }
        // A file reached twice (two files both including a shared one) is read once.
        if (!included_.insert(canonical).second)
            return true;
        std::string why;
        auto text = rt::read_file(path, why, rt::kMaxScriptBytes);
        if (!text) {
            out_.diagnostics.error(Code::IncludeMissing, s.head->span,
                                   fmt::format("cannot include '{}': {}", path.string(), why),
                                   fmt::format("an included file is a regular file of at most "
                                               "{}, its path relative to the including file",
                                               rt::describe_size(rt::kMaxScriptBytes)));
            return true;
        }
        if (!within_total(text->size())) {
            out_.diagnostics.error(
                Code::IncludeMissing, s.head->span,
                fmt::format("cannot include '{}': the script and its includes would hold more "
                            "than {}",
                            path.string(), rt::describe_size(rt::kMaxScriptTotalBytes)),
                "split the experiment into scripts of their own");
            return true;
        }
        const std::uint32_t id = out_.sources.add(path.string(), std::move(*text));
        stack.push_back(canonical);
        const bool ok = parse_into(id, into);
        stack.pop_back();
        return ok;
    }

    // Whether `bytes` more keep every file read for the script within the total limit.
    bool within_total(std::size_t bytes) {
        if (total_ + bytes > rt::kMaxScriptTotalBytes)
            return false;
        total_ += bytes;
        return true;
    }

    Loaded& out_;
    const LoadOptions& options_;
    std::set<fs::path> included_;
    std::uint64_t total_ = 0;  // bytes of the script and the files it includes, so far
};

// Checks the script in sources 0 .. pieces - 1, read in that order as one file.
void check_loaded(Loaded& out, const LoadOptions& options, std::uint32_t pieces = 1) {
    Loader loader(out, options);
    ast::Module whole;
    bool parsed = true;
    for (std::uint32_t id = 0; id < pieces; ++id) {
        std::error_code ec;
        loader.stack.assign(1, fs::weakly_canonical(out.sources.file(id).path, ec));
        parsed = loader.parse_into(id, whole.statements) && parsed;
    }
    if (!parsed)
        return;
    // Without the files it includes, the experiment would report every name they define
    // as unknown: fix the includes first.
    if (out.diagnostics.has_errors())
        return;
    out.files = static_cast<std::uint32_t>(out.sources.size());
    apply_overrides(whole, options.overrides, out.sources, out.diagnostics);
    if (out.diagnostics.has_errors())
        return;
    out.program = check(whole, out.diagnostics, options.allow_includes ? &out.sources : nullptr,
                        options.memory_limit ? &*options.memory_limit : nullptr);
}

}  // namespace

Loaded load_file(const std::string& path, const LoadOptions& options) {
    Loaded out;
    std::string why;
    auto text = rt::read_file(path, why, rt::kMaxScriptBytes);
    const std::uint32_t id = out.sources.add(path, text ? std::move(*text) : std::string());
    if (!text) {
        out.diagnostics.error(Code::CannotRead, ast::Span{id, 0, 0, 0, 0},
                              fmt::format("cannot read the script: {}", why));
        return out;
    }
    check_loaded(out, options);
    return out;
}

Loaded load_text(const std::string& name, std::string text, const LoadOptions& options) {
    Loaded out;
    out.sources.add(name, std::move(text));
    check_loaded(out, options);
    return out;
}

Loaded load_pieces(const std::vector<ScriptPiece>& pieces, const LoadOptions& options) {
    Loaded out;
    for (const auto& p : pieces)
        out.sources.add(p.name, p.text, p.directory);
    if (pieces.empty())
        out.sources.add("<empty>", "");
    check_loaded(out, options, static_cast<std::uint32_t>(std::max<std::size_t>(pieces.size(), 1)));
    return out;
}

std::string render_all(const Loaded& loaded, bool color) {
    std::string out;
    for (const auto& d : loaded.diagnostics.all())
        out += render(d, loaded.sources, color);
    const std::size_t n = loaded.diagnostics.error_count();
    if (n > 0)
        out += fmt::format("{} error{} in {}\n", n, n == 1 ? "" : "s", loaded.sources.file(0).path);
    return out;
}

}  // namespace rnn::interp
