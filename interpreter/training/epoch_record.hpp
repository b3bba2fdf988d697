// What one epoch produced: the means over its steps and its validations. The history row
// is made of them (history.hpp) and the epoch's observers read them (epoch_observer.hpp).
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "stdlib/task.hpp"

namespace rnn::interp {

// The sums over the steps an epoch took, then (average) their means: the history row holds
// the means over the steps taken.
struct EpochTotals {
    explicit EpochTotals(std::size_t term_count) : terms(term_count, 0.0) {}

    double loss = 0.0;
    std::vector<double> terms;  // per loss term, with its sign
    std::map<std::string, double> metrics;
    std::size_t steps = 0;  // steps taken (fewer when a NaN ends the epoch)

    // Adds one step taken.
    void add(double step_loss, const std::vector<double>& step_terms,
             const std::map<std::string, double>& step_metrics) {
        loss += step_loss;
        for (std::size_t i = 0; i < step_terms.size(); ++i)
            terms[i] += step_terms[i];
        for (const auto& [name, value] : step_metrics)
            metrics[name] += value;
        ++steps;
    }

    // The sums become means over the steps taken (NaN when no step was taken).
    void average(const std::vector<stdlib::MetricSpec>& specs) {
        const double scale =
            steps > 0 ? 1.0 / static_cast<double>(steps) : std::numeric_limits<double>::quiet_NaN();
        loss *= scale;
        for (double& v : terms)
            v *= scale;
        for (const auto& m : specs)
            metrics[m.name] *= scale;  // NaN when no step was taken
    }
};

// The loss and the task's metrics on one validation batch of one level.
struct LevelValidation {
    long level = 0;
    double loss = 0.0;
    std::map<std::string, double> metrics;
};

}  // namespace rnn::interp
