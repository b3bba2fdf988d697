#include "interpreter/history_columns.hpp"

#include <fmt/format.h>

namespace rnn::interp {

std::vector<std::string> history_columns(const TrainDef& def,
                                         const std::vector<stdlib::MetricSpec>& metrics,
                                         const std::vector<long>& validated) {
    std::vector<std::string> columns = {"epoch", "loss"};
    for (const auto& t : def.loss)
        columns.push_back(t.name);
    for (const auto& m : metrics)
        columns.push_back(m.name);
    // Validation: the loss and metrics on fresh trials at every level (one set of columns
    // for tasks without levels); NaN in the epochs without a validation.
    if (def.validate_every > 0)
        for (const long level : validated) {
            const std::string prefix =
                level > 0 ? fmt::format("val{}_", level) : std::string("val_");
            columns.push_back(prefix + "loss");
            for (const auto& m : metrics)
                columns.push_back(prefix + m.name);
        }
    if (def.curriculum)
        columns.push_back("level");
    return columns;
}

}  // namespace rnn::interp
