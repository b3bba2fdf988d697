// Seed 004's curriculum (CurriculumDef): after `patience` validations in a row with the
// metric at its threshold at the current level, training moves to the next level. The
// epoch plan (epoch_plan.hpp) reads the level; this observer changes it.
#pragma once

#include <vector>

#include "interpreter/program.hpp"
#include "interpreter/training/epoch_observer.hpp"

namespace rnn::interp {

class Curriculum : public EpochObserver {
public:
    // `level` and `streak` are the training's current level and its validations in a row
    // at the threshold; `levels` the task's levels, ascending.
    Curriculum(const CurriculumDef& def, std::vector<long> levels, long& level, long& streak);

    bool end_epoch(const EpochEnd& end) override;

private:
    const CurriculumDef& def_;
    std::vector<long> levels_;
    long& level_;
    long& streak_;
};

}  // namespace rnn::interp
