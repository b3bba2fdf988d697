// `stop_when`: stop once every comparison has held on `epochs` consecutive epochs, judged on
// the epoch's training metrics, its loss and its number.
#pragma once

#include "interpreter/program.hpp"
#include "interpreter/training/epoch_observer.hpp"

namespace rnn::interp {

class EarlyStop : public EpochObserver {
public:
    // `streak` is the training's count of consecutive epochs that met the rule.
    EarlyStop(const StopRule& rule, long& streak) : rule_(rule), streak_(streak) {}

    bool end_epoch(const EpochEnd& end) override;

private:
    const StopRule& rule_;
    long& streak_;
};

}  // namespace rnn::interp
