// table: numbers collected over a sweep, one row per member (seed 002's per-model table of
// precision, weight correlation and participation ratios over seeds 1..20).
#include <algorithm>
#include <cmath>
#include <map>

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

// A CSV cell holding exactly `s`: quoted (quotes doubled) when it holds a comma, a quote
// or a line break.
std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (const char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// One CSV line of `cells`.
std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i)
        out += (i ? "," : "") + csv_cell(cells[i]);
    return out + "\n";
}

// The loop variables of the members, in order of first appearance, and each row's values:
// the loop values of the first member with the row's index.
struct RowLoops {
    std::vector<std::string> variables;
    std::vector<std::vector<const LoopValue*>> values;  // [row][variable], nullptr: none
};

RowLoops row_loops(const std::vector<ArgValue>& args,
                   const std::map<std::string, std::size_t>& row_of) {
    RowLoops out;
    out.values.assign(row_of.size(), {});
    for (const auto& a : args) {
        const auto& col = std::get<ResultsArg>(a);
        for (std::size_t k = 0; k < col.loops.size() && k < col.index.size(); ++k) {
            const std::size_t row = row_of.at(col.index[k]);
            for (const auto& l : col.loops[k]) {
                auto v = std::find(out.variables.begin(), out.variables.end(), l.variable);
                if (v == out.variables.end())
                    v = out.variables.insert(v, l.variable);
                const auto at = static_cast<std::size_t>(v - out.variables.begin());
                auto& cells = out.values[row];
                cells.resize(std::max(cells.size(), at + 1), nullptr);
                if (cells[at] == nullptr)
                    cells[at] = &l;
            }
        }
    }
    for (auto& cells : out.values)
        cells.resize(out.variables.size(), nullptr);
    return out;
}

AnalysisResult run_table(const std::vector<ArgValue>& args, const Params&) {
    // Rows: the members' indices in order of first appearance over the columns.
    std::vector<std::string> rows;
    std::map<std::string, std::size_t> row_of;  // index -> row
    for (const auto& a : args)
        for (const auto& i : std::get<ResultsArg>(a).index)
            if (row_of.emplace(i, rows.size()).second)
                rows.push_back(i);
    const std::size_t cols = args.size();
    arma::mat values(rows.size(), cols);
    values.fill(arma::datum::nan);
    AnalysisResult r;
    // The loop variables are columns of their own; a loop variable named `index` replaces
    // the index column, which would otherwise be written twice.
    const RowLoops loops = row_loops(args, row_of);
    const bool index_column =
        std::find(loops.variables.begin(), loops.variables.end(), "index") == loops.variables.end();
    std::vector<std::string> head;
    if (index_column)
        head.push_back("index");
    head.insert(head.end(), loops.variables.begin(), loops.variables.end());
    for (std::size_t c = 0; c < cols; ++c) {
        const auto& col = std::get<ResultsArg>(args[c]);
        head.push_back(col.label);
        for (std::size_t k = 0; k < col.index.size(); ++k) {
            values(row_of.at(col.index[k]), c) = col.values[k];
        }
        const arma::vec v = arma::conv_to<arma::vec>::from(col.values);
        r.scalars[col.label + ".mean"] = arma::mean(v);
        r.scalars[col.label + ".std"] = v.n_elem > 1 ? arma::stddev(v) : 0.0;
    }
    std::string csv = csv_line(head);
    std::string toml;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::vector<std::string> cells;
        toml += "[[row]]\n";
        if (index_column) {
            cells.push_back(rows[i]);
            toml += "index = " + toml_string(rows[i]) + "\n";
        }
        for (std::size_t k = 0; k < loops.variables.size(); ++k) {
            const LoopValue* l = loops.values[i][k];
            cells.push_back(l ? l->text : std::string());
            if (l)
                toml += toml_string(l->variable) + " = "
                        + (l->number ? number(*l->number) : toml_string(l->text)) + "\n";
        }
        for (std::size_t c = 0; c < cols; ++c) {
            cells.push_back(number(values(i, c)));
            toml += toml_string(std::get<ResultsArg>(args[c]).label) + " = " + number(values(i, c))
                    + "\n";
        }
        csv += csv_line(cells);
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
            "One row per member of a sweep: its index, a column per loop variable of the sweep "
            "(n, seed, ...), and a column per quantity (an analysis result or an evaluation "
            "metric's mean), written as table.csv and table.toml.";
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
