#include "interpreter/training/metrics.hpp"

#include <algorithm>
#include <stdexcept>

namespace rnn::interp {

namespace {

// The period of a batch named by a metric.
stdlib::Period period(const stdlib::TaskInstance& task, const stdlib::TrialBatch& batch,
                      const std::string& name) {
    for (const auto& p : stdlib::periods_of(task, batch))
        if (p.name == name)
            return p;
    throw std::logic_error("no period " + name);
}

}  // namespace

std::vector<double> metric_per_trial(const stdlib::MetricSpec& m, const arma::fmat& signal,
                                     const stdlib::Period& p) {
    std::vector<double> out;
    for (arma::uword b = 0; b < signal.n_rows; ++b) {
        // A period with no step in the trial (integration_memory's plateau when cost_onset is
        // past the trial's length) has no value to reduce: NaN, as numpy's mean of nothing.
        const arma::uword end = std::min<arma::uword>(p.end_of(b), signal.n_cols);
        if (p.begin_of(b) >= end) {
            out.push_back(arma::datum::nan);
            continue;
        }
        const arma::frowvec w = signal.row(b).cols(p.begin_of(b), end - 1);
        double v = 0.0;
        switch (m.reduction) {
            case rt::TimeReduction::Mean:
                v = arma::mean(arma::conv_to<arma::rowvec>::from(w));
                break;
            case rt::TimeReduction::Sum:
                v = arma::accu(arma::conv_to<arma::rowvec>::from(w));
                break;
            case rt::TimeReduction::Max:
                v = w.max();
                break;
            case rt::TimeReduction::Min:
                v = w.min();
                break;
        }
        out.push_back(v);
    }
    return out;
}

std::map<std::string, double> batch_metrics(const std::vector<stdlib::MetricSpec>& metrics,
                                            const stdlib::TaskInstance& task,
                                            const stdlib::TrialBatch& batch,
                                            const rt::Tape<float>& tape, LossBuilder& builder) {
    std::map<std::string, double> values;
    for (const auto& m : metrics) {
        const arma::fmat sig = tape.value(builder.signal(m.signal));
        const auto per = metric_per_trial(m, sig, period(task, batch, m.period));
        double mean = 0.0;
        for (const double v : per)
            mean += v / static_cast<double>(per.size());
        values[m.name] = mean;
    }
    return values;
}

}  // namespace rnn::interp
