#include "interpreter/repl/display.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rnn::interp::repl {

std::string number_text(double v) {
    return fmt::format("{:.6g}", v);
}

std::string result_table(const toml::table& t) {
    std::string out;
    std::vector<std::pair<std::string, std::string>> scalars;
    std::vector<std::pair<std::string, std::vector<std::string>>> columns;
    for (const auto& [k, v] : t) {
        const std::string key(k.str());
        if (const auto* a = v.as_array()) {
            std::vector<std::string> cells;
            for (const auto& x : *a)
                cells.push_back(x.is_number() ? number_text(x.value<double>().value_or(0.0))
                                              : x.value_or(std::string("?")));
            columns.emplace_back(key, std::move(cells));
        } else if (v.is_boolean())
            scalars.emplace_back(key, *v.value<bool>() ? "true" : "false");
        else if (v.is_number())
            scalars.emplace_back(key, number_text(v.value<double>().value_or(0.0)));
        else if (v.is_string())
            scalars.emplace_back(key, *v.value<std::string>());
    }
    std::size_t width = 0;
    for (const auto& [k, v] : scalars)
        width = std::max(width, k.size());
    for (const auto& [k, v] : scalars)
        out += fmt::format("  {:<{}}  {}\n", k, width, v);
    if (!columns.empty()) {
        std::size_t rows = 0;
        for (const auto& [k, c] : columns)
            rows = std::max(rows, c.size());
        std::vector<std::size_t> w;
        std::string head = "  #  ";
        for (const auto& [k, c] : columns) {
            std::size_t cw = k.size();
            for (const auto& cell : c)
                cw = std::max(cw, cell.size());
            w.push_back(cw);
            head += fmt::format("  {:>{}}", k, cw);
        }
        out += head + "\n";
        const std::size_t shown = std::min<std::size_t>(rows, 12);
        for (std::size_t r = 0; r < shown; ++r) {
            std::string line = fmt::format("  {:<3}", r);
            for (std::size_t c = 0; c < columns.size(); ++c)
                line += fmt::format("  {:>{}}",
                                    r < columns[c].second.size() ? columns[c].second[r] : "", w[c]);
            out += line + "\n";
        }
        if (rows > shown)
            out += fmt::format("  ... {} more rows\n", rows - shown);
    }
    return out;
}

std::string tensor_summary(const std::string& label, const arma::mat& m) {
    std::string out = fmt::format("{}: {} x {}", label, m.n_rows, m.n_cols);
    if (m.n_elem == 0)
        return out + "\n";
    out += fmt::format("  mean {}  std {}  min {}  max {}  zeros {}\n",
                       number_text(arma::mean(arma::vectorise(m))),
                       number_text(m.n_elem > 1 ? arma::stddev(arma::vectorise(m)) : 0.0),
                       number_text(m.min()), number_text(m.max()),
                       static_cast<std::size_t>(arma::accu(m == 0.0)));
    const arma::uword rows = std::min<arma::uword>(m.n_rows, 6);
    const arma::uword cols = std::min<arma::uword>(m.n_cols, 6);
    for (arma::uword r = 0; r < rows; ++r) {
        std::string line = " ";
        for (arma::uword c = 0; c < cols; ++c)
            line += fmt::format(" {:>9.4f}", m(r, c) + 0.0);  // + 0.0: no "-0.0000"
        if (cols < m.n_cols)
            line += "  ...";
        out += line + "\n";
    }
    if (rows < m.n_rows)
        out += "  ...\n";
    return out;
}

std::vector<std::string> array_names(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string file = e.path().filename().string();
        if (e.path().extension() == ".npy" && !file.ends_with(".raw.npy"))
            out.push_back(e.path().stem().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string params_lines(const stdlib::Params& p) {
    std::string out;
    std::size_t width = 0;
    for (const auto& [k, v] : p.values())
        width = std::max(width, k.size());
    for (const auto& [k, v] : p.values())
        out += fmt::format("  {:<{}} = {}\n", k, width, stdlib::format_value(v));
    return out;
}

}  // namespace rnn::interp::repl
