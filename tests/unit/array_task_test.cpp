// Tasks from the user's own arrays (`arrays`, stdlib/tasks/array_task.hpp): the .npy
// headers of any dimension, the labels file, the seeded split, and batches that are the
// arrays' own rows, drawn reproducibly.
#include "stdlib/tasks/array_task.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "interpreter/load.hpp"
#include "interpreter/training.hpp"
#include "runtime/files.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace rt = rnn::rt;
namespace st = rnn::stdlib;
namespace i = rnn::interp;

namespace {

constexpr std::size_t kTrials = 20, kSteps = 4, kChannels = 3;

void write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
}

// Input value of (trial, step, channel): unique, so a batch column says where it came from.
float input_value(std::size_t trial, std::size_t t, std::size_t ch) {
    return static_cast<float>(100 * trial + 10 * t + ch);
}

// A folder with inputs (kTrials x kSteps x kChannels), class targets (the trial's class
// trial % 3 from step 2, 0 before, -1 at step 0), values targets (x 2), a mask that
// leaves out step 0 and labels (coherence: a quantity, side: a category, one cell empty).
struct Arrays {
    rnn::test::TempDir dir{"array_task"};

    Arrays() {
        std::vector<float> in, classes, values, mask;
        for (std::size_t b = 0; b < kTrials; ++b)
            for (std::size_t t = 0; t < kSteps; ++t) {
                for (std::size_t ch = 0; ch < kChannels; ++ch)
                    in.push_back(input_value(b, t, ch));
                classes.push_back(t == 0 ? -1.0F : t < 2 ? 0.0F : static_cast<float>(b % 3));
                values.push_back(static_cast<float>(b));
                values.push_back(static_cast<float>(t));
                mask.push_back(t == 0 ? 0.0F : 1.0F);
            }
        write(dir.path / "in.npy", rt::npy_bytes_c_order(in.data(), {kTrials, kSteps, kChannels}));
        write(dir.path / "classes.npy", rt::npy_bytes_c_order(classes.data(), {kTrials, kSteps}));
        write(dir.path / "values.npy", rt::npy_bytes_c_order(values.data(), {kTrials, kSteps, 2}));
        write(dir.path / "mask.npy", rt::npy_bytes_c_order(mask.data(), {kTrials, kSteps}));
        std::string csv = "coherence, side\n";
        for (std::size_t b = 0; b < kTrials; ++b)
            csv +=
                b == 3 ? "0.5,\n" : fmt::format("{},{}\n", 0.1 * static_cast<double>(b % 4), b % 2);
        write(dir.path / "labels.csv", csv);
    }

    i::Loaded check(const std::string& fields) const {
        const std::string text = "task rec = arrays { inputs = \"in.npy\"\n" + fields
                                 + " }\nnetwork net = rnn { units = 4, inputs = rec.inputs, outputs = "
                                   "rec.outputs }\n";
        write(dir.path / "s.rnn", text);
        return i::load_file((dir.path / "s.rnn").string());
    }
};

// The task `rec` of a checked program, made as a training makes it.
std::unique_ptr<st::TaskInstance> made(const i::Loaded& loaded, const std::string& name = "rec") {
    REQUIRE(loaded.program);
    return i::make_task(*loaded.program, loaded.program->tasks.at(name));
}

std::vector<double> rows_of(const st::TrialBatch& b) {
    const st::TrialVariable* row = st::find_variable(b, "row");
    REQUIRE(row != nullptr);
    return row->values;
}

}  // namespace

TEST_CASE("npy headers of any dimension and element type, read in C order") {
    const std::vector<float> v = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const std::string c_order = rt::npy_bytes_c_order(v.data(), {2, 3, 2});
    const rt::NpyHeader h = rt::parse_npy_header(c_order, "x.npy");
    CHECK(h.shape == std::vector<std::size_t>{2, 3, 2});
    CHECK(h.kind == 'f');
    CHECK(rt::npy_values(c_order, h) == v);
    // The same array in Fortran order, as int64: the values come back in C order.
    std::string header = "{'descr': '<i8', 'fortran_order': True, 'shape': (2, 3, 2), }";
    header.append(64 - (10 + header.size() + 1) % 64, ' ');
    header.push_back('\n');
    std::string f_order = std::string("\x93NUMPY\x01\x00", 8);
    f_order.push_back(static_cast<char>(header.size()));
    f_order.push_back('\0');
    f_order += header;
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t j = 0; j < 3; ++j)
            for (std::size_t a = 0; a < 2; ++a) {
                const std::int64_t x = static_cast<std::int64_t>(a * 6 + j * 2 + k);
                f_order.append(reinterpret_cast<const char*>(&x), 8);
            }
    const rt::NpyHeader fh = rt::parse_npy_header(f_order, "f.npy");
    CHECK(fh.kind == 'i');
    CHECK(rt::npy_values(f_order, fh) == v);
    // Matrices stay float-only, 1-D or 2-D.
    CHECK_THROWS_WITH_AS(rt::parse_npy(c_order, "x.npy"), doctest::Contains("only 1-D and 2-D"),
                         std::runtime_error);
    CHECK_THROWS_AS(rt::parse_npy_header(c_order.substr(0, c_order.size() - 1), "x"),
                    std::runtime_error);
}

