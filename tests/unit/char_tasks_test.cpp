// Seed 001's character tasks against their definitions (docs/provenance.md §2.3 padding, §2.4 input
// encoding, §2.5 generators): the structure of every generated string, the encodings number by
// number, padded steps without a target, the signals and metrics, golden strings for a
// fixed seed, per-index determinism, and the corpus file parameter through the checker.
#include "stdlib/tasks/char_tasks.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "interpreter/graph/lower.hpp"
#include "interpreter/load.hpp"
#include "runtime/losses.hpp"
#include "runtime/random.hpp"
#include "runtime/tape.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/registry.hpp"

namespace s = rnn::stdlib;
namespace rt = rnn::rt;
namespace i = rnn::interp;
namespace fs = std::filesystem;
namespace ch = rnn::stdlib::chars;

namespace {

std::unique_ptr<s::TaskInstance> make(const s::TaskEntry& entry, s::Params p = {}) {
    rt::RandomStream setup(rt::stream_key(1, "task chars / setup"));
    return entry.make(s::with_defaults(entry.schema, std::move(p)), setup);
}

s::TrialBatch trials(const s::TaskInstance& task, arma::uword count, std::uint64_t first = 0,
                     std::uint64_t seed = 42) {
    return task.training_batch({0, 0, count, "stream"},
                               s::TrialDraws(rt::stream_key(seed, "train fit / trials"), first));
}

// Trial b's text, read from rows 0..V-1 of its inputs (padding: all zero).
std::string text_of(const s::TrialBatch& batch, arma::uword b, std::string_view charset) {
    std::string out;
    for (arma::uword t = 0; t < batch.steps; ++t) {
        const arma::fvec x = batch.inputs.col(t * batch.batch + b).head(charset.size());
        if (arma::accu(x) == 0.0F)
            break;
        REQUIRE(arma::accu(x) == 1.0F);
        out.push_back(charset[x.index_max()]);
    }
    return out;
}

std::vector<std::string> texts(const s::TrialBatch& batch, std::string_view charset) {
    std::vector<std::string> out;
    for (arma::uword b = 0; b < batch.batch; ++b)
        out.push_back(text_of(batch, b, charset));
    return out;
}

// The steps of trial b where a 1 x (batch * steps) row is 1.
std::vector<arma::uword> marked(const arma::fmat& row, const s::TrialBatch& batch, arma::uword b) {
    std::vector<arma::uword> out;
    for (arma::uword t = 0; t < batch.steps; ++t)
        if (row(0, t * batch.batch + b) == 1.0F)
            out.push_back(t);
    return out;
}

std::vector<arma::uword> range(arma::uword first, arma::uword last) {
    std::vector<arma::uword> out;
    for (arma::uword t = first; t < last; ++t)
        out.push_back(t);
    return out;
}

// Every trial: targets are the next characters, the last character and padding have none,
// padding steps show no character, and the `targets` mask marks the steps with a target.
void check_next_character_targets(const s::TaskInstance& task, const s::TrialBatch& batch,
                                  std::string_view charset) {
    const arma::fmat with_target = task.mask("targets", batch);
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const std::string text = text_of(batch, b, charset);
        REQUIRE(!text.empty());
        for (arma::uword t = 0; t < batch.steps; ++t) {
            const arma::uword c = t * batch.batch + b;
            const float want =
                t + 1 < text.size() ? static_cast<float>(charset.find(text[t + 1])) : -1.0F;
            CHECK(batch.step_targets(0, c) == want);
            CHECK(with_target(0, c) == (want >= 0.0F ? 1.0F : 0.0F));
            if (t >= text.size())
                CHECK(arma::accu(batch.inputs.col(c).head(charset.size())) == 0.0F);
        }
    }
}

