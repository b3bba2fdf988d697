// libFuzzer target over the whole front end: parse, include resolution (disabled: fuzz
// input must never reach the file system), the whole-program check, and the rendering of
// every diagnostic. The contract under test: load_text never throws, crashes or hangs for
// any byte string. The sanitizers turn silent memory errors and undefined behaviour into
// reports, and libFuzzer reports an escaping exception as a crash (std::terminate).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "interpreter/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The bytes as a file would hold them: NULs and invalid UTF-8 kept, no terminator.
    std::string text(reinterpret_cast<const char*>(data), size);
    const rnn::interp::Loaded loaded = rnn::interp::load_text(
        "fuzz.rnn", std::move(text), rnn::interp::LoadOptions{.allow_includes = false});
    // Rendering reads lines and spans back out of the text, so a span past the end or in the
    // middle of a line break shows up here. Colour takes a different path through the marker.
    const std::string plain = rnn::interp::render_all(loaded, false);
    const std::string colored = rnn::interp::render_all(loaded, true);
    // A program comes only from an error-free check: both at once is a front-end bug, and
    // an error that renders to nothing would leave the user without a message.
    if (loaded.program && loaded.diagnostics.has_errors())
        std::abort();
    if (loaded.diagnostics.has_errors() && (plain.empty() || colored.empty()))
        std::abort();
    return 0;
}
