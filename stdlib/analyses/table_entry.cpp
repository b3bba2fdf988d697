// table: numbers collected over a sweep, one row per member (seed 002's per-model table of
// precision, weight correlation and participation ratios over seeds 1..20).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

namespace {

// A TOML basic string holding exactly `s`: quotes and backslashes escaped, and the
// control characters TOML refuses inside one (all but tab) as \uXXXX.
std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            out += fmt::format("\\{}", c);
        else if ((u < 0x20 && c != '\t') || u == 0x7f)
            out += fmt::format("\\u{:04X}", u);
        else
            out += c;
    }
    return out + "\"";
}

std::string number(double v) {
    if (std::isnan(v))
        return "nan";
    if (std::isinf(v))
        return v > 0 ? "inf" : "-inf";
    return fmt::format("{:.9g}", v);
}

AnalysisResult run_table(const std::vector<ArgValue>& args, const Params&) {
    // Rows: the members' indices in order of first appearance over the columns.
    std::vector<std::string> rows;
    for (const auto& a : args)
        for (const auto& i : std::get<ResultsArg>(a).index)
            if (std::find(rows.begin(), rows.end(), i) == rows.end())
                rows.push_back(i);
    const std::size_t cols = args.size();
    arma::mat values(rows.size(), cols);
    values.fill(arma::datum::nan);
    AnalysisResult r;
    std::string csv = "index";
    for (std::size_t c = 0; c < cols; ++c) {
        const auto& col = std::get<ResultsArg>(args[c]);
        csv += "," + col.label;
        for (std::size_t k = 0; k < col.index.size(); ++k) {
            const auto row = static_cast<arma::uword>(
                std::find(rows.begin(), rows.end(), col.index[k]) - rows.begin());
            values(row, c) = col.values[k];
        }
        const arma::vec v = arma::conv_to<arma::vec>::from(col.values);
        r.scalars[col.label + ".mean"] = arma::mean(v);
        r.scalars[col.label + ".std"] = v.n_elem > 1 ? arma::stddev(v) : 0.0;
    }
    csv += "\n";
    std::string toml;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        csv += rows[i];
        toml += "[[row]]\nindex = " + toml_string(rows[i]) + "\n";
        for (std::size_t c = 0; c < cols; ++c) {
            csv += "," + number(values(i, c));
            toml += toml_string(std::get<ResultsArg>(args[c]).label) + " = " + number(values(i, c))
                    + "\n";
        }
        csv += "\n";
        toml += "\n";
    }
    r.scalars["rows"] = static_cast<double>(rows.size());
    r.arrays["values"] = arma::conv_to<arma::fmat>::from(values);
    r.files["table.csv"] = csv;
    r.files["table.toml"] = toml;
    return r;
}

}  // namespace

const AnalysisEntry& table_entry() {
    static const AnalysisEntry entry = [] {
        AnalysisEntry e;
        e.name = "table";
        e.doc =
            "One row per member of a sweep, one column per quantity (an analysis result or an "
            "evaluation metric's mean), written as table.csv and table.toml.";
        e.args = {{"quantity", ArgKind::Results,
                   "a sweep's results and what to read from them, e.g. corr.cosine or "
                   "precision.error_mean",
                   true}};
        e.outputs = {scalar("rows", "the number of rows"),
                     scalar("QUANTITY.mean", "the mean of a column over the rows"),
                     scalar("QUANTITY.std", "its standard deviation (ddof 1)"),
                     array("values", "rows x quantities, NaN where a member lacks one")};
        e.run = run_table;
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