// The logits of a network that predicts `predicted(b, t)` (a class) at every step.
template <typename F>
arma::fmat logits_predicting(const s::TrialBatch& batch, arma::uword classes, F predicted) {
    arma::fmat y(classes, batch.batch * batch.steps, arma::fill::zeros);
    for (arma::uword t = 0; t < batch.steps; ++t)
        for (arma::uword b = 0; b < batch.batch; ++b)
            y(predicted(b, t), t * batch.batch + b) = 1.0F;
    return y;
}

// A metric of the task: its signal summed over the trial, averaged over trials.
double metric(const s::TaskInstance& task, const s::TrialBatch& batch, const arma::fmat& logits,
              const std::string& signal) {
    rt::Tape<float> tape;
    rt::NetworkVars vars;
    vars.outputs = tape.constant(logits);
    const arma::fmat sig = tape.value(task.signal(signal, tape, vars, batch));
    REQUIRE(sig.n_rows == batch.batch);
    REQUIRE(sig.n_cols == batch.steps);
    return arma::accu(sig) / static_cast<double>(batch.batch);
}

}  // namespace

TEST_CASE("key_recall texts are long_range_memory_dataset's: 0*k1 ? c 0*k2 ! c") {
    const auto task = make(s::key_recall_entry());
    CHECK(task->input_size() == 9);
    CHECK(task->output_size() == 9);
    CHECK(task->steps() == 11);
    const s::TrialBatch batch = trials(*task, 3000);
    std::set<std::size_t> k1s, k2s, lengths;
    std::set<char> keys;
    const arma::fmat recall = task->mask("recall", batch);
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const std::string text = text_of(batch, b, ch::synthetic_charset);
        const auto q = text.find('?');
        const auto bang = text.find('!');
        REQUIRE(q != std::string::npos);
        REQUIRE(bang != std::string::npos);
        CHECK(text.substr(0, q) == std::string(q, '0'));
        const char key = text[q + 1];
        CHECK(std::string_view("123,. ").find(key) != std::string_view::npos);
        const auto k2 = bang - q - 2;
        CHECK(text.substr(q + 2, k2) == std::string(k2, '0'));
        CHECK(text.size() == bang + 2);
        CHECK(text.back() == key);
        k1s.insert(q);
        k2s.insert(k2);
        keys.insert(key);
        lengths.insert(text.size());
        // The key accuracy is about the step that shows '!'; the condition is the key.
        CHECK(marked(recall, batch, b) == std::vector<arma::uword>{bang});
        CHECK(batch.condition[b] == static_cast<long>(ch::synthetic_charset.find(key)));
    }
    CHECK(k1s == std::set<std::size_t>{1, 2, 3, 4, 5});
    CHECK(k2s == std::set<std::size_t>{1, 2});
    CHECK(keys == std::set<char>{'1', '2', '3', ',', '.', ' '});
    // 6-11 = k1 + k2 + 4 with k1 <= 5, k2 <= 2 (docs/provenance.md §2.5).
    CHECK(lengths == std::set<std::size_t>{6, 7, 8, 9, 10, 11});
    check_next_character_targets(*task, batch, ch::synthetic_charset);
}

TEST_CASE("resequence texts repeat k distinct characters, k uniform in 1..n") {
    s::Params p;
    p.set("n", 4.0);
    const auto task = make(s::resequence_entry(), p);
    CHECK(task->steps() == 5);
    const s::TrialBatch batch = trials(*task, 2000);
    const arma::fmat recall = task->mask("recall", batch);
    std::map<std::size_t, int> ks;
    std::set<char> used;
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const std::string text = text_of(batch, b, ch::synthetic_charset);
        REQUIRE(text.size() == 5);
        const std::size_t k = std::set<char>(text.begin(), text.end()).size();
        REQUIRE(k >= 1);
        REQUIRE(k <= 4);
        ++ks[k];
        // The first k are distinct (a cycle of k), and then they repeat.
        CHECK(std::set<char>(text.begin(), text.begin() + static_cast<long>(k)).size() == k);
        for (std::size_t t = k; t < text.size(); ++t)
            CHECK(text[t] == text[t % k]);
        used.insert(text.begin(), text.end());
        CHECK(marked(recall, batch, b) == range(k - 1, 4));
        CHECK(batch.condition[b] == static_cast<long>(ch::synthetic_charset.find(text[k % 5])));
    }
    REQUIRE(ks.size() == 4);
    for (const auto& [k, count] : ks) {
        CHECK(count > 400);  // 500 expected each
        CHECK(count < 600);
    }
    CHECK(used.size() == 9);  // from the whole synthetic set
    check_next_character_targets(*task, batch, ch::synthetic_charset);

    p.set("n", 5.0);
    CHECK_THROWS_AS(make(s::resequence_entry(), p), std::invalid_argument);  // length 5 <= n
}

