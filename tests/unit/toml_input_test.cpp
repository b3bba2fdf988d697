// The TOML pre-scan (runtime/toml_input.hpp, issue 23 class 6): nesting, entries and
// size are bounded before toml++ sees a text, so no text overflows its stack; strings and
// comments hide nothing from the count, and long valid files pass.
#include "runtime/toml_input.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "interpreter/overrides.hpp"

namespace rt = rnn::rt;

namespace {

std::string repeat(const std::string& s, std::size_t n) {
    std::string out;
    for (std::size_t k = 0; k < n; ++k)
        out += s;
    return out;
}

// `parts` names joined by dots.
std::string dotted(std::size_t parts) {
    return "a" + repeat(".a", parts - 1);
}

bool deep(const std::string& text) {
    const auto why = rt::toml_beyond_limits(text, {});
    return why && why->find("nested more than 64 levels") != std::string::npos;
}

}  // namespace

TEST_CASE("a dotted key, a table header, arrays or inline tables nested too deep are refused") {
    // Tens of thousands of levels crashed toml++ (SIGSEGV): refused before it sees them.
    CHECK(deep(dotted(50000) + " = 1\n"));
    CHECK(deep("[" + dotted(50000) + "]\nx = 1\n"));
    CHECK(deep("[[" + dotted(64) + "]]\nx = 1\n"));  // the array of tables is a level too
    CHECK(deep("a = " + repeat("[", 50000) + repeat("]", 50000) + "\n"));
    CHECK(deep("a = " + repeat("{b = ", 20000) + "1" + repeat("}", 20000) + "\n"));
    CHECK(deep("a = {" + dotted(70) + " = 1}\n"));
    // The levels add up: 30 of header, 30 of key, 10 of arrays.
    CHECK(deep("[" + dotted(30) + "]\n" + dotted(30) + " = " + repeat("[", 10) + repeat("]", 10)));
    // A multi-line array nests over lines; the line of the offence is named.
    const auto why = rt::toml_beyond_limits(
        "x = 1\ny = [\n" + repeat("[\n", 70) + repeat("]\n", 70) + "]\n", {});
    REQUIRE(why);
    CHECK_MESSAGE(why->starts_with("line 65: "), *why);  // the 63rd bracket inside y
    // At the limit, accepted and parsed.
    std::string reason;
    const auto at_limit = rt::parse_toml(dotted(64) + " = 1\n", "limit.toml", reason);
    CHECK_MESSAGE(at_limit, reason);
    CHECK(rt::parse_toml("a = " + repeat("[", 63) + repeat("]", 63) + "\n", "x.toml", reason));
}

TEST_CASE("brackets, dots and quotes inside strings and comments count for nothing") {
    const std::string brackets = repeat("[{", 500);
    std::string why;
    for (const std::string& text : std::vector<std::string>{
             "a = \"" + brackets + "\"\n",
             "a = '" + brackets + "'\n",
             "a = \"\"\"\n" + brackets + "\n\"\"\"\n",
             "a = '''\n" + brackets + "\n'''\n",
             "a = \"\\\"" + brackets + "\"\n",               // an escaped quote does not close
             "a = \"\"\"x\\\"\"\"" + brackets + "\"\"\"\n",  // nor in a multi-line string
             std::string("a = \"\"\"x\"\"\"\"\"\nb = 1\n"),  // two quotes touch the closing three
             "# " + brackets + "\na = 1\n",
             "a = [ # " + brackets + "\n  1, 2,\n]\n",
             "\"" + repeat("a.", 500) + "\" = 1\n",  // a quoted key's dots are not levels
             "[\"" + repeat("a.", 500) + "\"]\nx = 1\n",
         }) {
        CHECK_MESSAGE(!rt::toml_beyond_limits(text, {}), text.substr(0, 60));
        CHECK_MESSAGE(rt::parse_toml(text, "s.toml", why), why);
    }
    // A one-line string ends with its line: what follows is counted.
    CHECK(deep("a = \"open\nb = " + repeat("[", 100)));
}

TEST_CASE("TOML texts over the entry or byte limit are refused, long valid ones pass") {
    rt::TomlLimits small;
    small.max_entries = 100;
    small.max_bytes = 1000;
    CHECK(rt::toml_beyond_limits(repeat("a = 1\n", 99), small) == std::nullopt);
    const auto entries = rt::toml_beyond_limits(repeat("[t]\n", 101), small);
    REQUIRE(entries);
    CHECK(entries->find("more than 100 keys and values") != std::string::npos);
    CHECK(rt::toml_beyond_limits("a = [" + repeat("1,", 200) + "]", small));
    const auto bytes = rt::toml_beyond_limits(std::string(1001, '#'), small);
    REQUIRE(bytes);
    CHECK(*bytes == "it is 1001 bytes (1001 bytes), over the limit of 1000 bytes");

    // 100 000 keys in 1 000 tables, each with a string, an array and an inline table.
    std::string text;
    for (int t = 0; t < 1000; ++t) {
        text += "[fit" + std::to_string(t) + ".optimizer]\n";
        for (int k = 0; k < 100; ++k)
            text += "k" + std::to_string(k) + " = { lr = [0.1, \"x]\"], on = true }\n";
    }
    std::string why;
    const auto table = rt::parse_toml(text, "long.toml", why);
    REQUIRE_MESSAGE(table, why);
    CHECK(table->size() == 1000);
}

TEST_CASE("parse_toml reports the library's errors with their line, and survives any bytes") {
    std::string why;
    CHECK_FALSE(rt::parse_toml("a = 1\nb = \n", "bad.toml", why));
    CHECK(why.find("(line 2)") != std::string::npos);
    for (const std::string& junk :
         {std::string("\0\xff\xfe[[[", 7), std::string("a = \"\\u"), std::string("}}}]]]"),
          std::string("[a]\n[a]\n"), std::string("a.b = 1\na = 2\n"), std::string("'''"),
          std::string("a = [1, \"x\"\n"), std::string("\"\"\"")})
        CHECK_NOTHROW((void)rt::parse_toml(junk, "junk.toml", why));
}

TEST_CASE("--config refuses a deep dotted key with a message, not a crash") {
    std::string why;
    CHECK_FALSE(rnn::interp::parse_config(dotted(100000) + " = 1\n", "deep.toml", why));
    CHECK(why.find("nested more than 64 levels") != std::string::npos);
    CHECK_FALSE(rnn::interp::parse_config(std::string((4 << 20) + 1, '#'), "big.toml", why));
    CHECK(why.find("over the limit of 4 MiB") != std::string::npos);
}
