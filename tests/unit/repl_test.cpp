// The REPL's session (interpreter/repl/session.hpp) without a terminal: continuation while a block
// is open, definitions that replace earlier ones, errors that leave the session as it was,
// completion, :save's text, alter statements run through the engine, and the lesion's
// masks on gated and continuous-time networks.
#include <filesystem>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "grammar/keywords.hpp"
#include "interpreter/check/statements.hpp"
#include "interpreter/load.hpp"
#include "interpreter/repl/session.hpp"
#include "interpreter/training.hpp"
#include "runtime/files.hpp"

using namespace rnn::interp;

namespace {

struct Captured {
    std::string out, err;
};

Session make(Captured& c, const std::filesystem::path& dir = {}) {
    SessionOptions o;
    if (!dir.empty())
        o.out_dir = dir;
    o.out = [&c](const std::string& s) {
        c.out += s;
    };
    o.err = [&c](const std::string& s) {
        c.err += s;
    };
    return Session(o);
}

const char* kTask = "task m = memory_recall { units = 8, present = 5 steps, retain = 20 steps }";

}  // namespace

TEST_CASE("repl: an open block asks for more, and the whole block is one statement") {
    Captured c;
    Session s = make(c);
    CHECK(s.feed("task m = memory_recall {"));
    CHECK(s.pending());
    CHECK(s.feed("  units = 8"));
    CHECK_FALSE(s.feed("}"));
    CHECK_FALSE(s.pending());
    CHECK(c.err.empty());
    CHECK(s.program_text().find("task m = memory_recall {\n  units = 8\n}") != std::string::npos);
}

TEST_CASE("repl: an error is reported and the session keeps what it had") {
    Captured c;
    Session s = make(c);
    s.feed(kTask);
    s.feed("network n = rnn { units = 8 }");
    const std::string before = s.program_text();
    s.feed("train fit = n on mm { epochs = 2 }");
    CHECK(c.err.find("no task named 'mm'") != std::string::npos);
    CHECK(c.err.find("did you mean 'm'?") != std::string::npos);
    CHECK(s.had_error());
    CHECK(s.program_text() == before);
    s.feed("fitt");
    CHECK(c.err.find("no definition named 'fitt'") != std::string::npos);
    s.feed("task = ");  // a syntax error that is not at the end
    CHECK_FALSE(s.finished());
}

TEST_CASE("repl: a definition with a used name replaces the earlier one") {
    Captured c;
    Session s = make(c);
    s.feed(kTask);
    s.feed("network n = rnn { units = 8 }");
    s.feed("network n = rnn { units = 8, activation = relu }");
    CHECK(c.err.empty());
    CHECK(c.out.find("(replaces the earlier network n)") != std::string::npos);
    const std::string text = s.program_text();
    CHECK(text.find("relu") != std::string::npos);
    CHECK(text.find("network n = rnn { units = 8 }") == std::string::npos);
}

TEST_CASE("repl: completion of keywords, names, stdlib entries, parameters and tensors") {
    Captured c;
    Session s = make(c);
    s.feed(kTask);
    s.feed("network hop = rnn { units = 8 }");
    s.feed("train fit = hop on m { loss = -mean(overlap, during: retain), epochs = 2 }");
    auto has = [](const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    };
    CHECK(has(s.completions("tr"), "train"));
    CHECK(has(s.completions("evaluate e = fi"), "evaluate e = fit"));
    CHECK(has(s.completions("task x = memory_r"), "task x = memory_recall"));
    CHECK(has(s.completions("task x = m { pat"), "task x = m { patterns"));
    CHECK(has(s.completions("fit.W_s"), "fit.W_self"));
    CHECK(has(s.completions(":sa"), ":save"));
    CHECK(s.completions("zzz").empty());
}

TEST_CASE("repl: every statement keyword has its :help, and none is taken for a result") {
    Captured c;
    Session s = make(c);
    const std::vector<std::string> all = s.completions("");
    for (const auto& k : rnn::grammar::keywords()) {
        CAPTURE(k.word);
        if (k.statement)
            CHECK(statement(std::string(k.word)) != nullptr);
        CHECK(std::find(all.begin(), all.end(), k.word) != all.end());
        s.feed(std::string(k.word));  // a keyword alone is an incomplete or wrong statement
        s.clear_pending();
        CHECK(c.err.find("no definition named") == std::string::npos);
    }
}