TEST_CASE("palindrome texts mirror their first half, fixed or of varying length") {
    SUBCASE("fixed: 2 characters, a middle one, the 2 reversed, from the whole set") {
        s::Params p;
        p.set("vary_length", false);
        const auto task = make(s::palindrome_entry(), p);
        CHECK(task->steps() == 5);
        const s::TrialBatch batch = trials(*task, 2000);
        const arma::fmat recall = task->mask("recall", batch);
        std::set<char> first, middle;
        for (arma::uword b = 0; b < batch.batch; ++b) {
            const std::string text = text_of(batch, b, ch::synthetic_charset);
            REQUIRE(text.size() == 5);
            CHECK(std::string(text.rbegin(), text.rend()) == text);
            first.insert(text[0]);
            middle.insert(text[2]);
            CHECK(marked(recall, batch, b) == range(2, 4));
        }
        CHECK(first.size() == 9);
        CHECK(middle.size() == 9);
        check_next_character_targets(*task, batch, ch::synthetic_charset);
    }
    SUBCASE("3_palindrome_dataset_vary_length: r in 1..3, '.', reversed, 2(3 - r) spaces") {
        s::Params p;
        p.set("half_length", 3.0);
        const auto task = make(s::palindrome_entry(), p);
        CHECK(task->steps() == 7);
        const s::TrialBatch batch = trials(*task, 3000);
        const arma::fmat recall = task->mask("recall", batch);
        std::set<std::size_t> rs;
        std::set<char> used;
        for (arma::uword b = 0; b < batch.batch; ++b) {
            const std::string text = text_of(batch, b, ch::synthetic_charset);
            REQUIRE(text.size() == 7);
            const std::size_t r = text.find('.');
            REQUIRE(r >= 1);
            REQUIRE(r <= 3);
            rs.insert(r);
            const std::string left = text.substr(0, r);
            CHECK(left.find_first_of(". ") == std::string::npos);
            CHECK(text.substr(r + 1, r) == std::string(left.rbegin(), left.rend()));
            CHECK(text.substr(2 * r + 1) == std::string(2 * (3 - r), ' '));
            used.insert(left.begin(), left.end());
            CHECK(marked(recall, batch, b) == range(r, 2 * r));
        }
        CHECK(rs == std::set<std::size_t>{1, 2, 3});
        CHECK(used == std::set<char>{'0', '?', '!', '1', '2', '3', ','});
        check_next_character_targets(*task, batch, ch::synthetic_charset);
    }
    SUBCASE("2_small_palindrome_dataset_vary_length: the halves from \"23\"") {
        s::Params p;
        p.set("small", true);
        const auto task = make(s::palindrome_entry(), p);
        CHECK(task->input_size() == 4);
        CHECK(task->output_size() == 4);
        const s::TrialBatch batch = trials(*task, 500);
        std::set<std::string> all;
        for (const auto& text : texts(batch, ch::small_charset)) {
            REQUIRE(text.size() == 5);
            all.insert(text);
        }
        // r = 1: "2.2  ", "3.3  "; r = 2: 4 palindromes of "23".
        CHECK(all == std::set<std::string>{"2.2  ", "3.3  ", "22.22", "23.32", "32.23", "33.33"});
    }
}

