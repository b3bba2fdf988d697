// stdlib entries: the memory_recall task's trials, hopfield_similarity on known answers,
// and the typed contracts of the schemas (gnuplot quoting: figures_test.cpp).
#include <doctest/doctest.h>

#include "runtime/random.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/registry.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;

namespace {
std::unique_ptr<s::TaskInstance> recall_task(double units, double patterns) {
    s::Params p;
    p.set("units", units);
    p.set("patterns", patterns);
    p.set("present", 3.0);
    p.set("retain", 4.0);
    rt::RandomStream setup(rt::stream_key(1, "setup"));
    return s::memory_recall_entry().make(s::with_defaults(s::memory_recall_entry().schema, p),
                                         setup);
}
}  // namespace

TEST_CASE("memory_recall shows gain * pattern while presenting and nothing after") {
    const auto task = recall_task(6, 3);
    const std::uint64_t trials = rt::stream_key(1, "trials");
    CHECK(task->steps() == 7);
    const arma::fmat patterns = task->matrix("patterns", nullptr);
    CHECK(arma::all(arma::vectorise(arma::abs(patterns)) == 1.0F));
    for (long epoch = 0; epoch < 5; ++epoch) {
        const s::TrialBatch b =
            task->training_batch({epoch, epoch, 1, "alternate"},
                                 s::TrialDraws(trials, static_cast<std::uint64_t>(epoch)));
        REQUIRE(b.batch == 1);
        CHECK(b.condition[0] == epoch % 3);  // alternate: pattern e mod P
        const arma::fvec first = b.inputs.col(0);
        const float gain = first(0) / patterns(0, static_cast<arma::uword>(b.condition[0]));
        CHECK(gain >= 2.0F);
        CHECK(gain < 3.5F);
        for (arma::uword t = 0; t < 3; ++t)
            CHECK(arma::approx_equal(b.inputs.col(t),
                                     gain * patterns.col(static_cast<arma::uword>(b.condition[0])),
                                     "absdiff", 1e-5F));
        for (arma::uword t = 3; t < 7; ++t)
            CHECK(arma::all(b.inputs.col(t) == 0.0F));
    }
    const s::TrialBatch together =
        task->training_batch({0, 0, 1, "together"}, s::TrialDraws(trials, 5));
    CHECK(together.batch == 3);
    const s::TrialBatch eval = task->evaluation_batch(s::TrialDraws(trials, 0), 0);
    CHECK(eval.condition == std::vector<long>{0, 1, 2});
}

TEST_CASE("hopfield_similarity of the Hebbian matrix itself is 1") {
    arma::fmat m = {{1, -1}, {1, 1}, {-1, 1}, {1, 1}};
    const arma::fmat hebb = m * m.t() / 4.0F;
    s::Params opt = s::with_defaults(s::hopfield_similarity_entry().schema, {});
    auto r = s::hopfield_similarity_entry().run(
        {s::MatrixArg{"W", 3.0F * hebb}, s::MatrixArg{"P", m}}, opt);
    CHECK(r.scalars.at("cosine") == doctest::Approx(1.0));
    CHECK(r.scalars.at("correlation") == doctest::Approx(1.0));
    CHECK(r.scalars.at("scale") == doctest::Approx(3.0));
    CHECK(r.scalars.at("relative_residual") == doctest::Approx(0.0).scale(1.0));
    r = s::hopfield_similarity_entry().run({s::MatrixArg{"W", -hebb}, s::MatrixArg{"P", m}}, opt);
    CHECK(r.scalars.at("cosine") == doctest::Approx(-1.0));
}

TEST_CASE("every stdlib entry documents every parameter") {
    for (const auto* t : s::tasks())
        for (const auto& p : t->schema.params)
            CHECK_MESSAGE(!p.doc.empty(), t->name << "." << p.name);
    for (const auto* a : s::analyses())
        for (const auto& p : a->schema.params)
            CHECK_MESSAGE(!p.doc.empty(), a->name << "." << p.name);
    const std::string md = s::reference_markdown();
    CHECK(md.find("### `memory_recall`") != std::string::npos);
    CHECK(md.find("### `hopfield_similarity(matrix, patterns)`") != std::string::npos);
}