TEST_CASE("repl: :help of a statement gives its syntax and the fields the checker accepts") {
    Captured c;
    Session s = make(c);
    s.feed(":help train");
    CHECK(c.out.find("train NAME = NETWORK on TASK") != std::string::npos);
    CHECK(c.out.find("- `on_nan`:") != std::string::npos);
    CHECK(c.out.find("- `clip_norm`:") != std::string::npos);
    s.feed(":help evaluate");
    CHECK(c.out.find("- `perturb`:") != std::string::npos);
    s.feed(":help pca");
    CHECK(c.out.find("### `pca(evaluation)`") != std::string::npos);
    s.feed(":help evalute");
    CHECK(c.err.find("no statement, task or stdlib entry named 'evalute'; did you mean 'evaluate'?")
          != std::string::npos);
    // A task the session defines: its own section under its name, with its values.
    s.feed(kTask);
    s.feed(":help m");
    CHECK(c.out.find("### `m`\n") != std::string::npos);
    CHECK(c.out.find("Source: this session, the stdlib task `memory_recall`") != std::string::npos);
    CHECK(c.out.find("| `units` | integer | `8` |") != std::string::npos);
    s.feed(":help mm");
    CHECK(c.err.find("no statement, task or stdlib entry named 'mm'; did you mean 'm'?")
          != std::string::npos);
    // Every listed field is one the checker knows (a wrong value is another error).
    for (const std::string kind : {"train", "evaluate"}) {
        REQUIRE_FALSE(field_names(kind).empty());
        for (const auto& field : field_names(kind)) {
            CAPTURE(field);
            const std::string source =
                std::string(kTask)
                + "\nnetwork n = rnn { units = 8 }\n"
                  "train fit = n on m { loss = -mean(overlap, during: retain), epochs = 1"
                + (kind == "train" ? ", " + field + " = 1" : std::string()) + " }\n"
                + "evaluate e = fit on m { " + (kind == "evaluate" ? field + " = 1" : "") + " }\n";
            const Loaded l = load_text("fields.rnn", source);
            CHECK(render_all(l, false).find("has no field") == std::string::npos);
        }
    }
    // A misspelt field is suggested from the same list.
    const Loaded l = load_text("fields.rnn", std::string(kTask)
                                                 + "\nnetwork n = rnn { units = 8 }\n"
                                                   "train fit = n on m { loss = -mean(overlap, "
                                                   "during: retain), on_nann = stop }\n");
    CHECK(render_all(l, false).find("did you mean 'on_nan'?") != std::string::npos);
}

TEST_CASE("repl: results run through the engine, and :save reproduces the session") {
    const auto dir = std::filesystem::temp_directory_path() / "rnn_repl_unit";
    std::filesystem::remove_all(dir);
    Captured c;
    Session s = make(c, dir / "run");
    s.feed(kTask);
    s.feed("network hop = rnn { units = 8, W_self : symmetric }");
    s.feed("train fit = hop on m { loss = -mean(overlap, during: retain), epochs = 3 }");
    s.feed("alter cut = fit {");
    s.feed("  lesion = [1, 4..5]");
    s.feed("  W_input : scale 0.5, set [0, 0, 2]");
    s.feed("}");
    s.feed("evaluate test = cut on m");
    REQUIRE(c.err.find("error") == std::string::npos);
    s.feed("test");
    CHECK(c.out.find("evaluate test") != std::string::npos);
    CHECK(c.out.find("reaction_mean") != std::string::npos);
    c.out.clear();
    s.feed("cut.W_self");
    CHECK(c.out.find("cut.W_self: 8 x 8") != std::string::npos);
    // Units 1, 4 and 5 lose their rows and columns: 64 - (64 - 25) = 25 entries remain.
    const arma::mat w = rnn::rt::load_npy(dir / "run" / "cut" / "W_self.npy");
    CHECK(arma::accu(w != 0.0) == 25);
    CHECK(w(1, 0) == 0.0);
    CHECK(w(0, 4) == 0.0);
    const arma::mat in = rnn::rt::load_npy(dir / "run" / "cut" / "W_input.npy");
    const arma::mat in0 = rnn::rt::load_npy(dir / "run" / "fit" / "W_input.npy");
    CHECK(in(0, 0) == 2.0);
    CHECK(in(2, 3) == doctest::Approx(0.5 * in0(2, 3)));
    // The saved session checks, and holds the alter.
    const std::string text = s.program_text();
    CHECK(text.find("alter cut = fit {") != std::string::npos);
    const Loaded l = load_text("saved.rnn", text);
    CHECK(l.program.has_value());
    CHECK(l.program->alters.at("cut").lesion == std::vector<long>{1, 4, 5});
    std::filesystem::remove_all(dir);
}

