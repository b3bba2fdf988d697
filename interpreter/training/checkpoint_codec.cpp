#include "interpreter/training/checkpoint_codec.hpp"

#include <sstream>

#include <fmt/format.h>

#include "interpreter/training/training_state.hpp"

namespace rnn::interp {

namespace {

void save_params(rt::Checkpoint& c, const rt::Network<float>& net) {
    for (const auto& p : net.params)
        c.set_array("param." + p.name, p.raw);
}

// The raw parameters of `net` from the checkpoint, each of whatever shape it was saved.
void restore_params(const rt::Checkpoint& c, rt::Network<float>& net) {
    for (auto& p : net.params)
        p.raw = c.get_array<float>("param." + p.name);
}

void save_history_rows(rt::Checkpoint& c, const stdlib::History& history) {
    arma::mat rows(history.rows.size(), history.columns.size());
    for (std::size_t r = 0; r < history.rows.size(); ++r)
        for (std::size_t k = 0; k < history.columns.size(); ++k)
            rows(r, k) = history.rows[r].at(k);
    c.set_array("history", std::move(rows));
}

std::vector<std::vector<double>> history_rows(const rt::Checkpoint& c) {
    std::vector<std::vector<double>> out;
    const arma::mat& rows = c.get_array<double>("history");
    for (arma::uword r = 0; r < rows.n_rows; ++r)
        out.push_back(arma::conv_to<std::vector<double>>::from(rows.row(r)));
    return out;
}

}  // namespace

rt::Checkpoint trained_state(const TrainedNetwork& t) {
    rt::Checkpoint c;
    save_params(c, t.net);
    std::string columns;
    for (const auto& col : t.history.columns)
        columns += col + "\n";
    c.set_string("history.columns", columns);
    save_history_rows(c, t.history);
    c.set_int("epochs_run", t.epochs_run);
    c.set_int("stopped_early", t.stopped_early ? 1 : 0);
    c.set_int("nan_epochs", t.nan_epochs);
    c.set_double("final_loss", t.final_loss);
    return c;
}

TrainedNetwork restore_trained(const rt::Checkpoint& c, rt::Network<float> net) {
    TrainedNetwork t;
    restore_params(c, net);
    t.net = std::move(net);
    std::istringstream columns(c.get_string("history.columns"));  // one per line
    for (std::string column; std::getline(columns, column);)
        t.history.columns.push_back(column);
    t.history.rows = history_rows(c);
    t.epochs_run = c.get_int("epochs_run");
    t.stopped_early = c.get_int("stopped_early") != 0;
    t.nan_epochs = c.get_int("nan_epochs");
    t.final_loss = c.get_double("final_loss");
    return t;
}

rt::Checkpoint training_checkpoint(const std::string& training, const TrainingState& state) {
    rt::Checkpoint c;
    c.set_string("training", training);
    save_params(c, state.trained.net);
    rt::save_optimizer(c, "optimizer", state.optimizer);
    c.set_int("trials.next", static_cast<long>(state.next_trial));
    rt::save_random_state(c, "stream.noise", state.noise.state());
    c.set_int("validation.next", static_cast<long>(state.next_validation_trial));
    c.set_int("curriculum.level", state.level);
    c.set_int("curriculum.streak", state.level_streak);
    c.set_int("epochs_done", state.trained.epochs_run);
    c.set_int("stop_streak", state.stop_streak);
    save_history_rows(c, state.trained.history);
    c.set_double("final_loss", state.trained.final_loss);
    return c;
}

void restore_training(const rt::Checkpoint& c, const std::string& training, TrainingState& state) {
    if (c.get_string("training") != training)
        throw RuntimeFailure(fmt::format("train '{}': the checkpoint is of the training '{}'",
                                         training, c.get_string("training")));
    for (const auto& p : state.trained.net.params) {
        const arma::fmat& raw = c.get_array<float>("param." + p.name);
        if (arma::size(raw) != arma::size(p.raw))
            throw RuntimeFailure(
                fmt::format("train '{}': the checkpoint's {} is {}x{}, the network's {}x{}",
                            training, p.name, raw.n_rows, raw.n_cols, p.raw.n_rows, p.raw.n_cols));
    }
    restore_params(c, state.trained.net);
    rt::restore_optimizer(c, "optimizer", state.optimizer);
    state.next_trial = static_cast<std::uint64_t>(c.get_int("trials.next"));
    state.noise.restore(rt::load_random_state(c, "stream.noise"));
    state.next_validation_trial = static_cast<std::uint64_t>(c.get_int("validation.next"));
    state.level = c.get_int("curriculum.level");
    state.level_streak = c.get_int("curriculum.streak");
    state.trained.epochs_run = c.get_int("epochs_done");
    state.stop_streak = c.get_int("stop_streak");
    for (auto& row : history_rows(c))
        state.trained.history.rows.push_back(std::move(row));
    state.trained.final_loss = c.get_double("final_loss");
}

}  // namespace rnn::interp
