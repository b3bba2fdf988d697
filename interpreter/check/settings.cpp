#include "interpreter/check/settings.hpp"

#include <cmath>

#include "interpreter/check/expressions.hpp"
#include "interpreter/paths.hpp"

namespace rnn::interp::checker {

namespace {

// A setting given twice is an error at the second, with a note at the first.
void set_once(Context& c, const ast::Statement& s, const ast::Statement*& first, Code code,
              const char* message) {
    if (first != nullptr)
        c.diags.error(code, s.keyword_span, message)
            .notes.emplace_back(first->keyword_span, "first set here");
    else
        first = &s;
}

}  // namespace

void check_seed(Context& c, const ast::Statement& s) {
    set_once(c, s, c.first_seed, Code::SeedTwice, "the script seed is set twice");
    const auto v = constant_number(*s.head);
    if (!v || *v < 0 || *v != std::floor(*v) || *v > 9.0e15)
        c.diags.error(Code::BadSeed, s.head->span,
                      "the seed must be a whole number from 0 to 9e15");
    else
        c.program.seed = static_cast<std::uint64_t>(*v);
}

void check_output(Context& c, const ast::Statement& s) {
    set_once(c, s, c.first_output, Code::OutputTwice, "the output directory is set twice");
    const std::string& path = s.head->text;
    if (const std::string why = unsafe_relative_path(path); !why.empty())
        c.diags.error(
            Code::UnsafePath, s.head->span, "the output directory " + why,
            "write a relative path such as \"runs/name\", or pass --out DIR to 'rnn run'");
    else
        c.program.output = path;
}

}  // namespace rnn::interp::checker
