// hopfield_similarity: how close a learned recurrent matrix is to the Hebbian (Hopfield)
// matrix of the stored patterns, H = sum_p m_p m_p^T / N (seed 000's suggested check).
#include <cmath>
#include <stdexcept>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

AnalysisResult run(const std::vector<ArgValue>& args, const Params& options) {
    const arma::mat W = arma::conv_to<arma::mat>::from(std::get<MatrixArg>(args.at(0)).value);
    const arma::mat M = arma::conv_to<arma::mat>::from(std::get<MatrixArg>(args.at(1)).value);
    if (!W.is_square() || W.n_rows != M.n_rows)
        throw std::invalid_argument(
            "hopfield_similarity: the matrix must be N x N for N x P patterns");
    arma::mat H = M * M.t() / static_cast<double>(M.n_rows);
    arma::mat Wc = W;
    if (options.flag("ignore_diagonal")) {
        H.diag().zeros();
        Wc.diag().zeros();
    }
    AnalysisResult r;
    const double norms = arma::norm(Wc, "fro") * arma::norm(H, "fro");
    r.scalars["cosine"] = norms > 0.0 ? arma::accu(Wc % H) / norms : 0.0;
    // Pearson correlation of the entries (off the diagonal when it is ignored).
    arma::vec w, h;
    if (options.flag("ignore_diagonal")) {
        const arma::uword n = W.n_rows;
        w.set_size(n * n - n);
        h.set_size(n * n - n);
        arma::uword k = 0;
        for (arma::uword j = 0; j < n; ++j)
            for (arma::uword i = 0; i < n; ++i)
                if (i != j) {
                    w(k) = Wc(i, j);
                    h(k) = H(i, j);
                    ++k;
                }
    } else {
        w = arma::vectorise(Wc);
        h = arma::vectorise(H);
    }
    const arma::vec wc = w - arma::mean(w);
    const arma::vec hc = h - arma::mean(h);
    const double denom = arma::norm(wc) * arma::norm(hc);
    r.scalars["correlation"] = denom > 0.0 ? arma::dot(wc, hc) / denom : 0.0;
    // The least-squares scale a in W ~ a H, and the relative residual.
    const double hh = arma::accu(H % H);
    const double scale = hh > 0.0 ? arma::accu(Wc % H) / hh : 0.0;
    r.scalars["scale"] = scale;
    const double wn = arma::norm(Wc, "fro");
    r.scalars["relative_residual"] = wn > 0.0 ? arma::norm(Wc - scale * H, "fro") / wn : 0.0;
    r.arrays["hebbian"] = arma::conv_to<arma::fmat>::from(H);
    return r;
}

}  // namespace

const AnalysisEntry& hopfield_similarity_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "hopfield_similarity";
        e.doc = "Compare a learned N x N matrix with the Hebbian matrix H = sum_p m_p m_p^T / N.";
        e.args = {
            {"matrix", ArgKind::Matrix, "the learned recurrent matrix, e.g. fit.W_self"},
            {"patterns", ArgKind::Matrix, "the stored patterns, N x P, e.g. memories.patterns"}};
        e.schema.params = {{"ignore_diagonal", ParamType::Bool, Value{true}, std::nullopt,
                            std::nullopt, "",
                            "leave the diagonal (self-connections) out of every measure"}};
        e.outputs = {scalar("cosine", "cosine similarity of W and H (Frobenius inner product)"),
                     scalar("correlation", "Pearson correlation of the entries of W and H"),
                     scalar("scale", "least-squares a in W ~ a H"),
                     scalar("relative_residual", "||W - a H|| / ||W||"),
                     array("hebbian", "the Hebbian matrix H")};
        e.run = run;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
