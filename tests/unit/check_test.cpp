// The checker: every problem of a file is reported at once, at the right place, with a
// suggestion where one exists; a correct file gives a complete program.
#include "interpreter/check/check.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "grammar/parser.hpp"
#include "interpreter/diagnostic_codes.hpp"
#include "interpreter/paths.hpp"

namespace i = rnn::interp;

namespace {

const char* kBase = R"(
task memories = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }
network hop = rnn { units = 8, bias = false
  W_self : symmetric, init normal(0.1) }
train fit = hop on memories {
  optimizer = adam { lr = 0.01 }
  loss = -mean(overlap, during: retain)
  epochs = 3
}
)";

struct Checked {
    std::optional<i::Program> program;
    i::Diagnostics diags;
    std::string text;
};

Checked check_text(const std::string& text) {
    Checked c;
    c.text = text;
    const auto m = rnn::grammar::parse(text, 0, "t.rnn");
    c.program = i::check(m, c.diags);
    return c;
}

// The rendered diagnostics, as `rnn check` prints them.
std::string rendered(const Checked& c) {
    i::SourceMap sources;
    sources.add("t.rnn", c.text);
    std::string out;
    for (const auto& d : c.diags.all())
        out += i::render(d, sources, false);
    return out;
}

}  // namespace

TEST_CASE("the seed-000 example checks into a complete program") {
    std::ifstream in(RNN_SOURCE_DIR "/examples/hopfield_memories.rnn");
    std::stringstream s;
    s << in.rdbuf();
    const Checked c = check_text(s.str());
    REQUIRE(c.program);
    CHECK(c.diags.all().empty());
    const auto& fit = c.program->trains.at("fit");
    CHECK(fit.optimizer.lr == doctest::Approx(0.005));
    CHECK(fit.epochs == 300);
    CHECK(fit.schedule == "alternate");
    REQUIRE(fit.loss.size() == 4);
    CHECK(fit.loss[0].name == "loss_mean_overlap_retain");
    CHECK(fit.loss[0].sign == -1.0);
    CHECK(fit.loss[1].name == "loss_max_overlap_present");
    CHECK(fit.loss[2].name == "loss_fixed_point");
    CHECK(fit.loss[3].name == "loss_l2");
    REQUIRE(fit.stop);
    CHECK(fit.stop->epochs == 20);
    CHECK(fit.stop->all.size() == 2);
    CHECK(c.program->networks.at("hop").tensors.at("W_self").constraint.symmetric);
    CHECK(c.program->seed == 42);
    CHECK(c.program->plots.size() == 3);
}

TEST_CASE("unknown names get a did-you-mean") {
    const Checked c = check_text(std::string(kBase) + "evaluate test = fti on memories\n"
                                                     "task t2 = memory_recal { }\n");
    CHECK(!c.program);
    const std::string out = rendered(c);
    CHECK(out.find("t.rnn:10:17: error: no training named 'fti'") != std::string::npos);
    CHECK(out.find("did you mean 'fit'?") != std::string::npos);
    CHECK(out.find("unknown task 'memory_recal'") != std::string::npos);
    CHECK(out.find("did you mean 'memory_recall'?") != std::string::npos);
}

TEST_CASE("every error of a file is reported at once") {
    const Checked c = check_text(R"(
task m = memory_recall { units = 8, patterns = -1, present = 200 ms, gian = 2 }
network n = rnn { units = 8, activation = tahn
  W_slef : symmetric }
train f = n on m { loss = mean(overlap, during: retian), epochs = 0, optimizer = adam { lr = -1 } }
)");
    CHECK(!c.program);
    const std::string out = rendered(c);
    CHECK(out.find("'patterns' = -1 is out of range") != std::string::npos);
    CHECK(out.find("'patterns' must be in [1, 100000]") != std::string::npos);
    CHECK(out.find("but no dt converts it to steps") != std::string::npos);
    CHECK(out.find("has no parameter 'gian'") != std::string::npos);
    CHECK(out.find("did you mean 'gain'?") != std::string::npos);
    CHECK(out.find("did you mean 'tanh'?") != std::string::npos);
    CHECK(out.find("no tensor 'W_slef'") != std::string::npos);
    CHECK(out.find("no period 'retian'") != std::string::npos);
    CHECK(out.find("'epochs' = 0 is out of range") != std::string::npos);
    CHECK(out.find("'lr' = -1 is out of range") != std::string::npos);
    CHECK(c.diags.error_count() == 8);
}

