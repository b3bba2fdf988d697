// libFuzzer target over the --config reader: any bytes through parse_config (the TOML
// limits of runtime/toml_input, toml++, the flattening into overrides), then the overrides
// applied to a small fixed script and checked, and every diagnostic rendered. The contract:
// no throw, crash, hang or sanitizer report for any bytes, and a refusal always says why.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "interpreter/load.hpp"
#include "interpreter/overrides.hpp"

namespace {

// Every kind of place an override reaches: seed, output, fields, a block call's fields,
// a call's named arguments, tensor modifiers, a field holding modifiers only, a sweep.
const char* const kScript = R"(seed 1
output "runs/fuzz"
task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }
network n = rnn { units = 8, bias = false
  W_self : symmetric, init normal(0.1) }
train fit = n on m { loss = -mean(overlap, during: retain), epochs = 5,
  optimizer = adam { lr = 0.005, w : fixed }, stop_when = reaction >= 0.9 for 3 epochs }
for s in 1..2 {
  train more[s] = n on m { loss = -mean(overlap, during: retain), seed = s }
}
evaluate test = fit on m
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::string why;
    const auto overrides = rnn::interp::parse_config(text, "fuzz.toml", why);
    if (!overrides) {
        if (why.empty())
            std::abort();  // a refusal without a reason
        return 0;
    }
    rnn::interp::LoadOptions options{.allow_includes = false};
    options.overrides = *overrides;
    const rnn::interp::Loaded loaded = rnn::interp::load_text("fuzz.rnn", kScript, options);
    const std::string rendered = rnn::interp::render_all(loaded, false);
    if (loaded.program && loaded.diagnostics.has_errors())
        std::abort();
    if (loaded.diagnostics.has_errors() && rendered.empty())
        std::abort();
    return 0;
}
