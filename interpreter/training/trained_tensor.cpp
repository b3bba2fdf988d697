// trained_tensor: the effective value of a named tensor of a trained network, as analyses
// and figures read it (`fit.W_self`).
#include "interpreter/training.hpp"

namespace rnn::interp {

arma::fmat trained_tensor(const TrainedNetwork& trained, const std::string& name) {
    return rt::effective_value(trained.net.at(name));
}

}  // namespace rnn::interp
