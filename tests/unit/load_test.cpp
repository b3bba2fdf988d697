// The front end as a whole (interpreter/load): sweeps expand into named instances, includes
// splice shared files in (and report cycles and missing files), durations in ms convert
// through dt, and hostile input stops at a diagnostic instead of a crash.
#include "interpreter/load.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "grammar/parser.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/training.hpp"
#include "runtime/files.hpp"
#include "runtime/random.hpp"

namespace i = rnn::interp;
namespace fs = std::filesystem;

namespace {

const std::string kParts = R"(
task memories = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }
network hop = rnn { units = 8, bias = false
  W_self : symmetric, init normal(0.1) }
)";

const std::string kLoss = "loss = -mean(overlap, during: retain)\n";

std::vector<std::string> codes(const i::Loaded& l) {
    std::vector<std::string> out;
    for (const auto& d : l.diagnostics.all())
        out.emplace_back(i::code_info(d.code).id);
    return out;
}

bool has_code(const i::Loaded& l, const char* code) {
    const auto all = codes(l);
    return std::find(all.begin(), all.end(), code) != all.end();
}

// A fresh directory under the system temp dir, removed at the end of the test.
struct TempDir {
    fs::path path;

    TempDir() {
        path = fs::temp_directory_path()
               / ("rnn_load_test_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
        fs::remove_all(path);
        fs::create_directories(path);
    }

    ~TempDir() { fs::remove_all(path); }

    void write(const std::string& name, const std::string& text) const {
        fs::create_directories((path / name).parent_path());
        std::ofstream(path / name, std::ios::binary) << text;
    }
};

}  // namespace

