// sequence_wm: a sequence of distinct items, a delay, then recall of each item in order on
// its response cue (seed 004's SequenceWorkingMemoryTask; docs/provenance.md §4.1, §4.3).
#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

class SequenceWm final : public TaskWithSignals<SequenceWm> {
    friend class TaskWithSignals<SequenceWm>;  // calls signal_impl

public:
    explicit SequenceWm(const Params& p)
        : stimuli_(static_cast<arma::uword>(p.integer("stimuli")))
        , lengths_(p.integers("lengths"))
        , fixation_(static_cast<arma::uword>(p.integer("fixation")))
        , stimulus_(static_cast<arma::uword>(p.integer("stimulus")))
        , delay_(static_cast<arma::uword>(p.integer("delay")))
        , response_(static_cast<arma::uword>(p.integer("response")))
        , positions_(static_cast<arma::uword>(p.integer("positions"))) {
        // The seed's curriculum assumes sorted lengths (docs/provenance.md §4.4, §4.9); sorting is
        // harmless for a uniform draw.
        std::sort(lengths_.begin(), lengths_.end());
        if (static_cast<arma::uword>(lengths_.back()) > stimuli_)
            throw std::invalid_argument("sequence_wm: a sequence of "
                                        + std::to_string(lengths_.back())
                                        + " distinct items needs at least as many stimuli");
    }

    // Items one-hot, then fixation, stimulus-on, delay, and one response cue per position.
    arma::uword input_size() const override { return stimuli_ + 3 + positions_; }

    arma::uword output_size() const override { return stimuli_; }

    // The longest trial (the timing of a batch is in its own periods).
    arma::uword steps() const override { return steps_for(lengths_.back()); }

    arma::uword conditions() const override { return stimuli_; }

    std::vector<Period> periods() const override { return periods_for(lengths_.back()); }

    std::vector<long> levels() const override { return lengths_; }

    // One length per batch: the requested level (the curriculum's), or drawn uniformly
    // from `lengths`.
    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        if (!request.trial_levels.empty())  // a curriculum's mixed replay
            return make_batch(request.trial_levels, draws);
        const long length = request.level > 0
                                ? request.level
                                : lengths_[static_cast<std::size_t>(draws.batch().uniform_int(
                                    0, static_cast<std::int64_t>(lengths_.size()) - 1))];
        return make_batch(std::vector<long>(request.batch_size, length), draws);
    }

    // Fresh trials of the longest length, 200 unless asked (a task variant with
    // `lengths = [L]` evaluates another length).
    TrialBatch make_evaluation_batch(const TrialDraws& draws, arma::uword count) const override {
        return make_batch(std::vector<long>(count > 0 ? count : kEvaluationTrials, lengths_.back()),
                          draws);
    }

    // response: the 5 * length response steps, where the targets are.
    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        if (name != "response")
            return TaskInstance::mask(name, trials);
        arma::fmat m(1, trials.step_targets.n_cols, arma::fill::zeros);
        for (arma::uword i = 0; i < m.n_cols; ++i)
            if (trials.step_targets(0, i) >= 0.0F)
                m(0, i) = 1.0F;
        return m;
    }

