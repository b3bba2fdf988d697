#include "interpreter/training/early_stop.hpp"

namespace rnn::interp {

namespace {

bool holds(const Comparison& c, double v) {
    switch (c.op) {
        case Comparison::Op::AtLeast:
            return v >= c.threshold;
        case Comparison::Op::Above:
            return v > c.threshold;
        case Comparison::Op::AtMost:
            return v <= c.threshold;
        case Comparison::Op::Below:
            break;
    }
    return v < c.threshold;
}

}  // namespace

bool EarlyStop::end_epoch(const EpochEnd& end) {
    // Stop conditions may also read the loss and the epoch number.
    std::map<std::string, double> metrics = end.metrics;
    metrics["loss"] = end.loss;
    metrics["epoch"] = static_cast<double>(end.epoch + 1);
    bool all = true;
    for (const auto& c : rule_.all)
        all = all && holds(c, metrics.at(c.metric));
    streak_ = all ? streak_ + 1 : 0;
    return streak_ >= rule_.epochs;
}

}  // namespace rnn::interp