TEST_CASE("last_one, last_two and the positional encoding follow the seed's model_input") {
    s::Params p;
    p.set("input", std::string("last_two"));
    p.set("positional_encoding", 6.0);
    const auto task = make(s::key_recall_entry(), p);
    REQUIRE(task->input_size() == 9 + 9 + 6);
    CHECK(s::key_recall_entry().input_size(s::with_defaults(s::key_recall_entry().schema, p))
          == 24);
    const s::TrialBatch batch = trials(*task, 16);
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const std::string text = text_of(batch, b, ch::synthetic_charset);
        for (arma::uword t = 0; t < batch.steps; ++t) {
            const arma::fvec x = batch.inputs.col(t * batch.batch + b);
            arma::fvec want(24, arma::fill::zeros);
            if (t < text.size())
                want(ch::synthetic_charset.find(text[t])) = 1.0F;
            // The previous character, also on the first padding step (the seed pads the
            // one-hot sequence with zero rows, then reads row t - 1).
            if (t >= 1 && t - 1 < text.size())
                want(9 + ch::synthetic_charset.find(text[t - 1])) = 1.0F;
            for (arma::uword k = 0; k < 3; ++k) {
                const double w = std::pow(10000.0, -2.0 * static_cast<double>(k) / 6.0);
                want(18 + 2 * k) = static_cast<float>(std::sin(static_cast<double>(t) * w));
                want(18 + 2 * k + 1) = static_cast<float>(std::cos(static_cast<double>(t) * w));
            }
            CHECK(arma::approx_equal(x, want, "absdiff", 1e-6F));
        }
    }
    // Step 0: sin(0) = 0 and cos(0) = 1 alternate.
    CHECK(arma::approx_equal(arma::fvec(batch.inputs.col(0).tail(6)),
                             arma::fvec{0.0F, 1.0F, 0.0F, 1.0F, 0.0F, 1.0F}, "absdiff", 0.0F));

    // last_one (the default): the input is onehot(c_t) alone.
    const auto plain = make(s::key_recall_entry());
    const s::TrialBatch one = trials(*plain, 16);
    CHECK(one.inputs.n_rows == 9);
    CHECK(arma::approx_equal(one.inputs, arma::fmat(batch.inputs.rows(0, 8)), "absdiff", 0.0F));

    // Positions from 1999 on share the encoding of 1999.
    s::Params longer;
    longer.set("length", 2003.0);
    longer.set("positional_encoding", 4.0);
    const auto long_task = make(s::resequence_entry(), longer);
    const s::TrialBatch two = trials(*long_task, 2);
    auto pe = [&](arma::uword t) {
        return arma::fvec(two.inputs.col(t * 2).tail(4));
    };
    CHECK(arma::approx_equal(pe(2002), pe(1999), "absdiff", 0.0F));
    CHECK(arma::approx_equal(pe(2000), pe(1999), "absdiff", 0.0F));
    CHECK(!arma::approx_equal(pe(1998), pe(1999), "absdiff", 1e-6F));
    CHECK(pe(1999)(0) == doctest::Approx(std::sin(1999.0)).epsilon(1e-5));
}

TEST_CASE("padded steps carry no loss: changing their logits leaves the cross-entropy") {
    const auto task = make(s::key_recall_entry());
    const s::TrialBatch batch = trials(*task, 32);
    const arma::fmat with_target = task->mask("targets", batch);
    rt::RandomStream r(rt::stream_key(3, "logits"));
    arma::fmat logits(9, batch.inputs.n_cols);
    r.fill_normal(logits, 0.0, 1.0);
    auto loss = [&](const arma::fmat& y) {
        rt::Tape<float> tape;
        const rt::Var v = rt::masked_cross_entropy(tape, tape.constant(y), batch.step_targets,
                                                   with_target, -1.0F);
        return tape.value(v)(0, 0);
    };
    arma::fmat changed = logits;
    int padded = 0;
    for (arma::uword c = 0; c < changed.n_cols; ++c)
        if (with_target(0, c) == 0.0F) {
            changed.col(c) += arma::linspace<arma::fvec>(1.0F, 9.0F, 9);
            ++padded;
        }
    CHECK(padded > 32);  // each trial's last character, plus the padding of the short ones
    CHECK(loss(changed) == loss(logits));
    changed(0, 0) += 1.0F;  // a step with a target (trial 0's first) does count
    CHECK(loss(changed) != loss(logits));
}

