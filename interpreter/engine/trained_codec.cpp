#include "interpreter/engine/trained_codec.hpp"

#include <string>
#include <vector>

#include "interpreter/engine/state_codecs.hpp"

namespace rnn::interp {

rt::Checkpoint trained_state(const TrainedNetwork& t) {
    rt::Checkpoint c;
    for (const auto& p : t.net.params)
        c.set_array("param." + p.name, p.raw);
    std::string columns;
    for (const auto& col : t.history.columns)
        columns += col + "\n";
    c.set_string("history.columns", columns);
    arma::mat rows(t.history.rows.size(), t.history.columns.size());
    for (std::size_t r = 0; r < t.history.rows.size(); ++r)
        for (std::size_t k = 0; k < t.history.columns.size(); ++k)
            rows(r, k) = t.history.rows[r].at(k);
    c.set_array("history", rows);
    c.set_int("epochs_run", t.epochs_run);
    c.set_int("stopped_early", t.stopped_early ? 1 : 0);
    c.set_int("nan_epochs", t.nan_epochs);
    c.set_double("final_loss", t.final_loss);
    return c;
}

TrainedNetwork restore_trained(const rt::Checkpoint& c, rt::Network<float> net) {
    TrainedNetwork t;
    for (auto& p : net.params)
        p.raw = c.get_array<float>("param." + p.name);
    t.net = std::move(net);
    t.history.columns = split_lines(c.get_string("history.columns"));
    const arma::mat& rows = c.get_array<double>("history");
    for (arma::uword r = 0; r < rows.n_rows; ++r)
        t.history.rows.push_back(arma::conv_to<std::vector<double>>::from(rows.row(r)));
    t.epochs_run = c.get_int("epochs_run");
    t.stopped_early = c.get_int("stopped_early") != 0;
    t.nan_epochs = c.get_int("nan_epochs");
    t.final_loss = c.get_double("final_loss");
    return t;
}

}  // namespace rnn::interp