private:
    arma::uword steps_for(long length) const {
        const auto s = static_cast<arma::uword>(length);
        return fixation_ + s * stimulus_ + delay_ + s * response_;
    }

    // The four phases, then each position's own stimulus and response window
    // ("stimulus1".."stimulusP", "response1"..; empty at the phase's end past the sequence's
    // length, so every length has the same list and analyses can say "stimulus2.end").
    std::vector<Period> periods_for(long length) const {
        const auto s = static_cast<arma::uword>(length);
        const arma::uword a = fixation_, b = a + s * stimulus_, c = b + delay_,
                          d = c + s * response_;
        std::vector<Period> out = {
            {"fixation", 0, a}, {"stimulus", a, b}, {"delay", b, c}, {"response", c, d}};
        for (arma::uword k = 0; k < positions_; ++k) {
            const arma::uword begin = k < s ? a + k * stimulus_ : b;
            out.emplace_back(fmt::format("stimulus{}", k + 1), begin,
                             k < s ? begin + stimulus_ : b);
        }
        for (arma::uword k = 0; k < positions_; ++k) {
            const arma::uword begin = k < s ? c + k * response_ : d;
            out.emplace_back(fmt::format("response{}", k + 1), begin,
                             k < s ? begin + response_ : d);
        }
        return out;
    }

    // Trials of the given lengths: items without replacement, the channel layout of
    // docs/provenance.md §4.1, targets the item of each response window and -1 elsewhere. Trials
    // shorter than the batch's longest are padded at the end with zero input and no target, and
    // carry their own periods.
    TrialBatch make_batch(const std::vector<long>& lengths, const TrialDraws& draws) const {
        const arma::uword count = lengths.size();
        const long longest = *std::max_element(lengths.begin(), lengths.end());
        TrialBatch batch;
        batch.batch = count;
        batch.steps = steps_for(longest);
        batch.periods = periods_for(longest);
        if (std::any_of(lengths.begin(), lengths.end(), [&](long l) { return l != longest; })) {
            for (arma::uword p = 0; p < batch.periods.size(); ++p) {
                Period& period = batch.periods[p];
                for (const long l : lengths) {
                    const Period own = periods_for(l)[p];
                    period.trial_begin.push_back(own.begin);
                    period.trial_end.push_back(own.end);
                }
                period.begin = period.trial_begin.front();
                period.end = period.trial_end.front();
            }
        }
        batch.inputs.zeros(input_size(), count * batch.steps);
        batch.step_targets.set_size(1, count * batch.steps);
        batch.step_targets.fill(-1.0F);
        const arma::uword fix_ch = stimuli_, stim_ch = stimuli_ + 1, delay_ch = stimuli_ + 2,
                          cue_ch = stimuli_ + 3;
        auto on = [&](arma::uword channel, arma::uword t, arma::uword b) {
            batch.inputs(channel, t * count + b) = 1.0F;
        };
        for (arma::uword b = 0; b < count; ++b) {
            const auto s = static_cast<arma::uword>(lengths[b]);
            rt::RandomStream trial = draws.trial(b);
            std::vector<long> items(stimuli_);
            std::iota(items.begin(), items.end(), 0L);
            for (arma::uword k = 0; k < s; ++k) {  // a partial Fisher-Yates shuffle
                const auto j = static_cast<std::size_t>(trial.uniform_int(
                    static_cast<std::int64_t>(k), static_cast<std::int64_t>(stimuli_) - 1));
                std::swap(items[k], items[j]);
            }
            batch.condition.push_back(items[0]);
            set_variable(batch, "length", b, static_cast<double>(s));
            for (arma::uword k = 0; k < positions_; ++k)
                set_category(batch, fmt::format("item{}", k + 1), b, k < s ? items[k] : -1L);
            for (arma::uword t = 0; t < fixation_; ++t)
                on(fix_ch, t, b);
            for (arma::uword k = 0; k < s; ++k)
                for (arma::uword u = 0; u < stimulus_; ++u) {
                    const arma::uword t = fixation_ + k * stimulus_ + u;
                    on(static_cast<arma::uword>(items[k]), t, b);
                    on(stim_ch, t, b);
                }
            const arma::uword delay_start = fixation_ + s * stimulus_;
            for (arma::uword t = delay_start; t < delay_start + delay_; ++t)
                on(delay_ch, t, b);
            const arma::uword response_start = delay_start + delay_;
            for (arma::uword k = 0; k < s; ++k)
                for (arma::uword u = 0; u < response_; ++u) {
                    const arma::uword t = response_start + k * response_ + u;
                    on(cue_ch + k, t, b);
                    batch.step_targets(0, t * count + b) = static_cast<float>(items[k]);
                }
        }
        return batch;
    }

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        if (name != "correct")
            throw std::logic_error("sequence_wm has no signal '" + std::string(name) + "'");
        // 1 where the largest logit is the target item, 0 elsewhere (and where no target).
        const arma::Mat<T>& y = tape.value(net.outputs);
        arma::Mat<T> out(trials.batch, trials.steps, arma::fill::zeros);
        for (arma::uword t = 0; t < trials.steps; ++t)
            for (arma::uword b = 0; b < trials.batch; ++b) {
                const arma::uword c = t * trials.batch + b;
                const float target = trials.step_targets(0, c);
                if (target >= 0.0F && y.col(c).index_max() == static_cast<arma::uword>(target))
                    out(b, t) = T(1);
            }
        return tape.constant(std::move(out));
    }

    arma::uword stimuli_;
    std::vector<long> lengths_;
    arma::uword fixation_, stimulus_, delay_, response_, positions_;
};

}  // namespace

