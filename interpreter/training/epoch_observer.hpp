// Observers of the epoch loop, as ensmallen's callbacks: each is told after every epoch
// what it produced, and may change the training's state for the next epoch (the
// curriculum's level) or ask the loop to stop (early stop).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "interpreter/training/epoch_record.hpp"

namespace rnn::interp {

struct EpochEnd {
    long epoch = 0;  // the epoch just done, from 0
    double loss = 0.0;
    const std::map<std::string, double>& metrics;     // its training metrics (batch means)
    const std::vector<LevelValidation>& validations;  // empty without a validation
};

class EpochObserver {
public:
    virtual ~EpochObserver() = default;

    // Called after each epoch, once its history row is recorded; true stops the training.
    virtual bool end_epoch(const EpochEnd& end) = 0;
};

}  // namespace rnn::interp
