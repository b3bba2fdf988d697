// rnn fmt FILE [--check | --write]: FILE in the canonical layout (grammar/format.cpp).
#include <cstdio>

#include <fmt/format.h>

#include "grammar/format.hpp"
#include "grammar/parser.hpp"
#include "interpreter/cli/arguments.hpp"
#include "interpreter/cli/commands.hpp"
#include "interpreter/cli/script.hpp"
#include "interpreter/diagnostics.hpp"
#include "runtime/files.hpp"

namespace rnn::cli {

namespace {

// --check: exit 1 when the file is not already laid out; --write: rewrite it if not.
int check_or_write(const std::string& file, const std::string& text, const std::string& formatted,
                   bool check) {
    if (check) {
        if (formatted == text)
            return kOk;
        fmt::print(stderr, "{}: not in the canonical layout (run 'rnn fmt {} --write')\n", file,
                   file);
        return kScriptError;
    }
    if (formatted != text) {
        try {
            rt::write_file_atomically(file, formatted);
        } catch (const std::exception& e) {
            fmt::print(stderr, "rnn fmt: {}\n", e.what());
            return kRuntimeFailure;
        }
    }
    return kOk;
}

}  // namespace

int cmd_fmt(const Args& args) {
    constexpr const char* usage = "usage: rnn fmt FILE [--check | --write]\n";
    std::string file;
    bool check = false, write = false;
    if (!parse_flags(args, {{"--check", &check}, {"--write", &write}}, file, usage))
        return kUsage;
    if (file.empty() || (check && write)) {
        fmt::print(stderr, "{}", usage);
        return kUsage;
    }
    // Formatting needs only the syntax: a file that does not check yet can still be laid out.
    interp::SourceMap sources;
    std::string why;
    const auto read = rt::read_file(file, why, rt::kMaxScriptBytes);
    if (!read) {
        fmt::print(stderr, "{}: error: cannot read the script: {} [E0001]\n", file, why);
        return kScriptError;
    }
    const std::string& text = *read;
    const std::uint32_t id = sources.add(file, text);
    std::string formatted;
    try {
        formatted = grammar::format_module(grammar::parse(text, id, file), text);
    } catch (const grammar::ParseFailure& f) {
        interp::Diagnostics diags;
        diags.error(interp::code_from_id(f.error.code).value_or(interp::Code::ExpectedStatement),
                    f.error.where, f.error.message);
        fmt::print(stderr, "{}",
                   interp::render(diags.all().front(), sources, stderr_is_terminal()));
        return kScriptError;
    }
    if (check || write)
        return check_or_write(file, text, formatted, check);
    fmt::print("{}", formatted);
    return kOk;
}

}  // namespace rnn::cli