TEST_CASE("character task signals: next-character, top-2 and recall accuracies") {
    s::Params p;
    p.set("half_length", 3.0);
    const auto task = make(s::palindrome_entry(), p);
    const s::TrialBatch batch = trials(*task, 64);
    const auto target = [&](arma::uword b, arma::uword t) {
        const float v = batch.step_targets(0, t * batch.batch + b);
        return v >= 0.0F ? static_cast<arma::uword>(v) : arma::uword{0};
    };
    const arma::fmat perfect = logits_predicting(batch, 9, target);
    CHECK(metric(*task, batch, perfect, "step_share") == doctest::Approx(1.0));
    CHECK(metric(*task, batch, perfect, "step_share_top2") == doctest::Approx(1.0));
    CHECK(metric(*task, batch, perfect, "recall_share") == doctest::Approx(1.0));

    // Wrong on the mirrored half only: the recall accuracy is 0, the overall accuracy the
    // share of the other steps, trial by trial.
    const arma::fmat recall = task->mask("recall", batch);
    arma::fmat wrong = perfect;
    for (arma::uword c = 0; c < wrong.n_cols; ++c)
        if (recall(0, c) == 1.0F) {
            const arma::uword t = wrong.col(c).index_max();
            wrong.col(c).zeros();
            wrong((t + 1) % 9, c) = 1.0F;  // the largest logit: wrong
            wrong(t, c) = 0.5F;            // the second largest: the target
        }
    CHECK(metric(*task, batch, wrong, "recall_share") == doctest::Approx(0.0));
    CHECK(metric(*task, batch, wrong, "step_share_top2") == doctest::Approx(1.0));
    double expected = 0.0;
    const arma::fmat with_target = task->mask("targets", batch);
    for (arma::uword b = 0; b < batch.batch; ++b) {
        const auto all = marked(with_target, batch, b).size();
        const auto mirrored = marked(recall, batch, b).size();
        expected += static_cast<double>(all - mirrored) / static_cast<double>(all);
    }
    CHECK(metric(*task, batch, wrong, "step_share")
          == doctest::Approx(expected / static_cast<double>(batch.batch)));

    // The last character is mirrored only when r = 3; otherwise it is padding (' ').
    double shorter = 0.0;
    for (const auto& text : texts(batch, ch::synthetic_charset))
        shorter += text.find('.') < 3 ? 1.0 : 0.0;
    CHECK(shorter > 0.0);
    CHECK(metric(*task, batch, wrong, "last_correct")
          == doctest::Approx(shorter / static_cast<double>(batch.batch)));
    CHECK(metric(*task, batch, perfect, "last_correct") == doctest::Approx(1.0));

    // Equal logits are not right everywhere: ties go to class 0 ('0'), as argmax does, and
    // no key is '0'.
    const auto keys = make(s::key_recall_entry());
    const s::TrialBatch key_batch = trials(*keys, 64);
    const arma::fmat flat(9, key_batch.inputs.n_cols, arma::fill::zeros);
    CHECK(metric(*keys, key_batch, flat, "recall_share") == doctest::Approx(0.0));
    CHECK(metric(*keys, key_batch, flat, "last_correct") == doctest::Approx(0.0));
    CHECK(metric(*keys, key_batch, flat, "step_share") > 0.0);  // the '0's after '?'

    // `correct` is 1 exactly where a target is predicted, nowhere else.
    rt::Tape<float> tape;
    rt::NetworkVars vars;
    vars.outputs = tape.constant(perfect);
    CHECK(arma::approx_equal(arma::fmat(tape.value(task->signal("correct", tape, vars, batch))),
                             arma::fmat(arma::reshape(with_target, batch.batch, batch.steps)),
                             "absdiff", 0.0F));
    CHECK_THROWS_AS(task->signal("overlap", tape, vars, batch), std::logic_error);

    // The metrics sum the share signals over the whole trial.
    for (const auto& m : s::palindrome_entry().metrics) {
        CHECK(m.reduction == rt::TimeReduction::Sum);
        CHECK(m.period == "sequence");
    }
}

