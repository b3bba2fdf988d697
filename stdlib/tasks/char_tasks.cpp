#include "stdlib/tasks/char_tasks.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "runtime/files.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// How a character becomes the input of a step (docs/provenance.md §2.4, the seed's
// utils.model_input).
struct Encoding {
    bool last_two = false;       // also character t - 1 (zeros at t = 0)
    arma::uword positional = 0;  // sinusoidal positional encoding of this size, appended

    explicit Encoding(const Params& p)
        : last_two(p.text("input") == "last_two")
        , positional(static_cast<arma::uword>(p.integer("positional_encoding"))) {}

    arma::uword size(arma::uword charset_size) const {
        return charset_size * (last_two ? 2 : 1) + positional;
    }
};

long encoded_size(const Params& p, std::string_view charset) {
    return static_cast<long>(Encoding(p).size(charset.size()));
}

// The parameters every character task shares, appended to its own.
Schema with_encoding(std::vector<ParamSpec> own) {
    own.emplace_back("input", ParamType::Choice, Value{std::string("last_one")}, std::nullopt,
                     std::nullopt, "",
                     "last_one: onehot(c_t); last_two: onehot(c_t) then onehot(c_t-1), zeros at "
                     "t = 0 (the seed's CLI default; its run scripts use last_one)",
                     std::vector<std::string>{"last_one", "last_two"});
    own.emplace_back("positional_encoding", ParamType::Integer, Value{0.0}, 0.0, 4096.0, "",
                     "size d of the sinusoidal positional encoding appended to the input: "
                     "sin(t w_k) on dim 2k, cos(t w_k) on dim 2k+1, w_k = 10000^(-2k/d), t capped "
                     "at 1999; 0: none");
    return Schema{std::move(own)};
}

std::string_view charset_named(const std::string& name) {
    if (name == "small")
        return chars::small_charset;
    if (name == "synthetic")
        return chars::synthetic_charset;
    return chars::text_charset;
}

char pick(rt::RandomStream& r, std::string_view from) {
    return from[static_cast<std::size_t>(
        r.uniform_int(0, static_cast<std::int64_t>(from.size()) - 1))];
}

// A trial's text and the values it was drawn with (TextSource::variables, in order).
struct DrawnText {
    std::string text;
    std::vector<double> values;
};

// What tells the character tasks apart: their charset, their longest text, how a trial's
// text is drawn, and which of its steps the task's own accuracy is about.
struct TextSource {
    std::string_view charset;
    arma::uword max_length = 0;
    std::vector<std::string> variables;  // the names of DrawnText::values (after `length`)
    std::function<DrawnText(rt::RandomStream&)> draw;
    // Steps t whose target text[t + 1] the task-specific accuracy counts (empty function:
    // the task has none). Computed from the text, so signals find them from the inputs.
    std::function<std::vector<arma::uword>(const std::string&)> recall;
};

class CharTask final : public TaskWithSignals<CharTask> {
    friend class TaskWithSignals<CharTask>;  // calls signal_impl

public:
    CharTask(TextSource source, const Params& p) : source_(std::move(source)), encoding_(p) {}

    arma::uword input_size() const override { return encoding_.size(source_.charset.size()); }

    arma::uword output_size() const override { return source_.charset.size(); }

    // The longest text; shorter ones are padded (docs/provenance.md §2.3).
    arma::uword steps() const override { return source_.max_length; }

    arma::uword conditions() const override { return source_.charset.size(); }

    std::vector<Period> periods() const override { return {{"sequence", 0, steps()}}; }

    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        return make_batch(request.batch_size, draws);
    }

    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        return make_batch(count > 0 ? count : kEvaluationTrials, draws);
    }

    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        arma::fmat m(1, trials.batch * trials.steps, arma::fill::zeros);
        if (name == "targets") {
            m.elem(arma::find(trials.step_targets.row(0) >= 0.0F)).ones();
            return m;
        }
        if (name == "recall" && source_.recall) {
            for (arma::uword b = 0; b < trials.batch; ++b)
                for (const arma::uword t : source_.recall(text_of(trials, b)))
                    m(0, t * trials.batch + b) = 1.0F;
            return m;
        }
        return TaskInstance::mask(name, trials);
    }