const TaskEntry& sequence_wm_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.name = "sequence_wm";
        e.doc =
            "Show a sequence of distinct items, wait, then report each item in order on its "
            "response cue.";
        e.reference =
            "seed 004 (docs/provenance.md §4.1, §4.3): SequenceWorkingMemoryTask; after Xie et "
            "al. (2022), Science 375:632";
        e.schema.params = {
            {"stimuli", ParamType::Integer, Value{8.0}, 1.0, 1000.0, "", "number of items"},
            {"lengths", ParamType::IntegerList, Value{std::vector<double>{2.0, 3.0, 4.0}}, 1.0,
             1000.0, "", "sequence lengths; each batch has one, drawn uniformly"},
            {"positions", ParamType::Integer, Value{4.0}, 1.0, 1000.0, "",
             "response-cue channels (the seed's max_seq_len): inputs = stimuli + 3 + positions, "
             "so variants with other lengths keep the input width"},
            {"dt", ParamType::Time, Value{0.0}, 0.0, 1e6, "ms",
             "the length of one step, when durations are given in ms or s"},
            {"fixation", ParamType::Steps, Value{5.0}, 0.0, 1e6, "steps",
             "fixation period; channel `stimuli` is on"},
            {"stimulus", ParamType::Steps, Value{5.0}, 1.0, 1e6, "steps",
             "steps per item; the item's channel and the stimulus-on channel are on"},
            {"delay", ParamType::Steps, Value{10.0}, 0.0, 1e6, "steps",
             "delay; the delay channel is on"},
            {"response", ParamType::Steps, Value{5.0}, 1.0, 1e6, "steps",
             "steps per response window; the cue of position i is on and the target is item i"},
        };
        e.signals = {{"correct", "1 where the largest logit is the target item (no gradient)"}};
        e.periods = {{"fixation", "the fixation steps"},
                     {"stimulus", "all item presentations"},
                     {"delay", "the delay"},
                     {"response", "all response windows"},
                     {"stimulus1", "position 1's item (stimulus2, ... likewise, up to positions)"},
                     {"response1", "position 1's response window (response2, ... likewise)"}};
        e.metrics = {
            {"item_accuracy", "correct", rt::TimeReduction::Mean, "response",
             "fraction of response steps whose largest logit is the target (seed 004's "
             "item_acc)"},
            {"sequence_accuracy", "correct", rt::TimeReduction::Min, "response",
             "1 when every response step is right (seed 004's seq_acc)"},
        };
        e.schedules = {{"uniform",
                        "each step: one batch of `batch` trials at a length drawn uniformly "
                        "from `lengths`"},
                       {"curriculum",
                        "curriculum { threshold, patience, mix, metric }: from the shortest "
                        "length, the next is added after `patience` validations in a row "
                        "reach `threshold`; earlier lengths are replayed as separate steps "
                        "(seed 004)"}};
        e.masks = {{"response", "the response steps (where the target is an item)"}};
        e.variables = {{"length", "items", "the sequence's length"},
                       {"item1", "",
                        "position 1's item (its input channel and target class), -1 past the "
                        "sequence's end (item2, ... likewise, up to positions)"}};
        e.trial_steps = [](const Params& p) {
            const auto lengths = p.integers("lengths");
            const long s = *std::max_element(lengths.begin(), lengths.end());
            return p.integer("fixation") + s * p.integer("stimulus") + p.integer("delay")
                   + s * p.integer("response");
        };
        e.output_size = [](const Params& p) {
            return p.integer("stimuli");
        };
        e.input_size = [](const Params& p) {
            return p.integer("stimuli") + 3 + p.integer("positions");
        };
        e.make = [](const Params& p, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            return std::make_unique<SequenceWm>(p);
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
