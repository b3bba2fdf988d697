#include "interpreter/training/history.hpp"

#include <limits>

namespace rnn::interp {

std::vector<long> validated_levels(const stdlib::TaskInstance& task) {
    const std::vector<long> levels = task.levels();
    return levels.empty() ? std::vector<long>{0} : levels;
}

std::vector<double> history_row(const TrainDef& def, const std::vector<stdlib::MetricSpec>& metrics,
                                long epoch, const EpochTotals& totals,
                                const std::vector<LevelValidation>* validations,
                                std::size_t validated, long level) {
    std::vector<double> row = {static_cast<double>(epoch + 1), totals.loss};
    row.insert(row.end(), totals.terms.begin(), totals.terms.end());
    for (const auto& m : metrics)
        row.push_back(totals.metrics.at(m.name));
    if (def.validate_every > 0) {
        if (validations == nullptr)
            row.insert(row.end(), validated * (1 + metrics.size()),
                       std::numeric_limits<double>::quiet_NaN());
        else
            for (const LevelValidation& v : *validations) {
                row.push_back(v.loss);
                for (const auto& m : metrics)
                    row.push_back(v.metrics.at(m.name));
            }
    }
    if (def.curriculum)
        row.push_back(static_cast<double>(level));
    return row;
}

}  // namespace rnn::interp