private:
    // Trial b's text, read back from its inputs: rows 0..V-1 hold onehot(c_t); padding
    // steps are all zero there.
    std::string text_of(const TrialBatch& trials, arma::uword b) const {
        std::string text;
        const arma::uword v = source_.charset.size();
        for (arma::uword t = 0; t < trials.steps; ++t) {
            const arma::fvec x = trials.inputs.col(t * trials.batch + b).head(v);
            if (x.max() <= 0.0F)
                break;
            text.push_back(source_.charset[x.index_max()]);
        }
        return text;
    }

    // Trial b draws its text from its own stream (a function of the seed, the path and the
    // trial's index); every trial is padded to the longest text, so a batch's trials do not
    // depend on one another.
    TrialBatch make_batch(arma::uword count, const TrialDraws& draws) const {
        TrialBatch batch;
        batch.batch = count;
        batch.steps = steps();
        batch.inputs.zeros(input_size(), count * batch.steps);
        batch.step_targets.set_size(1, count * batch.steps);
        batch.step_targets.fill(-1.0F);
        const arma::uword v = source_.charset.size();
        const arma::fmat positions = positional_table();
        for (arma::uword b = 0; b < count; ++b) {
            rt::RandomStream stream = draws.trial(b);
            const DrawnText drawn = source_.draw(stream);
            const std::string& text = drawn.text;
            set_variable(batch, "length", b, static_cast<double>(text.size()));
            for (std::size_t i = 0; i < source_.variables.size(); ++i)
                set_variable(batch, source_.variables[i], b, drawn.values.at(i));
            std::vector<arma::uword> classes;
            for (const char c : text) {
                const auto at = source_.charset.find(c);
                if (at == std::string_view::npos || classes.size() == batch.steps)
                    throw std::logic_error(
                        "a character task drew a character outside its charset "
                        "or a text longer than its steps");
                classes.push_back(at);
            }
            // The trial's condition: the first character it must recall (key_recall: the
            // key), or its first character.
            const auto recall = source_.recall ? source_.recall(text) : std::vector<arma::uword>{};
            const arma::uword shown = recall.empty() ? 0 : recall.front() + 1;
            batch.condition.push_back(shown < classes.size() ? static_cast<long>(classes[shown])
                                                             : 0L);
            // As the seed's model_input over a zero-padded one-hot sequence: padding steps
            // have no current character, but still carry the previous one (last_two) and
            // their position.
            for (arma::uword t = 0; t < batch.steps; ++t) {
                const arma::uword col = t * count + b;
                if (t < classes.size())
                    batch.inputs(classes[t], col) = 1.0F;
                if (encoding_.last_two && t >= 1 && t - 1 < classes.size())
                    batch.inputs(v + classes[t - 1], col) = 1.0F;
                if (encoding_.positional > 0)
                    batch.inputs.col(col).tail(encoding_.positional) =
                        positions.col(std::min<arma::uword>(t, chars::max_position));
                if (t + 1 < classes.size())
                    batch.step_targets(0, col) = static_cast<float>(classes[t + 1]);
            }
        }
        return batch;
    }

    // Column t: the positional encoding of position t, for t < min(steps, 2000).
    arma::fmat positional_table() const {
        const arma::uword d = encoding_.positional;
        const arma::uword rows = std::min<arma::uword>(steps(), chars::max_position + 1);
        arma::fmat table(d, rows);
        for (arma::uword t = 0; t < rows; ++t)
            for (arma::uword i = 0; i < d; ++i) {
                // In double, rounded once to float (a float32 table, as torch builds one,
                // may differ in the last bit; the tests allow 1e-6).
                const double w =
                    std::pow(10000.0, -static_cast<double>(i - i % 2) / static_cast<double>(d));
                const double angle = static_cast<double>(t) * w;
                table(i, t) = static_cast<float>(i % 2 == 0 ? std::sin(angle) : std::cos(angle));
            }
        return table;
    }

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        const bool top2 = name == "correct_top2" || name == "step_share_top2";
        const bool share = name == "step_share" || name == "step_share_top2";
        const bool last = name == "last_correct";
        const bool recall = name == "recall_share" && source_.recall;
        if (!top2 && !share && !last && !recall && name != "correct")
            throw std::logic_error("a character task has no signal '" + std::string(name) + "'");
        const arma::Mat<T>& y = tape.value(net.outputs);
        arma::Mat<T> out(trials.batch, trials.steps, arma::fill::zeros);
        for (arma::uword b = 0; b < trials.batch; ++b) {
            std::vector<arma::uword> steps;
            if (recall) {
                steps = source_.recall(text_of(trials, b));
            } else {
                for (arma::uword t = 0; t < trials.steps; ++t)
                    if (trials.step_targets(0, t * trials.batch + b) >= 0.0F)
                        steps.push_back(t);
                if (last && !steps.empty())
                    steps = {steps.back()};
            }
            // The share signals sum to the trial's accuracy over its steps.
            const T weight =
                (share || recall) && !steps.empty() ? T(1) / static_cast<T>(steps.size()) : T(1);
            for (const arma::uword t : steps) {
                const arma::uword c = t * trials.batch + b;
                const auto target = static_cast<arma::uword>(trials.step_targets(0, c));
                // Ties go to the lower class, as argmax does: an untrained network with
                // equal logits is not right everywhere.
                const arma::uword first = y.col(c).index_max();
                bool hit = first == target;
                if (top2 && !hit && y.n_rows > 1) {
                    arma::Col<T> rest = y.col(c);
                    rest(first) = -std::numeric_limits<T>::infinity();
                    hit = rest.index_max() == target;
                }
                if (hit)
                    out(b, t) = weight;
            }
        }
        return tape.constant(std::move(out));
    }

    TextSource source_;
    Encoding encoding_;
};