TEST_CASE("the labels file: categories, quantities, none, and its errors") {
    const auto cols = st::parse_label_columns("a,b, c\n1,0.5,\n2,nan,-1\n\n");
    REQUIRE(cols.size() == 3);
    CHECK(cols[0].category);
    CHECK(cols[0].values == std::vector<double>{1, 2});
    CHECK_FALSE(cols[1].category);
    CHECK(cols[1].values[0] == 0.5);
    CHECK(std::isnan(cols[1].values[1]));
    CHECK_FALSE(cols[2].category);  // a negative whole number: a quantity
    CHECK(std::isnan(cols[2].values[0]));
    const auto cats = st::parse_label_columns("side\n1\n\n0\n");
    CHECK(cats[0].values == std::vector<double>{1, -1, 0});  // the empty line is a trial
    // As a spreadsheet saves it: a byte-order mark, quotes, Windows line ends.
    const auto saved = st::parse_label_columns("\xEF\xBB\xBF\"side\",\"x\"\r\n\"1\",2.5\r\n");
    CHECK(saved[0].name == "side");
    CHECK(saved[0].values == std::vector<double>{1});
    CHECK(saved[1].values == std::vector<double>{2.5});
    const auto fails = [](const std::string& csv, const char* why) {
        CHECK_THROWS_WITH_AS(st::parse_label_columns(csv), doctest::Contains(why),
                             std::runtime_error);
    };
    fails("", "empty");
    fails("a,a\n1,2\n", "named twice");
    fails("condition\n1\n", "trials.csv has already");
    fails("1a\n1\n", "is not a name");
    fails("a,b\n1\n", "line 2: 1 cells");
    fails("a\n1\ninf\n", "line 3: 'inf'");
    std::string wide;
    for (int c = 0; c < 1001; ++c)
        wide += fmt::format("{}c{}", c > 0 ? "," : "", c);
    fails(wide + "\n", "more than the 1000 allowed");
}

TEST_CASE("the split is seeded, disjoint and complete") {
    rt::RandomStream s1(7), s2(7), s3(8);
    const auto a = st::split_trials(50, 0.2, s1), b = st::split_trials(50, 0.2, s2),
               c = st::split_trials(50, 0.2, s3);
    CHECK(a.evaluation.size() == 10);
    CHECK(a.training.size() == 40);
    CHECK(a.evaluation == b.evaluation);
    CHECK(a.evaluation != c.evaluation);
    std::set<arma::uword> all(a.training.begin(), a.training.end());
    all.insert(a.evaluation.begin(), a.evaluation.end());
    CHECK(all.size() == 50);
    // A larger fraction of the same permutation holds out a superset.
    rt::RandomStream s4(7);
    const auto d = st::split_trials(50, 0.5, s4);
    CHECK(std::includes(d.evaluation.begin(), d.evaluation.end(), a.evaluation.begin(),
                        a.evaluation.end()));
}

