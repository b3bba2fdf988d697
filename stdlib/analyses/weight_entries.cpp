// weight_correlation: how aligned two trained tensors are (seed 002's cos(I, w)).
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/analyses/rdm.hpp"
#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

AnalysisResult run_weight_correlation(const std::vector<ArgValue>& args, const Params&) {
    const auto& a = std::get<MatrixArg>(args.at(0));
    const auto& b = std::get<MatrixArg>(args.at(1));
    const arma::vec x = arma::conv_to<arma::vec>::from(arma::vectorise(a.value));
    const arma::vec y = arma::conv_to<arma::vec>::from(arma::vectorise(b.value));
    if (x.n_elem != y.n_elem)
        throw std::invalid_argument(fmt::format("'{}' has {} entries but '{}' has {}", a.label,
                                                x.n_elem, b.label, y.n_elem));
    const double norms = arma::norm(x) * arma::norm(y);
    AnalysisResult r;
    r.scalars["cosine"] = norms > 0.0 ? arma::dot(x, y) / norms : 0.0;
    r.scalars["pearson"] = pearson(x, y);
    return r;
}

}  // namespace

const AnalysisEntry& weight_correlation_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "weight_correlation";
        e.doc = "Cosine similarity (and Pearson correlation) of two tensors' entries, flattened.";
        e.args = {{"a", ArgKind::Matrix, "a tensor, e.g. fit.I"},
                  {"b", ArgKind::Matrix, "a tensor of as many entries, e.g. fit.w"}};
        e.outputs = {scalar("cosine", "a.b / (|a| |b|): seed 002's weight correlation"),
                     scalar("pearson", "the Pearson correlation of the entries")};
        e.run = run_weight_correlation;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