// --- the tasks' texts (docs/provenance.md §2.5) -----------------------------------------

// long_range_memory_dataset: "0" x k1 + "?" + c + "0" x k2 + "!" + c, with c from
// charset[3:], k1 in 1..5, k2 in 1..2 (drawn in the seed's order: c, k1, k2).
// Its values: the key's class, k1, k2.
DrawnText key_recall_text(rt::RandomStream& r) {
    const std::string_view set = chars::synthetic_charset;
    const char key = pick(r, set.substr(3));
    const auto before = static_cast<std::size_t>(r.uniform_int(1, 5));
    const auto between = static_cast<std::size_t>(r.uniform_int(1, 2));
    return {std::string(before, '0') + '?' + key + std::string(between, '0') + '!' + key,
            {static_cast<double>(set.find(key)), static_cast<double>(before),
             static_cast<double>(between)}};
}

// n_resequence: k in 1..n distinct characters of the synthetic set (random.sample: a
// partial Fisher-Yates shuffle), repeated cyclically to `length`. Its value: k.
DrawnText resequence_text(rt::RandomStream& r, long n, arma::uword length) {
    std::string set(chars::synthetic_charset);
    const auto k = static_cast<std::size_t>(r.uniform_int(1, n));
    for (std::size_t i = 0; i < k; ++i)
        std::swap(set[i],
                  set[static_cast<std::size_t>(r.uniform_int(
                      static_cast<std::int64_t>(i), static_cast<std::int64_t>(set.size()) - 1))]);
    std::string text;
    for (arma::uword i = 0; i < length; ++i)
        text.push_back(set[i % k]);
    return {text, {static_cast<double>(k)}};
}

// palindrome_dataset (fixed): `half` characters, a middle one, the first ones reversed, all
// from the whole charset. [n_][small_]palindrome_dataset_vary_length: r in 1..half
// characters without '.' and ' ', the middle '.', them reversed, then ' ' x 2 (half - r).
// Its value: the characters before the middle (n, or r).
DrawnText palindrome_text(rt::RandomStream& r, std::string_view set, arma::uword half,
                          bool vary_length) {
    if (!vary_length) {
        std::string left;
        for (arma::uword i = 0; i < half; ++i)
            left.push_back(pick(r, set));
        const char middle = pick(r, set);
        return {left + middle + std::string(left.rbegin(), left.rend()),
                {static_cast<double>(half)}};
    }
    std::string allowed;
    for (const char c : set)
        if (c != '.' && c != ' ')
            allowed.push_back(c);
    const auto length = static_cast<arma::uword>(r.uniform_int(1, static_cast<std::int64_t>(half)));
    std::string left;
    for (arma::uword i = 0; i < length; ++i)
        left.push_back(pick(r, allowed));
    return {left + '.' + std::string(left.rbegin(), left.rend())
                + std::string(2 * (half - length), ' '),
            {static_cast<double>(length)}};
}

// Steps first..last-1: where the targets are text[first + 1 .. last].
std::vector<arma::uword> step_range(arma::uword first, arma::uword last) {
    std::vector<arma::uword> out;
    for (arma::uword t = first; t < last; ++t)
        out.push_back(t);
    return out;
}