TEST_CASE("golden first strings of each character task for seed 42") {
    auto first = [](const s::TaskEntry& entry, s::Params p, std::string_view charset) {
        return texts(trials(*make(entry, std::move(p)), 4), charset);
    };
    s::Params n4;
    n4.set("n", 4.0);
    s::Params fixed;
    fixed.set("vary_length", false);
    s::Params three;
    three.set("half_length", 3.0);
    CHECK(first(s::key_recall_entry(), {}, ch::synthetic_charset)
          == std::vector<std::string>{"0000?,0!,", "00?200!2", "00000?,0!,", "0? 0! "});
    CHECK(first(s::resequence_entry(), n4, ch::synthetic_charset)
          == std::vector<std::string>{",3,3,", " !21 ", ".1?2.", "3.3.3"});
    CHECK(first(s::palindrome_entry(), fixed, ch::synthetic_charset)
          == std::vector<std::string>{"1, ,1", ".   .", "1.,.1", " 3!3 "});
    CHECK(first(s::palindrome_entry(), three, ch::synthetic_charset)
          == std::vector<std::string>{"0.0    ", "13.31  ", "?.?    ", "!,3.3,!"});
}

TEST_CASE("a character trial is a function of its index, whatever the batch it is built in") {
    s::Params three;
    three.set("half_length", 3.0);
    s::Params n4;
    n4.set("n", 4.0);
    const std::vector<std::pair<const s::TaskEntry*, s::Params>> all = {
        {&s::key_recall_entry(), {}},
        {&s::resequence_entry(), n4},
        {&s::palindrome_entry(), three}};
    for (const auto& [entry, p] : all) {
        CAPTURE(entry->name);
        const auto task = make(*entry, p);
        const s::TrialBatch four = trials(*task, 4, 0);
        const s::TrialBatch two = trials(*task, 2, 2);
        REQUIRE(four.steps == two.steps);
        for (arma::uword t = 0; t < two.steps; ++t)
            for (arma::uword b = 0; b < 2; ++b) {
                CHECK(arma::approx_equal(two.inputs.col(t * 2 + b), four.inputs.col(t * 4 + b + 2),
                                         "absdiff", 0.0F));
                CHECK(two.step_targets(0, t * 2 + b) == four.step_targets(0, t * 4 + b + 2));
            }
        // Evaluation trials too, and another seed gives other texts.
        const s::TrialDraws draws(rt::stream_key(42, "evaluate test / trials"), 0);
        CHECK(arma::approx_equal(task->evaluation_batch(draws, 5).inputs,
                                 task->evaluation_batch(draws, 5).inputs, "absdiff", 0.0F));
        CHECK(task->evaluation_batch(draws, 0).batch == 200);
        CHECK(texts(trials(*task, 8, 0, 42), ch::synthetic_charset)
              != texts(trials(*task, 8, 0, 43), ch::synthetic_charset));
    }
}

namespace {

// A fresh directory under the system temp dir, removed at the end of the test.
struct CorpusDir {
    fs::path path =
        fs::temp_directory_path()
        / ("rnn_char_tasks_test_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));

    CorpusDir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }

    ~CorpusDir() { fs::remove_all(path); }

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
    }
};

}  // namespace

