// Errors for people: `file:line:col: error: message`, the source line, a caret under the
// place, notes that point elsewhere ("defined here"), and a suggestion where one exists.
// The checker collects every diagnostic of a file before anything runs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/diagnostic_codes.hpp"

namespace rnn::interp {

struct SourceFile {
    std::string path;  // as the user named it
    std::string text;
    // Where the relative paths in the text (includes, arrays, data files) resolve, when not
    // beside `path`: the REPL's statements loaded from a file elsewhere.
    std::string directory = {};

    std::filesystem::path paths_relative_to() const {
        return directory.empty() ? std::filesystem::path(path).parent_path()
                                 : std::filesystem::path(directory);
    }
};

class SourceMap {
public:
    std::uint32_t add(std::string path, std::string text, std::string directory = {});

    const SourceFile& file(std::uint32_t id) const { return files_.at(id); }

    std::size_t size() const { return files_.size(); }

    // The text of a 1-based line, without its newline.
    std::string_view line(std::uint32_t id, std::uint32_t line) const;
    // The source text a span covers.
    std::string_view text(const ast::Span& s) const;

private:
    std::vector<SourceFile> files_;
    // Per file, the offset of each line's first byte: a diagnostic's line is found in
    // constant time, so rendering many diagnostics stays linear in their number.
    std::vector<std::vector<std::size_t>> line_starts_;
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    Code code = Code::ExpectedStatement;
    ast::Span span;
    std::string message;
    std::vector<std::pair<ast::Span, std::string>> notes;
    std::string help;  // "did you mean 'x'?" and the like
};

class Diagnostics {
public:
    Diagnostic& error(Code code, const ast::Span& where, std::string message,
                      std::string help = {});
    Diagnostic& warning(Code code, const ast::Span& where, std::string message,
                        std::string help = {});
    bool has_errors() const;
    std::size_t error_count() const;

    const std::vector<Diagnostic>& all() const { return list_; }

    // Drops diagnostics after the first `keep_from` that repeat an earlier one (same
    // code, place and message): a mistake in a sweep's body is reported once, not once
    // per instance.
    void drop_repeats(std::size_t keep_from);

    // Adds the same note to every diagnostic from index `first` on.
    void add_note_since(std::size_t first, const ast::Span& where, const std::string& text);

private:
    std::vector<Diagnostic> list_;
    std::size_t errors_ = 0;  // kept as they are added: the checker asks often
};

// Renders one diagnostic; colour only when asked (on a terminal). A span with line 0
// names only the file (`script.rnn: error: ...`).
std::string render(const Diagnostic& d, const SourceMap& sources, bool color);

// The closest candidate to `name` by edit distance, or "" if none is close enough.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

// "did you mean 'x'?" or "" (then, when short, the list of what is allowed).
std::string suggestion(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace rnn::interp
