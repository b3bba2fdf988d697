#include "interpreter/engine/node_arguments.hpp"

#include <fmt/format.h>

#include "runtime/random.hpp"

namespace rnn::interp {

namespace {

// One number per member of a Results argument: an analysis scalar, or the mean of an
// evaluation's metric over its trials.
stdlib::ResultsArg results(const NodeResults& done, const ArgRef& a) {
    stdlib::ResultsArg r{a.label, a.member, a.members, {}, {}, a.loops};
    for (std::size_t m = 0; m < a.members.size(); ++m) {
        const std::string& name = a.members[m];
        const std::size_t open = name.find('[');
        r.index.push_back(
            open == std::string::npos ? name : name.substr(open + 1, name.size() - open - 2));
        if (a.member_is_analysis[m]) {
            const auto& scalars = done.analysis_of(name).scalars;
            const auto it = scalars.find(a.member);
            r.values.push_back(it == scalars.end() ? arma::datum::nan : it->second);
        } else {
            const std::string metric = a.member.substr(0, a.member.size() - 5);  // _mean
            const std::vector<double>& v = done.evaluation_of(name).per_trial.at(metric);
            double mean = 0.0;
            for (const double x : v)
                mean += x / static_cast<double>(v.size());
            r.values.push_back(mean);
        }
    }
    return r;
}

}  // namespace

std::vector<stdlib::ArgValue> node_arguments(const Program& program, const NodeResults& done,
                                             const std::vector<ArgRef>& args) {
    std::vector<stdlib::ArgValue> out;
    for (const auto& a : args) {
        switch (a.kind) {
            case ArgRef::Kind::TrainedTensor:
                out.emplace_back(stdlib::MatrixArg{
                    a.label, trained_tensor(done.trained_of(a.definition), a.member)});
                break;
            case ArgRef::Kind::TaskMatrix:
                out.emplace_back(stdlib::MatrixArg{
                    a.label, done.task_of(a.definition)->matrix(a.member, nullptr)});
                break;
            case ArgRef::Kind::Training: {
                const TrainedNetwork& t = done.trained_of(a.definition);
                out.emplace_back(stdlib::TrainingArg{
                    a.label, t.history, &t.net,
                    a.loops.empty() ? std::vector<stdlib::LoopValue>{} : a.loops.front()});
                break;
            }
            case ArgRef::Kind::Analysis: {
                const stdlib::AnalysisResult& r = done.analysis_of(a.definition);
                out.emplace_back(stdlib::AnalysisArg{
                    a.label, program.analyses.at(a.definition).entry->name, r.scalars, r.arrays});
                break;
            }
            case ArgRef::Kind::Results:
                out.emplace_back(results(done, a));
                break;
            case ArgRef::Kind::Task: {
                // The first evaluation trial of the task, from its own stream.
                const stdlib::TaskInstance& task = *done.task_of(a.definition);
                const stdlib::TrialDraws draws(
                    rt::stream_key(program.seed, "plot / task " + a.definition), 0);
                const stdlib::TrialBatch b = task.evaluation_batch(draws, 1);
                const stdlib::TaskEntry& entry = *program.tasks.at(a.definition).entry;
                stdlib::TaskTrialArg arg{
                    a.label,          b.inputs, b.step_targets, {}, stdlib::periods_of(task, b),
                    entry.input_names};
                const auto& masks = entry.masks;
                if (!masks.empty() && !b.step_targets.empty())
                    arg.mask = task.mask(masks.front().name, b);
                out.emplace_back(std::move(arg));
                break;
            }
            case ArgRef::Kind::Evaluation: {
                const Evaluation& ev = done.evaluation_of(a.definition);
                // The first signal of the task (memory_recall: overlap).
                const auto& [signal, values] = *ev.signals.begin();
                std::vector<std::string> labels;
                for (const long c : ev.condition)
                    labels.push_back(fmt::format("condition {}", c));
                out.emplace_back(stdlib::EvaluationArg{a.label, signal, labels, values, ev.periods,
                                                       ev.activity, ev.inputs, ev.labels, ev.cells,
                                                       ev.variables, ev.per_trial});
                break;
            }
        }
    }
    return out;
}

}  // namespace rnn::interp