TEST_CASE("an arrays task's batches are its arrays' rows, drawn reproducibly") {
    Arrays arrays;
    const auto loaded = arrays.check(
        "targets = \"classes.npy\"\nmask = \"mask.npy\"\nlabels = \"labels.csv\"\nheld_out = "
        "0.25");
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    const i::TaskDef& def = loaded.program->tasks.at("rec");
    // The sizes are known at check time (`inputs = 0` took them).
    CHECK(def.entry->input_size(def.params) == 3);
    CHECK(def.entry->output_size(def.params) == 3);  // classes 0..2
    CHECK(def.entry->trial_steps(def.params) == 4);
    CHECK(def.entry->evaluation_trials(def.params) == 5);
    CHECK(st::has_label(*def.entry, "side"));
    CHECK(st::has_label(*def.entry, "coherence"));
    CHECK(loaded.program->networks.at("net").params.integer("inputs") == 3);

    const auto task = made(loaded);
    const st::TrialDraws draws(42, 0);
    const st::TrialBatch batch = task->training_batch({0, 0, 6, "draw"}, draws);
    CHECK(batch.batch == 6);
    CHECK(batch.steps == 4);
    const auto rows = rows_of(batch);
    const st::TrialBatch held = task->evaluation_batch(draws, 0);
    const auto held_rows = rows_of(held);
    CHECK(held_rows.size() == 5);
    CHECK(std::is_sorted(held_rows.begin(), held_rows.end()));
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const auto row = static_cast<std::size_t>(rows[b]);
        CHECK(std::find(held_rows.begin(), held_rows.end(), rows[b]) == held_rows.end());
        for (arma::uword t = 0; t < kSteps; ++t)
            for (arma::uword ch = 0; ch < kChannels; ++ch)
                CHECK(batch.inputs(ch, t * batch.batch + b) == input_value(row, t, ch));
        CHECK(batch.step_targets(0, 3 * batch.batch + b) == static_cast<float>(row % 3));
        CHECK(batch.condition[b] == static_cast<long>(row % 3));
        const st::TrialVariable* side = st::find_variable(batch, "side");
        REQUIRE(side != nullptr);
        CHECK(side->category);
        CHECK(side->values[b] == (row == 3 ? -1.0 : static_cast<double>(row % 2)));
    }
    // Trial i is a function of (key, index): the same in a larger batch, another key differs.
    const auto again = rows_of(task->training_batch({0, 0, 8, "draw"}, draws));
    CHECK(std::equal(rows.begin(), rows.end(), again.begin()));
    CHECK(rows_of(task->training_batch({0, 0, 6, "draw"}, st::TrialDraws(43, 0))) != rows);
    // A validation batch (step < 0) draws from the held-out trials.
    for (const double r : rows_of(task->training_batch({0, -1, 10, "draw"}, draws)))
        CHECK(std::find(held_rows.begin(), held_rows.end(), r) != held_rows.end());
    // More evaluation trials than held out: round after round of them.
    const auto cycled = rows_of(task->evaluation_batch(draws, 7));
    CHECK(cycled[5] == held_rows[0]);
    // The mask `all` is the mask array; step 0 is left out.
    const arma::fmat m = task->mask("all", batch);
    CHECK(m(0, 0) == 0.0F);
    CHECK(m(0, batch.batch) == 1.0F);
    // The same seed makes the same split.
    CHECK(rows_of(made(loaded)->evaluation_batch(draws, 0)) == held_rows);
}

TEST_CASE("value targets, variants, and arrays refused when the task is made") {
    Arrays arrays;
    const auto values = arrays.check("targets = \"values.npy\"");
    INFO(i::render_all(values, false));
    REQUIRE(values.program);
    const i::TaskDef& def = values.program->tasks.at("rec");
    CHECK(def.entry->output_size(def.params) == 2);
    CHECK(def.entry->evaluation_trials(def.params) == 4);  // the default 0.2
    const auto task = made(values);
    const st::TrialBatch b = task->evaluation_batch(st::TrialDraws(1, 0), 0);
    const auto rows = rows_of(b);
    CHECK(b.step_targets(0, 2 * b.batch + 1) == static_cast<float>(rows[1]));
    CHECK(b.step_targets(1, 2 * b.batch + 1) == 2.0F);
    CHECK(b.condition[0] == 0);

    // A variant keeps its base's arrays and sets its own split.
    const auto variant =
        arrays.check("targets = \"values.npy\" }\ntask half = rec { held_out = 0.5");
    INFO(i::render_all(variant, false));
    REQUIRE(variant.program);
    const i::TaskDef& half = variant.program->tasks.at("half");
    CHECK(half.entry->evaluation_trials(half.params) == 10);
    CHECK(half.entry->input_size(half.params) == 3);

    // Inputs changed to hold a NaN after the check: refused when the task is made.
    std::vector<float> in(kTrials * kSteps * kChannels, 0.0F);
    in[5] = std::nanf("");
    write(arrays.dir.path / "in.npy",
          rt::npy_bytes_c_order(in.data(), {kTrials, kSteps, kChannels}));
    CHECK_THROWS_WITH_AS(made(values), doctest::Contains("trial 0 step 1 channel 2 holds nan"),
                         std::runtime_error);
    // ... and a changed shape.
    write(arrays.dir.path / "in.npy",
          rt::npy_bytes_c_order(in.data(), {kSteps, kTrials, kChannels}));
    CHECK_THROWS_WITH_AS(made(values), doctest::Contains("has changed since"), std::runtime_error);
}

TEST_CASE("a mask of other values than 0 and 1 is refused when the task is made") {
    Arrays arrays;
    const auto loaded = arrays.check("targets = \"classes.npy\"\nmask = \"mask.npy\"");
    INFO(i::render_all(loaded, false));
    REQUIRE(loaded.program);
    std::vector<float> mask(kTrials * kSteps, 1.0F);
    mask[kSteps + 2] = 2.0F;
    write(arrays.dir.path / "mask.npy", rt::npy_bytes_c_order(mask.data(), {kTrials, kSteps}));
    CHECK_THROWS_WITH_AS(made(loaded), doctest::Contains("trial 1 step 2 holds 2"),
                         std::runtime_error);
}
