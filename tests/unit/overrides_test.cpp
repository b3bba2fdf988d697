// Overrides (interpreter/overrides): --set PATH=VALUE and --config FILE.toml change the
// script's tree before checking, at every place docs/language.md §9 names: a field, a field
// of a block call, a tensor line's modifier, the seed and the output, every instance of a
// sweep; unknown names and unsettable paths are diagnostics with their codes.
#include "interpreter/overrides.hpp"

#include <string>

#include <doctest/doctest.h>

#include "interpreter/load.hpp"

namespace i = rnn::interp;

namespace {

const std::string kScript = R"(seed 1
task memories = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }
network hop = rnn { units = 8, bias = false
  W_self : symmetric, init normal(0.1) }
train fit = hop on memories { loss = -mean(overlap, during: retain), epochs = 5,
  optimizer = adam { lr = 0.005 } }
for s in 1..2 {
  train more[s] = hop on memories { loss = -mean(overlap, during: retain), seed = s }
}
)";

i::Loaded load_with(std::vector<std::string> sets) {
    i::LoadOptions o;
    for (const auto& s : sets) {
        std::string why;
        const auto parsed = i::parse_set(s, why);
        REQUIRE_MESSAGE(parsed, why);
        o.overrides.push_back(*parsed);
    }
    return i::load_text("t.rnn", kScript, o);
}

std::string first_code(const i::Loaded& l) {
    return l.diagnostics.all().empty()
               ? std::string()
               : std::string(i::code_info(l.diagnostics.all().front().code).id);
}

}  // namespace

TEST_CASE("--set reaches fields, block fields, modifiers, seed, output and sweep instances") {
    const auto l =
        load_with({"fit.optimizer.lr=0.01", "fit.epochs=7", "memories.patterns=3",
                   "hop.W_self.init=normal(0.2)", "seed=9", "output=\"runs/x\"", "more.epochs=4"});
    REQUIRE_MESSAGE(l.program, i::render_all(l, false));
    const i::Program& p = *l.program;
    CHECK(p.trains.at("fit").optimizer.lr == doctest::Approx(0.01));
    CHECK(p.trains.at("fit").epochs == 7);
    CHECK(p.seed == 9);
    CHECK(p.output == "runs/x");
    CHECK(p.tasks.at("memories").params.integer("patterns") == 3);
    CHECK(p.networks.at("hop").tensors.at("W_self").init->a == doctest::Approx(0.2));
    CHECK(p.trains.at("more[1]").epochs == 4);
    CHECK(p.trains.at("more[2]").epochs == 4);
}

TEST_CASE("the last --set of a path wins, and a field not written is added") {
    const auto l = load_with({"fit.epochs=7", "fit.epochs=8", "fit.batch=2"});
    REQUIRE(l.program);
    CHECK(l.program->trains.at("fit").epochs == 8);
    CHECK(l.program->trains.at("fit").batch == 2);
}

TEST_CASE("unknown names and fields, and paths that cannot be set, are diagnostics") {
    const auto unknown = load_with({"fti.epochs=3"});
    CHECK_FALSE(unknown.program);
    CHECK(first_code(unknown) == "E0901");
    CHECK(unknown.diagnostics.all().front().help == "did you mean 'fit'?");
    const auto field = load_with({"fit.epochz=3"});
    CHECK_FALSE(field.program);
    CHECK(i::render_all(field, false).find("epochs") != std::string::npos);
    CHECK(first_code(load_with({"fit.loss.x=1"})) == "E0902");
    CHECK(first_code(load_with({"fit=1"})) == "E0902");
    const auto unparsed = load_with({"fit.epochs=(3"});
    CHECK(first_code(unparsed) == "E0902");
    // Positions in the message are those of the override's own text.
    CHECK(unparsed.diagnostics.all().front().message.find("opened at 1:12") != std::string::npos);
    CHECK(first_code(load_with({"fit..epochs=1"})) == "E0902");
    std::string why;
    CHECK_FALSE(i::parse_set("fit.epochs", why));
    CHECK(why.find("PATH=VALUE") != std::string::npos);
}

TEST_CASE("a --config file gives the same overrides as tables") {
    std::string why;
    const auto o = i::parse_config(
        "seed = 5\noutput = \"runs/y\"\n[fit]\nepochs = 2\n[fit.optimizer]\nlr = 0.05\n"
        "[hop.W_self]\ninit = \"normal(0.3)\"\n",
        "o.toml", why);
    REQUIRE_MESSAGE(o, why);
    i::LoadOptions opt;
    opt.overrides = *o;
    const auto l = i::load_text("t.rnn", kScript, opt);
    REQUIRE_MESSAGE(l.program, i::render_all(l, false));
    CHECK(l.program->seed == 5);
    CHECK(l.program->output == "runs/y");
    CHECK(l.program->trains.at("fit").epochs == 2);
    CHECK(l.program->trains.at("fit").optimizer.lr == doctest::Approx(0.05));
    CHECK(l.program->networks.at("hop").tensors.at("W_self").init->a == doctest::Approx(0.3));
    CHECK_FALSE(i::parse_config("[a\n", "bad.toml", why));
    CHECK_FALSE(i::parse_config("x = 1979-05-27\n", "date.toml", why));
}

TEST_CASE(
    "a path through a field without a value is a diagnostic, and seed and output are "
    "added once when the script has none") {
    i::LoadOptions o;
    std::string why;
    for (const char* s : {"fit.optimizer.lr.x=1", "seed=3", "output=\"runs/a\"", "seed=4"})
        o.overrides.push_back(*i::parse_set(s, why));
    const std::string script =
        "task m = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }\n"
        "network n = rnn { units = 8 }\n"
        "train fit = n on m { loss = -mean(overlap, during: retain),\n"
        "  optimizer = adam { lr : fixed } }\n";
    // `lr : fixed` holds modifiers, no value: the path cannot go on through it.
    const auto l = i::load_text("t.rnn", script, o);
    REQUIRE_FALSE(l.diagnostics.all().empty());
    CHECK(first_code(l) == "E0902");
    CHECK(l.diagnostics.all().front().message.find("'fit.optimizer.lr' is not a block")
          != std::string::npos);
    o.overrides.erase(o.overrides.begin());
    const auto fine =
        i::load_text("t.rnn", "seed 1\n" + script.substr(0, script.find("optimizer")) + "}\n", o);
    REQUIRE_MESSAGE(fine.program, i::render_all(fine, false));
    CHECK(fine.program->seed == 4);
    const auto added =
        i::load_text("t.rnn", script.substr(0, script.find("\n  optimizer")) + " }\n", o);
    REQUIRE_MESSAGE(added.program, i::render_all(added, false));
    CHECK(added.program->seed == 4);
    CHECK(added.program->output == "runs/a");
}