TEST_CASE("repl: an analysis's scalars and arrays, each by name, and the list of them") {
    const auto dir = std::filesystem::temp_directory_path() / "rnn_repl_outputs_unit";
    std::filesystem::remove_all(dir);
    Captured c;
    Session s = make(c, dir / "run");
    s.feed(kTask);
    s.feed("network hop = rnn { units = 8 }");
    s.feed("train fit = hop on m { loss = -mean(overlap, during: retain), epochs = 2 }");
    s.feed("evaluate test = fit on m");
    s.feed("analyze fps = fixed_points(fit, test, starts: 4)");
    REQUIRE(c.err.empty());
    CHECK(s.completions("fps.spec") == std::vector<std::string>{"fps.spectral_radius"});
    s.feed("fps");
    // The scalars as a table, then every array with its shape.
    CHECK(c.out.find("analyze fps") != std::string::npos);
    CHECK(c.out.find("  count ") != std::string::npos);
    CHECK(c.out.find("  arrays: ") != std::string::npos);
    CHECK(c.out.find("spectral_radius ") != std::string::npos);
    c.out.clear();
    s.feed("fps.count");
    CHECK(c.out.starts_with("fps.count = "));
    c.out.clear();
    s.feed("fps.spectral_radius");
    const arma::mat radius = rnn::rt::load_npy(dir / "run" / "fps" / "spectral_radius.npy");
    CHECK(c.out.starts_with(
        fmt::format("fps.spectral_radius: {} x {}  mean ", radius.n_rows, radius.n_cols)));
    c.out.clear();
    s.feed("test.reaction_mean");
    CHECK(c.out.starts_with("test.reaction_mean = "));
    s.feed("fps.spectral_radiu");
    CHECK(c.err.find("'fps' has no result 'spectral_radiu'; did you mean 'spectral_radius'?")
          != std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("repl: :load reads a file's includes and arrays beside the file, as rnn run does") {
    namespace fs = std::filesystem;
    const auto dir = fs::temp_directory_path() / "rnn_repl_load_unit";
    fs::remove_all(dir);
    fs::create_directories(dir / "exp" / "shared");
    auto write = [&](const fs::path& p, const std::string& text) {
        rnn::rt::write_file_atomically(p, text);
    };
    write(dir / "exp" / "shared" / "tasks.rnn", std::string(kTask) + "\n");
    rnn::rt::save_npy(dir / "exp" / "w.npy", arma::mat(8, 8, arma::fill::eye));
    write(dir / "exp" / "model.rnn",
          "include \"shared/tasks.rnn\"\n"
          "network hop = rnn { units = 8\n"
          "  W_self : init load(\"w.npy\") }\n");
    Captured c;
    Session s = make(c, dir / "run");
    // The current directory is not exp/: the file's own directory resolves its paths.
    REQUIRE(fs::current_path() != dir / "exp");
    CHECK(s.load((dir / "exp" / "model.rnn").string()));
    INFO(c.err);
    CHECK(c.err.empty());
    // A typed statement beside the loaded ones still resolves against the current directory.
    s.feed("network other = rnn { units = 8, W_self : init load(\"w.npy\") }");
    CHECK(c.err.find("w.npy") != std::string::npos);
    c.err.clear();
    s.feed("train fit = hop on m { loss = -mean(overlap, during: retain), epochs = 1 }");
    CHECK(c.err.empty());
    // Saved elsewhere, the loaded statements' paths would resolve against the new place.
    c.out.clear();
    s.feed(":save " + (dir / "saved.rnn").string());
    CHECK(c.out.find("note: the statements from " + (dir / "exp").string()) != std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("alter: a lesion zeroes a unit's recurrent rows in every gate block and its readout") {
    const Loaded l = load_text("alter.rnn", R"(
task m = memory_recall { units = 4, present = 5 steps, retain = 20 steps }
network g = gru { units = 4, outputs = 2 }
network c = ctrnn { units = 4, outputs = 2, tau = 10 ms, dt = 1 ms }
)");
    REQUIRE(l.program.has_value());
    AlterDef def;
    def.name = "cut";
    def.lesion = {1};
    def.ops.push_back(AlterOp{AlterOp::Kind::Set, "W_self", 3.0, 0, 0, "", {}});
    // gru: W_self is 3 units x units (gates r, z, n); W_out is outputs x units.
    TrainedNetwork gru;
    gru.net = build_network(l.program->networks.at("g"), 4, 1);
    const TrainedNetwork a = alter(def, gru);
    const arma::fmat w = trained_tensor(a, "W_self");
    REQUIRE(w.n_rows == 12);
    CHECK(arma::accu(arma::abs(w.col(1))) == 0.0f);
    for (arma::uword gate = 0; gate < 3; ++gate)
        CHECK(arma::accu(arma::abs(w.row(gate * 4 + 1))) == 0.0f);
    CHECK(w(0, 0) == 3.0f);
    CHECK(w(2, 2) == trained_tensor(gru, "W_self")(2, 2));
    CHECK(arma::accu(arma::abs(trained_tensor(a, "W_out").col(1))) == 0.0f);
    // The input weights are not the unit's recurrent ones: they stay.
    CHECK(arma::approx_equal(trained_tensor(a, "W_input"), trained_tensor(gru, "W_input"),
                             "absdiff", 0.0f));
    // ctrnn: G and its readout w (units x outputs), a row per unit.
    def.ops.clear();
    TrainedNetwork ct;
    ct.net = build_network(l.program->networks.at("c"), 4, 1);
    const TrainedNetwork b = alter(def, ct);
    CHECK(arma::accu(arma::abs(trained_tensor(b, "G").row(1))) == 0.0f);
    CHECK(arma::accu(arma::abs(trained_tensor(b, "G").col(1))) == 0.0f);
    CHECK(arma::accu(arma::abs(trained_tensor(b, "w").row(1))) == 0.0f);
    CHECK(arma::accu(arma::abs(trained_tensor(b, "w").row(0))) > 0.0f);
    // The mask holds whatever the raw value becomes.
    TrainedNetwork revived = b;
    for (auto& p : revived.net.params)
        p.raw.fill(1.0f);
    CHECK(arma::accu(arma::abs(trained_tensor(revived, "G").row(1))) == 0.0f);
}