TEST_CASE("diagnostics show the source line and a caret under the place") {
    const Checked c = check_text("task m = memory_recall { units = 8, retain = 10 }\n");
    const std::string out = rendered(c);
    CHECK(out ==
          "t.rnn:1:46: error: 'retain' is a duration: give its unit, e.g. 'retain = 200 steps' [E0405]\n"
          "  task m = memory_recall { units = 8, retain = 10 }\n"
          "                                               ^~\n"
          "t.rnn:1:6: warning: the task 'm' is defined but never used [W0201]\n"
          "  task m = memory_recall { units = 8, retain = 10 }\n"
          "       ^\n");
}

TEST_CASE("duplicate definitions point at the first one") {
    const Checked c =
        check_text(std::string(kBase) + "task memories = memory_recall { units = 8 }\n");
    const std::string out = rendered(c);
    CHECK(out.find("error: 'memories' is defined twice") != std::string::npos);
    CHECK(out.find("note: first defined here") != std::string::npos);
}

TEST_CASE("a network and task of different sizes cannot be trained together") {
    const Checked c = check_text(R"(
task m = memory_recall { units = 16 }
network n = rnn { units = 8 }
train f = n on m { loss = -mean(overlap, during: retain) }
)");
    CHECK(rendered(c).find("the network 'n' has 8 units but the task 'm' needs 16")
          != std::string::npos);
}

TEST_CASE("an unreduced signal in a loss is an error with the fix") {
    const Checked c = check_text(R"(
task m = memory_recall { units = 8 }
network n = rnn { units = 8 }
train f = n on m { loss = overlap }
)");
    CHECK(rendered(c).find("write e.g. mean(overlap, during: retain)") != std::string::npos);
}

TEST_CASE("scripts may only name paths inside the run directory") {
    CHECK(i::unsafe_relative_path("runs/hopfield").empty());
    CHECK(i::unsafe_relative_path("fig.png").empty());
    CHECK(!i::unsafe_relative_path("/etc/passwd").empty());
    CHECK(!i::unsafe_relative_path("../x.png").empty());
    CHECK(!i::unsafe_relative_path("a/../../x.png").empty());
    CHECK(!i::unsafe_relative_path("a//b").empty());
    CHECK(!i::unsafe_relative_path(".hidden/x.png").empty());
    CHECK(!i::unsafe_relative_path("x`rm -rf`.png").empty());
    CHECK(!i::unsafe_relative_path("a\nb.png").empty());
    CHECK(i::unsafe_relative_path("a@b \xc3\xa9.png").empty());
    // Control characters: C0, DEL and the UTF-8 encoded C1 (U+0085 is a line break too).
    CHECK(i::control_character("a\tb") == U'\t');
    CHECK(i::control_character("a\x7f") == U'\x7f');
    CHECK(i::control_character("a\xc2\x85") == U'\x85');
    CHECK(!i::control_character("\xc3\xa9 \xc2\xa0 \xe2\x80\xa8").has_value());
    CHECK(i::control_character_name('\n') == "U+000A (a line break)");
    const Checked c =
        check_text(std::string(kBase) + "output \"/tmp/x\"\nplot history(fit) to \"../h.png\"\n");
    const std::string out = rendered(c);
    CHECK(out.find("the output directory must be a relative path") != std::string::npos);
    CHECK(out.find("the figure file must not contain '..'") != std::string::npos);
}

TEST_CASE("no script file name makes the default run folder leave runs/") {
    CHECK(i::default_run_folder("hopfield.rnn") == "hopfield");
    CHECK(i::default_run_folder("my.exp.v2.rnn") == "my.exp.v2");
    CHECK(i::default_run_folder("...rnn") == "__");
    CHECK(i::default_run_folder("..rnn") == "_");
    CHECK(i::default_run_folder(".rnn") == "_rnn");
    CHECK(i::default_run_folder("a b$`x`.rnn") == "a_b__x_");
    CHECK(i::default_run_folder("") == "run");
    for (const char* name : {"...rnn", "..rnn", ".rnn", "x/../..rnn", "\n.rnn"})
        CHECK(i::unsafe_relative_path(i::default_run_folder(name)).empty());
}