TEST_CASE("the typed contracts of the stdlib schema name what exists") {
    // Every option that names something of the task says what, and the time options
    // the checker reads by name today are among them.
    const s::AnalysisEntry* pca = s::find_analysis("pca");
    REQUIRE(pca != nullptr);
    CHECK(pca->schema.find("at")->ref == s::TaskRef::TimePoint);
    CHECK(pca->schema.find("during")->ref == s::TaskRef::Period);
    CHECK(pca->schema.find("from")->ref == s::TaskRef::WindowFrom);
    CHECK(pca->schema.find("to")->ref == s::TaskRef::WindowTo);
    CHECK(s::find_analysis("principal_angles")->schema.find("a")->ref == s::TaskRef::TimePoint);
    CHECK(s::find_analysis("rdm")->schema.find("labels")->ref == s::TaskRef::LabelFamily);
    const s::ParamSpec* input = s::find_analysis("fixed_points")->schema.find("input");
    CHECK(input->ref == s::TaskRef::TimePoint);
    CHECK(input->literals == std::vector<std::string>{"zero"});
    CHECK(s::find_figure("pca_trajectories")->schema.find("color_by")->ref
          == s::TaskRef::TrialLabel);
    // Array results are typed, and their doc line says so as it always did.
    for (const auto* a : s::analyses())
        for (const auto& o : a->outputs) {
            INFO(a->name << "." << o.name);
            CHECK(o.is_array() == (o.doc.find("(array") != std::string::npos));
        }
    CHECK(s::find_analysis("rdm")->outputs.back().doc
          == "the model file's matrix (array, with a model)");
    // A figure's analysis arguments accept only analyses that exist.
    for (const auto* f : s::figures())
        for (const auto& arg : f->args)
            for (const auto& name : arg.analyses) {
                INFO(f->name << "." << arg.name);
                CHECK(arg.kind == s::ArgKind::Analysis);
                CHECK(s::find_analysis(name) != nullptr);
            }
    const s::ArgSpec& rdm = s::find_figure("rdm")->args.at(0);
    CHECK(rdm.accepts("rdm"));
    CHECK_FALSE(rdm.accepts("pca"));
    CHECK(s::find_figure("heatmap")->args.at(0).accepts("anything"));
}

TEST_CASE("periods and trial labels of a task, with numbered families") {
    const s::TaskEntry& wm = *s::find_task("sequence_wm");
    CHECK(s::has_period(wm, "delay"));
    CHECK(s::has_period(wm, "stimulus3"));
    CHECK_FALSE(s::has_period(wm, "dleay"));
    CHECK(s::label_names(wm) == std::vector<std::string>{"condition", "length", "item1"});
    CHECK(s::has_label(wm, "condition"));
    CHECK(s::has_label(wm, "item3"));
    CHECK_FALSE(s::has_label(wm, "item"));
    CHECK(s::has_label_family(wm, "item"));
    CHECK_FALSE(s::has_label_family(wm, "colour"));
    const s::TaskEntry& recall = *s::find_task("memory_recall");
    CHECK(s::has_label(recall, "condition"));
    CHECK(s::has_label(recall, "gain"));  // every trial variable is a label
    CHECK_FALSE(s::has_label(recall, "item1"));
}

TEST_CASE("the trial figure draws inputs as lines or an image, and targets with their mask") {
    const s::FigureEntry* fig = s::find_figure("trial");
    REQUIRE(fig != nullptr);
    const s::Params options = s::with_defaults(fig->schema, {});
    s::TaskTrialArg pulse{"pulses",
                          arma::fmat(1, 10, arma::fill::zeros),
                          arma::fmat(1, 10, arma::fill::ones),
                          arma::fmat(1, 10, arma::fill::ones),
                          {{"before_cost", 0, 6}, {"plateau", 6, 10}}};
    pulse.inputs(0, 3) = 2.0F;
    const s::FigureScript a = fig->draw({pulse}, options, "trial");
    CHECK(a.body.find("with steps") != std::string::npos);
    CHECK(a.body.find("matrix with image") == std::string::npos);
    CHECK(a.body.find("axes x1y2") != std::string::npos);  // the mask
    REQUIRE(a.data.size() == 2);
    CHECK(a.data[0].name == "trial_inputs.dat");
    CHECK(a.data[0].text.find("3 2\n") != std::string::npos);
    CHECK(a.data[1].text.find("\n9 1 1\n") != std::string::npos);

    const s::TaskTrialArg many{"seqs", arma::fmat(15, 35, arma::fill::zeros), {}, {}, {}};
    const s::FigureScript b = fig->draw({many}, options, "t");
    CHECK(b.body.find("matrix with image") != std::string::npos);
    CHECK(b.data.size() == 1);  // no targets: no second panel
}

TEST_CASE("a task's section names its masks and input rows, and a script's values") {
    // A stdlib task with masks lists them in the order mask.npy stacks them; no input rows
    // where the task does not name them.
    const s::TaskEntry& dm = *s::find_task("perceptual_dm");
    REQUIRE_FALSE(dm.masks.empty());
    const std::string plain = s::task_section(dm);
    CHECK(plain.find("| parameter | type | default |") != std::string::npos);
    CHECK(plain.find("Masks (mask.npy's channels, in this order): `response` (")
          != std::string::npos);
    CHECK(plain.find("Input rows") == std::string::npos);
    CHECK(s::reference_markdown().find(plain) != std::string::npos);  // the same section
    // A task that names its rows (a paradigm's channels), with a script's values: the
    // table shows the value given, the default for the rest.
    s::TaskEntry named = dm;
    named.input_names = {"fixation", "evidence 1", "evidence 2"};
    s::Params values;
    values.set("dt", s::Value{10.0});
    const std::string section = s::task_section(named, &values);
    CHECK(section.find("| parameter | type | value |") != std::string::npos);
    CHECK(section.find("| `dt` | time | `10` |") != std::string::npos);
    CHECK(section.find("Input rows: 1 `fixation`; 2 `evidence 1`; 3 `evidence 2`.\n")
          != std::string::npos);
    // A task without masks has no Masks line.
    const std::string recall = s::task_section(*s::find_task("memory_recall"));
    CHECK(recall.find("Masks") == std::string::npos);
}
