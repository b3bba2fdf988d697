#include "interpreter/training/curriculum.hpp"

#include <algorithm>
#include <utility>

namespace rnn::interp {

Curriculum::Curriculum(const CurriculumDef& def, std::vector<long> levels, long& level,
                       long& streak)
    : def_(def), levels_(std::move(levels)), level_(level), streak_(streak) {}

bool Curriculum::end_epoch(const EpochEnd& end) {
    // The curriculum judges the current level (seed 004's scheduler.update), in the order
    // of the validations: a level reached here is judged by its own validation in turn.
    for (const LevelValidation& v : end.validations) {
        if (v.level != level_)
            continue;
        if (v.metrics.at(def_.metric) >= def_.threshold) {
            if (++streak_ >= def_.patience && v.level < levels_.back()) {
                level_ = *std::upper_bound(levels_.begin(), levels_.end(), v.level);
                streak_ = 0;
            }
        } else {
            streak_ = 0;
        }
    }
    return false;
}

}  // namespace rnn::interp