TEST_CASE("a perturbation's time may be given in ms through the task's dt") {
    const std::string base = R"(
task memories = memory_recall { units = 8, dt = 10 ms, present = 50 ms, retain = 100 ms }
network hop = rnn { units = 8 }
train fit = hop on memories { loss = -mean(overlap, during: retain), epochs = 1 }
)";
    SUBCASE("ms and s are converted to the step with the same time") {
        const Checked c = check_text(base + "evaluate kick = fit on memories {\n"
                                            "  perturb = [state(0.5, at: 30 ms), "
                                            "state(0.1, at: 0.1 s), state(0.2, at: 4 steps)]\n}\n");
        REQUIRE(c.program);
        const auto& p = c.program->evaluates.at("kick").perturbs;
        REQUIRE(p.size() == 3);
        CHECK(p[0].step == 3);
        CHECK(p[1].step == 10);
        CHECK(p[2].step == 4);
    }
    SUBCASE("a time between two steps is an error that says how many steps it is") {
        const Checked c = check_text(base
                                     + "evaluate kick = fit on memories {\n"
                                       "  perturb = state(0.5, at: 25 ms)\n}\n");
        CHECK_FALSE(c.program);
        CHECK(rendered(c).find("is 2.5 steps of dt = 10 ms") != std::string::npos);
        CHECK(rendered(c).find("[E0408]") != std::string::npos);
    }
    SUBCASE("a time past the trial is an error before the run, with the last step it may take") {
        // The trial is 50 ms of presentation and 100 ms of retention: 15 steps of 10 ms.
        const Checked in_ms = check_text(base
                                         + "evaluate kick = fit on memories {\n"
                                           "  perturb = state(0.5, at: 150 ms)\n}\n");
        CHECK_FALSE(in_ms.program);
        const std::string out = rendered(in_ms);
        CHECK(out.find("[E0714]") != std::string::npos);
        CHECK(out.find("after step 15 is outside the 15-step trial of 'memories'")
              != std::string::npos);
        CHECK(out.find("choose at most 140 ms (step 14 of dt = 10 ms)") != std::string::npos);
        const Checked in_steps = check_text(base
                                            + "evaluate kick = fit on memories {\n"
                                              "  perturb = state(0.5, at: 40 steps)\n}\n");
        CHECK_FALSE(in_steps.program);
        CHECK(rendered(in_steps).find("choose a step from 0 to 14") != std::string::npos);
        const Checked last = check_text(base
                                        + "evaluate kick = fit on memories {\n"
                                          "  perturb = state(0.5, at: 14 steps)\n}\n");
        REQUIRE(last.program);
        CHECK(last.program->evaluates.at("kick").perturbs.at(0).step == 14);
    }
}

TEST_CASE("an alter of an alter is its training with both sets of changes") {
    const Checked c = check_text(std::string(kBase) + R"(
alter second = first {
  lesion = [2, 3]
  W_self : set [0, 0, 2.0]
}
alter first = fit {
  lesion = [1, 3]
  W_self : scale 0.5
}
evaluate test = second on memories
)");
    INFO(rendered(c));
    REQUIRE(c.program);
    // Defined below its child, the parent is checked first all the same.
    const auto& a = c.program->alters.at("second");
    CHECK(a.train == "fit");
    CHECK(a.lesion == std::vector<long>{1, 2, 3});
    REQUIRE(a.ops.size() == 2);
    CHECK(a.ops[0].text == "W_self : scale 0.5");
    CHECK(a.ops[1].text == "W_self : set [0, 0, 2]");
    CHECK(c.program->evaluates.count("test") == 1);
}

TEST_CASE("a drawn number may be a list of values, each in range, one drawn per trial") {
    const Checked ok = check_text("task dm = perceptual_dm { coherence = [0, 3.2, 51.2] }\n");
    REQUIRE(ok.program.has_value());
    const auto& given =
        std::get<std::vector<double>>(ok.program->tasks.at("dm").params.get("coherence"));
    CHECK(given == std::vector<double>{0.0, 3.2, 51.2});
    const Checked far = check_text("task dm = perceptual_dm { coherence = [0, 3.2, 120] }\n");
    CHECK(rendered(far).find("E0401") != std::string::npos);
    const Checked empty = check_text("task dm = perceptual_dm { coherence = [] }\n");
    CHECK(rendered(empty).find("the list is empty") != std::string::npos);
    const Checked gain = check_text(
        "task m = memory_recall { units = 8, gain = [1, 2.5] }\nnetwork n = rnn { units = 8 }\n"
        "train f = n on m { loss = -mean(overlap, during: retain) }\n");
    CHECK(gain.diags.all().empty());
}

TEST_CASE("every diagnostic code is one code: no id is given twice, each id finds its own") {
    std::set<std::string_view> ids;
    for (const auto& info : rnn::interp::all_codes()) {
        CAPTURE(info.id);
        CHECK(ids.insert(info.id).second);
        REQUIRE(rnn::interp::code_from_id(info.id).has_value());
        CHECK(*rnn::interp::code_from_id(info.id) == info.code);
    }
}