// A text file's texts: its characters in the charset (the seed's filter_text), as one
// stream (windows) or as its non-empty lines, each right-padded with spaces to 3
// characters as the seed pads short examples.
struct Corpus {
    std::string text;                // windows
    std::vector<std::string> lines;  // lines

    Corpus(const Params& p, std::string_view charset) {
        const std::string& path = p.text("file");
        std::string why;
        const auto bytes = rt::read_file(path, why, rt::kMaxDataFileBytes);
        if (!bytes)
            throw std::runtime_error(fmt::format("corpus: cannot read '{}': {}", path, why));
        const auto length = static_cast<std::size_t>(p.integer("length"));
        auto keep = [&](char c) {
            return charset.find(c) != std::string_view::npos;
        };
        if (p.text("split") == "windows") {
            for (const char c : *bytes)
                if (keep(c))
                    text.push_back(c);
            if (text.size() < length)
                throw std::invalid_argument(fmt::format(
                    "corpus: '{}' has {} characters of the charset, fewer than length = {}", path,
                    text.size(), length));
            return;
        }
        std::string line;
        auto flush = [&] {
            if (!line.empty()) {
                while (line.size() < 3)
                    line.push_back(' ');
                line.resize(std::min(line.size(), length));
                lines.push_back(line);
            }
            line.clear();
        };
        for (const char c : *bytes) {
            if (c == '\n')
                flush();
            else if (keep(c))
                line.push_back(c);
        }
        flush();
        if (lines.empty())
            throw std::invalid_argument(
                fmt::format("corpus: '{}' has no line with a character of the charset", path));
    }

    // Its value: where the text starts (the window's first character, or the line's index).
    DrawnText draw(rt::RandomStream& r, std::size_t length) const {
        if (lines.empty()) {
            const auto start = static_cast<std::size_t>(
                r.uniform_int(0, static_cast<std::int64_t>(text.size() - length)));
            return {text.substr(start, length), {static_cast<double>(start)}};
        }
        const auto line =
            static_cast<std::size_t>(r.uniform_int(0, static_cast<std::int64_t>(lines.size()) - 1));
        return {lines[line], {static_cast<double>(line)}};
    }
};

// --- the entries --------------------------------------------------------------------------

const std::vector<SignalSpec> kSignals = {
    {"correct", "1 where the largest logit is the next character (no gradient)"},
    {"correct_top2", "1 where the next character has one of the two largest logits"},
    {"step_share",
     "`correct` divided by the trial's number of steps with a target: its sum over the "
     "trial is the trial's next-character accuracy"},
    {"step_share_top2", "`correct_top2` divided by the trial's number of steps with a target"},
    {"last_correct", "`correct` at the trial's last step with a target (its last character)"}};

const std::vector<MetricSpec> kMetrics = {
    {"accuracy", "last_correct", rt::TimeReduction::Sum, "sequence",
     "the last character of the text predicted (the seed's avg_accuracy, over every trial "
     "and without padding)"},
    {"step_accuracy", "step_share", rt::TimeReduction::Sum, "sequence",
     "top-1 next-character accuracy over the steps with a target (the seed's step_acc_t1)"},
    {"step_accuracy_top2", "step_share_top2", rt::TimeReduction::Sum, "sequence",
     "top-2 next-character accuracy over the steps with a target (the seed's step_acc_t2)"}};

const std::vector<NamedDoc> kSchedules = {
    {"stream",
     "each step: `batch` fresh trials, as the seed's endless stream of generated "
     "strings"}};

// The parts every character task shares; `recall` names its own accuracy (or "").
TaskEntry char_entry(std::string name, std::string doc, std::string reference,
                     std::vector<ParamSpec> own, const std::string& recall_metric,
                     const std::string& recall_doc) {
    TaskEntry e;
    e.name = std::move(name);
    e.doc = std::move(doc);
    e.reference = std::move(reference);
    e.schema = with_encoding(std::move(own));
    e.signals = kSignals;
    e.metrics = kMetrics;
    e.masks = {{"targets", "the steps with a target (all but a text's last step and padding)"}};
    if (!recall_metric.empty()) {
        e.signals.push_back({"recall_share", "`correct` on the task's recall steps (" + recall_doc
                                                 + "), divided by their number"});
        e.metrics.push_back({recall_metric, "recall_share", rt::TimeReduction::Sum, "sequence",
                             "top-1 accuracy on " + recall_doc});
        e.masks.push_back({"recall", recall_doc});
    }
    e.periods = {{"sequence", "every step of a trial (the longest text; shorter ones padded)"}};
    e.variables = {{"length", "characters", "the characters of the trial's text"}};
    e.schedules = kSchedules;
    return e;
}

}  // namespace