TEST_CASE("a sweep expands into one instance per combination, last variable fastest") {
    const auto l = i::load_text("t.rnn", kParts + R"(
for s in 1..2, lr in [0.01, 0.02] {
  train fit[s, lr] = hop on memories { optimizer = adam { lr = lr } )"
                                             + kLoss + R"( seed = s }
  plot history(fit[s, lr]) to "history_{s}_{lr}.png"
}
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    std::vector<std::string> names;
    for (const auto& [name, t] : l.program->trains)
        names.push_back(name);
    CHECK(names
          == std::vector<std::string>{"fit[1,0.01]", "fit[1,0.02]", "fit[2,0.01]", "fit[2,0.02]"});
    CHECK(l.program->trains.at("fit[2,0.02]").optimizer.lr == doctest::Approx(0.02));
    CHECK(l.program->trains.at("fit[2,0.02]").seed == 2u);
    REQUIRE(l.program->plots.size() == 4);
    CHECK(l.program->plots[0].file == "history_1_0.01.png");
    CHECK(l.program->plots[3].file == "history_2_0.02.png");
}

TEST_CASE("a figure in a sweep without a loop variable in its name gets the values appended") {
    const auto l = i::load_text("t.rnn", kParts + R"(
for s in [1, 2] {
  train fit[s] = hop on memories { )" + kLoss + R"( seed = s }
  plot history(fit[s]) to "figures/history.png"
}
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    REQUIRE(l.program->plots.size() == 2);
    CHECK(l.program->plots[1].file == "figures/history_2.png");
    CHECK(l.program->plots[0].file == "figures/history_1.png");
}

TEST_CASE("results folders: index values joined by '_', nothing that leaves the directory") {
    CHECK(i::node_directory("fit") == "fit");
    CHECK(i::node_directory("fit[3,tanh]") == "fit_3_tanh");
    CHECK(i::node_directory("fit[0.001]") == "fit_0.001");
    CHECK(i::node_directory("x[../../etc]") == "x_.._.._etc");
    CHECK(i::node_directory("x[a/b]").find('/') == std::string::npos);
    const auto l = i::load_text("t.rnn", kParts + R"(
for s in [1] { train fit[s] = hop on memories { )"
                                             + kLoss + R"( } }
train fit_1 = hop on memories { )" + kLoss + R"( }
)");
    CHECK(has_code(l, "E0201"));
}

TEST_CASE("nested sweeps see the outer variable, and ranges may use it") {
    const auto l = i::load_text("t.rnn", kParts + R"(
for n in [2, 3] {
  for s in 1..n {
    train fit[n, s] = hop on memories { )" + kLoss
                                             + R"( seed = s }
  }
}
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    CHECK(l.program->trains.size() == 5);
    CHECK(l.program->trains.count("fit[3,3]") == 1);
}

TEST_CASE("sweep mistakes are reported once, with the instance they happened in") {
    const auto l = i::load_text("t.rnn", kParts + R"(
for s in 1..3 {
  train fit[s] = hop on memories { )" + kLoss + R"( epochs = s - 2 }
}
)");
    CHECK_FALSE(l.program);
    const std::string out = i::render_all(l, false);
    CHECK(has_code(l, "E0401"));
    // epochs = -1 and epochs = 0 are out of range: two distinct messages, each with its note.
    CHECK(out.find("in the sweep instance where s = 1") != std::string::npos);
    CHECK(out.find("in the sweep instance where s = 2") != std::string::npos);
    CHECK(out.find("where s = 3") == std::string::npos);
}

TEST_CASE("sweeps reject unindexed definitions, family references and bad ranges") {
    CHECK(has_code(i::load_text("t.rnn", kParts + "for s in 1..2 { train fit = hop on memories { "
                                             + kLoss + " seed = s } }"),
                   "E0806"));
    CHECK(has_code(
        i::load_text("t.rnn", kParts + "for s in 1..2 { train fit[s] = hop on memories { " + kLoss
                                  + " seed = s } }\nplot heatmap(fit.W_self) to \"h.png\""),
        "E0807"));
    CHECK(has_code(i::load_text("t.rnn", kParts + "for s in 3..1 { }"), "E0802"));
    CHECK(has_code(i::load_text("t.rnn", kParts + "for s in 1..1e7 { }"), "E0803"));
    CHECK(has_code(i::load_text("t.rnn", kParts + "for s in 0.5..2 { }"), "E0801"));
    CHECK(has_code(i::load_text("t.rnn", kParts + "for s in [1] { for s in [2] { } }"), "E0805"));
    CHECK(
        has_code(i::load_text("t.rnn", kParts + "train fit[1] = hop on memories { " + kLoss + "}"),
                 "E0209"));
}

TEST_CASE("include splices a shared file, and cycles and missing files are errors") {
    TempDir dir;
    dir.write("common/parts.rnn", kParts + "task spare = memories { patterns = 3 }\n");
    dir.write("main.rnn",
              "include \"common/parts.rnn\"\ntrain fit = hop on memories { " + kLoss + "}\n");
    const auto ok = i::load_file((dir.path / "main.rnn").string());
    INFO(i::render_all(ok, false));
    REQUIRE(ok.program);
    CHECK(ok.program->tasks.count("memories") == 1);
    // Definitions of a shared file that this experiment does not use are not warned about.
    CHECK(ok.diagnostics.all().empty());
    CHECK(ok.sources.size() == 2);

    // A diamond: both halves include the shared file; it is read once.
    dir.write("left.rnn", "include \"common/parts.rnn\"\n");
    dir.write("right.rnn", "include \"common/../common/parts.rnn\"\n");
    dir.write("diamond.rnn",
              "include \"left.rnn\"\ninclude \"right.rnn\"\n"
              "train fit = hop on memories { "
                  + kLoss + "}\n");
    const auto diamond = i::load_file((dir.path / "diamond.rnn").string());
    INFO(i::render_all(diamond, false));
    CHECK(diamond.program);

    dir.write("a.rnn", "include \"b.rnn\"\n");
    dir.write("b.rnn", "include \"./a.rnn\"\n");
    const auto cycle = i::load_file((dir.path / "a.rnn").string());
    CHECK(has_code(cycle, "E0102"));

    dir.write("missing.rnn", "include \"nowhere.rnn\"\n");
    const auto missing = i::load_file((dir.path / "missing.rnn").string());
    CHECK(has_code(missing, "E0101"));
    CHECK(i::render_all(missing, false).find("missing.rnn:1:9:") != std::string::npos);

    CHECK(has_code(i::load_text("t.rnn", "include \"/etc/hosts\"\n"), "E0103"));
    CHECK(
        has_code(i::load_text("t.rnn", "include \"x.rnn\"\n", {.allow_includes = false}), "E0101"));
}

TEST_CASE("a cycle of base definitions is an error, not endless recursion") {
    const auto l = i::load_text("t.rnn",
                                "task a = b {}\ntask b = c {}\ntask c = a {}\n"
                                "task self = self {}\n");
    CHECK_FALSE(l.program);
    const auto all = codes(l);
    CHECK(std::count(all.begin(), all.end(), "E0207") == 2);
}

TEST_CASE("durations in ms convert to steps through the task's dt") {
    const auto l = i::load_text(
        "t.rnn",
        "task m = memory_recall { units = 8, dt = 2 ms, present = 10 ms, retain = 0.1 s }\n"
        "task n = m { present = 30 ms }\n"
        "network hop = rnn { units = 8 }\n"
        "train f = hop on n { "
            + kLoss + " }\n");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    CHECK(l.program->tasks.at("m").params.integer("present") == 5);
    CHECK(l.program->tasks.at("m").params.integer("retain") == 50);
    CHECK(l.program->tasks.at("n").params.integer("present") == 15);  // dt is inherited
    CHECK(has_code(i::load_text("t.rnn", "task m = memory_recall { present = 10 ms }"), "E0406"));
    CHECK(has_code(i::load_text("t.rnn", "task m = memory_recall { dt = 3 ms, present = 10 ms }"),
                   "E0408"));
    CHECK(has_code(i::load_text("t.rnn", "task m = memory_recall { dt = 3 steps }"), "E0407"));
}

TEST_CASE("hostile input ends in a diagnostic") {
    CHECK(has_code(i::load_text("t.rnn", std::string("seed 1\n") + '\0'), "E0003"));
    CHECK(has_code(i::load_text("t.rnn", "output \"a\xff\"\n"), "E0002"));
    CHECK(has_code(i::load_text("t.rnn", "output \"\xed\xa0\x80\"\n"), "E0002"));  // a surrogate
    CHECK(i::load_text("t.rnn", "output \"caf\xc3\xa9\"\n").program);              // UTF-8 is fine
    CHECK(i::load_text("t.rnn", "\xef\xbb\xbfseed 3\n").program->seed == 3);       // a BOM too
    const std::string field = "task m = memory_recall { units = ";
    CHECK(has_code(i::load_text("t.rnn", field + std::string(100000, '-') + "1 }"), "E0004"));
    CHECK(has_code(i::load_text("t.rnn", field + "1" + std::string(5000, '+') + " }"), "E0025"));
    std::string chain = field + "1";
    for (int k = 0; k < 100000; ++k)
        chain += " + 1";
    CHECK(has_code(i::load_text("t.rnn", chain + " }"), "E0004"));
    CHECK(has_code(i::load_text("t.rnn", field + std::string(1000, '(') + "1 }"), "E0004"));
    std::string members = field + "a";
    for (int k = 0; k < 100000; ++k)
        members += ".b";
    CHECK(has_code(i::load_text("t.rnn", members + " }"), "E0004"));
    CHECK(i::load_text("t.rnn", "").program);
    CHECK(i::load_text("t.rnn", "# only a comment").program);
}

TEST_CASE("keywords name fields, modifiers and named arguments where nothing else fits") {
    const auto l = i::load_text("t.rnn", kParts + R"(
train fit = hop on memories { )" + kLoss + R"( seed = 4 }
evaluate test = fit on memories
plot trajectory(test, from: 2 steps, to: 10 steps) to "t.png"
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    CHECK(l.program->trains.at("fit").seed == 4u);
    CHECK(has_code(i::load_text("t.rnn", kParts + R"(
train fit = hop on memories { )" + kLoss + R"( }
evaluate test = fit on memories
plot trajectory(test, to: 16 steps) to "t.png"
)"),
                   "E0714"));
}

TEST_CASE(
    "a reduction without 'during:' covers the whole trial, and stop_when reads loss and epoch") {
    const auto l = i::load_text("t.rnn", kParts + R"(
train fit = hop on memories {
  loss      = -mean(overlap) + 0.1 * max(overlap, during: present)
  epochs    = 50
  stop_when = epoch >= 4 and loss < 100
}
)");
    INFO(i::render_all(l, false));
    REQUIRE(l.program);
    const i::TrainDef& def = l.program->trains.at("fit");
    REQUIRE(def.loss.size() == 2);
    CHECK(def.loss[0].name == "loss_mean_overlap");
    CHECK(def.loss[1].name == "loss_max_overlap_present");
    const auto& task_def = l.program->tasks.at("memories");
    rnn::rt::RandomStream setup(i::task_setup_key(*l.program, "memories"));
    const auto task = task_def.entry->make(task_def.params, setup);
    const i::TrainedNetwork trained = i::train(*l.program, def, *task, nullptr);
    CHECK(trained.stopped_early);
    CHECK(trained.epochs_run == 4);
}

TEST_CASE("load(\"file.npy\") gives a mask or an initial value, relative to the script") {
    TempDir dir;
    std::filesystem::create_directories(dir.path / "arrays");
    arma::fmat mask(8, 8, arma::fill::ones);
    mask.diag().zeros();
    mask(0, 7) = 0.0F;
    rnn::rt::save_npy(dir.path / "arrays/mask.npy", mask);
    arma::fmat w0 = 0.01F * arma::fmat(8, 8, arma::fill::ones);
    rnn::rt::save_npy(dir.path / "arrays/w0.npy", w0);
    rnn::rt::save_npy(dir.path / "arrays/bad.npy", arma::fmat(3, 8, arma::fill::ones));
    rnn::rt::save_npy(dir.path / "arrays/half.npy", arma::fmat(8, 8, arma::fill::value(0.5F)));
    const std::string head = R"(
task memories = memory_recall { units = 8, patterns = 2, present = 5 steps, retain = 10 steps }
network hop = rnn { units = 8, inputs = 8
  W_self : )";
    const std::string tail = " }\ntrain fit = hop on memories { " + kLoss + " epochs = 3 }\n";
    dir.write("ok.rnn",
              head + R"(mask(load("arrays/mask.npy")), init load("arrays/w0.npy"))" + tail);
    const auto ok = i::load_file((dir.path / "ok.rnn").string());
    INFO(i::render_all(ok, false));
    REQUIRE(ok.program);
    const i::TrainDef& def = ok.program->trains.at("fit");
    const auto& task_def = ok.program->tasks.at("memories");
    rnn::rt::RandomStream setup(i::task_setup_key(*ok.program, "memories"));
    const auto task = task_def.entry->make(task_def.params, setup);
    const i::TrainedNetwork trained = i::train(*ok.program, def, *task, nullptr);
    const arma::fmat w = rnn::rt::effective_value(trained.net.at("W_self"));
    CHECK(w(0, 7) == 0.0F);
    CHECK(w(3, 3) == 0.0F);
    CHECK(w(1, 2) != 0.0F);
    CHECK(trained.net.at("W_self").raw(1, 2) != 0.01F);  // trained away from the loaded start

    dir.write("shape.rnn", head + R"(init load("arrays/bad.npy"))" + tail);
    CHECK(has_code(i::load_file((dir.path / "shape.rnn").string()), "E0512"));
    dir.write("binary.rnn", head + R"(mask(load("arrays/half.npy")))" + tail);
    CHECK(has_code(i::load_file((dir.path / "binary.rnn").string()), "E0512"));
    dir.write("missing.rnn", head + R"(init load("arrays/none.npy"))" + tail);
    CHECK(has_code(i::load_file((dir.path / "missing.rnn").string()), "E0511"));
}

TEST_CASE("an rdm's model file is read relative to the script and enters its key by content") {
    TempDir dir;
    fs::create_directories(dir.path / "models");
    rnn::rt::save_npy(dir.path / "models/ordinal.npy", arma::mat(2, 2, arma::fill::eye));
    const std::string script = kParts + "train fit = hop on memories { " + kLoss
                               + " epochs = 1 }\n"
                                 "evaluate test = fit on memories\n"
                                 "analyze shape = rdm(test, at: \"retain.end\", "
                                 "model: \"models/ordinal.npy\")\n";
    dir.write("run.rnn", script);
    auto analysis_key = [](const fs::path& file) -> std::uint64_t {
        const auto l = i::load_file(file.string());
        INFO(i::render_all(l, false));
        REQUIRE(l.program);
        const auto& model = l.program->analyses.at("shape").options.text("model");
        CHECK(fs::path(model).is_absolute());
        for (const auto& n : i::lower(*l.program).nodes)
            if (n.kind == i::NodeKind::Analyze)
                return n.key;
        FAIL("no analyze node");
        return 0;
    };
    const std::uint64_t before = analysis_key(dir.path / "run.rnn");
    // Another directory with the same files: the same key.
    TempDir moved;
    fs::create_directories(moved.path / "models");
    rnn::rt::save_npy(moved.path / "models/ordinal.npy", arma::mat(2, 2, arma::fill::eye));
    moved.write("run.rnn", script);
    CHECK(analysis_key(moved.path / "run.rnn") == before);
    // A changed model: a new key, so the analysis runs again.
    rnn::rt::save_npy(dir.path / "models/ordinal.npy", arma::mat(2, 2, arma::fill::ones));
    CHECK(analysis_key(dir.path / "run.rnn") != before);
    // A missing file is an error at check time.
    fs::remove(dir.path / "models/ordinal.npy");
    const auto missing = i::load_file((dir.path / "run.rnn").string());
    CHECK_FALSE(missing.program);
    CHECK(has_code(missing, "E0415"));
}