TEST_CASE("corpus: lines or windows of a text file, characters outside the charset dropped") {
    CorpusDir dir;
    dir.write("tale.txt", "Once upon a time\xc3\xa9!\r\n\nab\n\t\n{}\nthe end\n");
    s::Params p;
    p.set("file", (dir.path / "tale.txt").string());
    p.set("length", 8.0);
    const auto lines = make(s::corpus_entry(), p);
    CHECK(lines->input_size() == 73);
    CHECK(lines->output_size() == 73);
    CHECK(lines->steps() == 8);
    const s::TrialBatch batch = trials(*lines, 400);
    std::set<std::string> seen;
    for (const auto& text : texts(batch, ch::text_charset))
        seen.insert(text);
    // "Once upon a time!" cut to 8, "ab" padded to 3; lines with no charset character dropped.
    CHECK(seen == std::set<std::string>{"Once upo", "ab ", "the end"});
    check_next_character_targets(*lines, batch, ch::text_charset);

    p.set("split", std::string("windows"));
    p.set("charset", std::string("small"));
    dir.write("digits.txt", "2 3.x2\n33 22.");
    p.set("file", (dir.path / "digits.txt").string());
    p.set("length", 4.0);
    const auto windows = make(s::corpus_entry(), p);
    CHECK(windows->input_size() == 4);
    const std::string kept = "2 3.233 22.";  // 'x' and the newline are not in "23. "
    for (const auto& text : texts(trials(*windows, 200), ch::small_charset)) {
        REQUIRE(text.size() == 4);
        CHECK(kept.find(text) != std::string::npos);
    }

    p.set("length", 12.0);  // longer than the 11 kept characters
    CHECK_THROWS_AS(make(s::corpus_entry(), p), std::invalid_argument);
    p.set("file", (dir.path / "none.txt").string());
    CHECK_THROWS_AS(make(s::corpus_entry(), p), std::runtime_error);
}

TEST_CASE("a corpus file is resolved relative to the script, and its content enters the key") {
    CorpusDir dir;
    fs::create_directories(dir.path / "data");
    dir.write("data/tale.txt", "one line\nanother line\n");
    const std::string script = R"(task text = corpus { file = "data/tale.txt", length = 16 }
network net = gru { units = 8, inputs = text.inputs, outputs = 73 }
train fit = net on text {
  loss   = cross_entropy(logits, target, mask: targets, ignore: -1)
  epochs = 1
}
)";
    dir.write("run.rnn", script);
    auto key = [&] {
        const auto l = i::load_file((dir.path / "run.rnn").string());
        INFO(i::render_all(l, false));
        REQUIRE(l.program);
        const auto& path = l.program->tasks.at("text").params.text("file");
        CHECK(fs::path(path).is_absolute());
        CHECK(fs::equivalent(path, dir.path / "data/tale.txt"));
        return i::lower(*l.program).nodes.at(0).key;
    };
    const auto before = key();
    CHECK(key() == before);
    // The same project in another directory: the same key (the file enters by content).
    CorpusDir moved;
    fs::create_directories(moved.path / "data");
    moved.write("data/tale.txt", "one line\nanother line\n");
    moved.write("run.rnn", script);
    const auto l_moved = i::load_file((moved.path / "run.rnn").string());
    REQUIRE(l_moved.program);
    CHECK(i::lower(*l_moved.program).nodes.at(0).key == before);
    dir.write("data/tale.txt", "one line\nanother line, changed\n");
    CHECK(key() != before);

    auto code_of = [&](const std::string& file) {
        std::string text = script;
        text.replace(text.find("data/tale.txt"), 13, file);
        dir.write("bad.rnn", text);
        const auto l = i::load_file((dir.path / "bad.rnn").string());
        std::vector<std::string> codes;
        for (const auto& d : l.diagnostics.all())
            codes.emplace_back(i::code_info(d.code).id);
        return codes;
    };
    CHECK(code_of("data/none.txt") == std::vector<std::string>{"E0415"});
    CHECK(code_of("data") == std::vector<std::string>{"E0415"});  // a directory
    CHECK(code_of("/etc/hostname") == std::vector<std::string>{"E0415"});
}