const TaskEntry& key_recall_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e = char_entry(
            "key_recall",
            "Next-character prediction on \"0\"*k1 + \"?\" + c + \"0\"*k2 + \"!\" + c: after '!' "
            "the key c must be recalled.",
            "seed 001 (docs/provenance.md §2.5): long_range_memory_dataset, the key-recall task "
            "of Lorenc's draft paper \"Ephemeral Memory\"",
            {}, "key_accuracy", "the step whose input is '!', where the target is the key");
        e.variables.insert(e.variables.end(),
                           {{"key", "", "the key c (its class: its index in \"0?!123,. \")"},
                            {"before", "characters", "k1, the zeros before '?'"},
                            {"between", "characters", "k2, the zeros between the key and '!'"}});
        e.trial_steps = [](const Params&) {
            return 11L;
        };
        e.output_size = [](const Params&) {
            return static_cast<long>(chars::synthetic_charset.size());
        };
        e.input_size = [](const Params& p) {
            return encoded_size(p, chars::synthetic_charset);
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            TextSource s;
            s.charset = chars::synthetic_charset;
            // 5 + 1 + 1 + 2 + 1 + 1: the generator's longest (k1 + k2 + 4 = 6-11 characters,
            // docs/provenance.md §2.5).
            s.max_length = 11;
            s.variables = {"key", "before", "between"};
            s.draw = key_recall_text;
            s.recall = [](const std::string& text) {
                const auto query = text.find('!');
                return query == std::string::npos ? std::vector<arma::uword>{}
                                                  : step_range(query, query + 1);
            };
            return std::make_unique<CharTask>(std::move(s), p);
        };
        return e;
    }();
    return entry;
}

const TaskEntry& resequence_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e = char_entry(
            "resequence",
            "Next-character prediction on k (1..n) distinct characters repeated cyclically.",
            "seed 001 (docs/provenance.md §2.5): n_resequence, the repeated sequences of "
            "Lorenc's draft paper \"Ephemeral Memory\"",
            {{"n", ParamType::Integer, Value{2.0}, 1.0, 9.0, "",
              "most distinct characters; each trial draws k uniformly from 1..n"},
             {"length", ParamType::Integer, Value{5.0}, 2.0, 4096.0, "",
              "characters per trial; must exceed n"}},
            "repeat_accuracy",
            "the steps whose target repeats an earlier character (text positions k onwards)");
        e.variables.push_back({"distinct", "characters", "k, the distinct characters repeated"});
        e.trial_steps = [](const Params& p) {
            return p.integer("length");
        };
        e.output_size = [](const Params&) {
            return static_cast<long>(chars::synthetic_charset.size());
        };
        e.input_size = [](const Params& p) {
            return encoded_size(p, chars::synthetic_charset);
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            const long n = p.integer("n");
            const auto length = static_cast<arma::uword>(p.integer("length"));
            if (static_cast<long>(length) <= n)
                throw std::invalid_argument(fmt::format(
                    "resequence: length = {} must exceed n = {}, so that every trial repeats a "
                    "character",
                    length, n));
            TextSource s;
            s.charset = chars::synthetic_charset;
            s.max_length = length;
            s.variables = {"distinct"};
            s.draw = [n, length](rt::RandomStream& r) {
                return resequence_text(r, n, length);
            };
            s.recall = [](const std::string& text) {
                // The cycle's length is its number of distinct characters.
                std::string seen;
                for (const char c : text)
                    if (seen.find(c) == std::string::npos)
                        seen.push_back(c);
                return step_range(seen.size() - 1, text.size() - 1);
            };
            return std::make_unique<CharTask>(std::move(s), p);
        };
        return e;
    }();
    return entry;
}

const TaskEntry& palindrome_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e = char_entry(
            "palindrome",
            "Next-character prediction on palindromes: the second half mirrors the first.",
            "seed 001 (docs/provenance.md §2.5): palindrome_dataset and "
            "[n_][small_]palindrome_dataset_vary_length; the paper's 3-character reversed "
            "sequence task is half_length = 3",
            {{"half_length", ParamType::Integer, Value{2.0}, 1.0, 1000.0, "",
              "half-length n: texts have 2n + 1 characters"},
             {"vary_length", ParamType::Bool, Value{true}, std::nullopt, std::nullopt, "",
              "true: r in 1..n characters without '.' and ' ', the middle '.', them reversed, "
              "then 2(n - r) spaces; false: n characters, a random middle, them reversed"},
             {"small", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
              "the 4-character set \"23. \" instead of \"0?!123,. \" (the seed's *_small_*)"}},
            "mirror_accuracy",
            "the second half: the steps from the middle on whose targets mirror the first half");
        e.variables.push_back(
            {"half", "characters", "the characters before the middle: r with vary_length, else n"});
        e.trial_steps = [](const Params& p) {
            return 2 * p.integer("half_length") + 1;
        };
        e.output_size = [](const Params& p) {
            return static_cast<long>(
                (p.flag("small") ? chars::small_charset : chars::synthetic_charset).size());
        };
        e.input_size = [](const Params& p) {
            return encoded_size(p,
                                p.flag("small") ? chars::small_charset : chars::synthetic_charset);
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            const auto half = static_cast<arma::uword>(p.integer("half_length"));
            const bool vary = p.flag("vary_length");
            TextSource s;
            s.charset = p.flag("small") ? chars::small_charset : chars::synthetic_charset;
            s.max_length = 2 * half + 1;
            s.variables = {"half"};
            s.draw = [set = s.charset, half, vary](rt::RandomStream& r) {
                return palindrome_text(r, set, half, vary);
            };
            s.recall = [half, vary](const std::string& text) {
                // The first '.' is the middle of a varying one (its halves have no '.').
                const std::size_t middle = vary ? text.find('.') : half;
                return middle == std::string::npos ? std::vector<arma::uword>{}
                                                   : step_range(middle, 2 * middle);
            };
            return std::make_unique<CharTask>(std::move(s), p);
        };
        return e;
    }();
    return entry;
}

const TaskEntry& corpus_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e = char_entry(
            "corpus",
            "Next-character prediction on a text file: its lines, or windows of its text.",
            "seed 001 (docs/provenance.md §2.5): the tinystories / baby_names character datasets, "
            "from any text file",
            {{"file", ParamType::File, std::nullopt, std::nullopt, std::nullopt, "",
              "the text file, relative to the script; characters outside the charset are "
              "dropped"},
             {"length", ParamType::Integer, Value{64.0}, 2.0, 100000.0, "",
              "characters per trial: the window, or the most of a line (longer ones are cut)"},
             {"split",
              ParamType::Choice,
              Value{std::string("lines")},
              std::nullopt,
              std::nullopt,
              "",
              "lines: a random non-empty line, padded with spaces to 3 characters as the seed "
              "pads short examples; windows: a random window of `length` characters of the "
              "whole text",
              {"lines", "windows"}},
             {"charset",
              ParamType::Choice,
              Value{std::string("text")},
              std::nullopt,
              std::nullopt,
              "",
              "text: the seed's 73 characters (space, a-z, A-Z, 0-9, ,.;:'\"?!, newline, -); "
              "synthetic: \"0?!123,. \"; small: \"23. \"",
              {"text", "synthetic", "small"}}},
            "", "");
        e.variables.push_back({"start", "",
                               "where the text starts: the window's first character in the "
                               "file's kept text (windows), or the line's index, from 0 (lines)"});
        e.trial_steps = [](const Params& p) {
            return p.integer("length");
        };
        e.output_size = [](const Params& p) {
            return static_cast<long>(charset_named(p.text("charset")).size());
        };
        e.input_size = [](const Params& p) {
            return encoded_size(p, charset_named(p.text("charset")));
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            TextSource s;
            s.charset = charset_named(p.text("charset"));
            const auto length = static_cast<std::size_t>(p.integer("length"));
            s.max_length = length;
            auto corpus = std::make_shared<const Corpus>(p, s.charset);
            s.variables = {"start"};
            s.draw = [corpus, length](rt::RandomStream& r) {
                return corpus->draw(r, length);
            };
            return std::make_unique<CharTask>(std::move(s), p);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
