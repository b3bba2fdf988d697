#include "interpreter/engine/evaluation_files.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "runtime/files.hpp"

namespace rnn::interp {

std::string trials_npy(const arma::fmat& m, arma::uword trials) {
    if (trials == 0 || m.n_cols % trials != 0)
        throw std::logic_error(
            fmt::format("an array of {} columns is not {} trials of equal "
                        "length",
                        m.n_cols, trials));
    const arma::uword steps = m.n_cols / trials, width = m.n_rows;
    // The columns are step-major (t * trials + b); numpy wants trial-major rows. They are
    // copied straight into the file's bytes, so the array is held twice, not three times
    // (the memory estimate counts two: check/memory_estimate.cpp).
    std::string bytes = rt::npy_bytes_c_order(nullptr, {trials, steps, width});
    char* to = bytes.data() + (bytes.size() - m.n_elem * sizeof(float));
    for (arma::uword b = 0; b < trials; ++b)
        for (arma::uword t = 0; t < steps; ++t, to += width * sizeof(float))
            std::memcpy(to, m.colptr(t * trials + b), width * sizeof(float));
    return bytes;
}

namespace {

std::string csv_number(double v) {
    if (std::isnan(v))
        return "nan";
    return fmt::format("{:.9g}", v);
}

}  // namespace

std::string trials_csv(const Evaluation& ev) {
    const std::size_t trials = ev.condition.size();
    // A task that records its catch trials as a variable has that column already; each
    // name is one column.
    auto recorded = [&](std::string_view name) {
        return std::any_of(ev.variables.begin(), ev.variables.end(),
                           [&](const stdlib::TrialVariable& v) { return v.name == name; });
    };
    const bool catches = !ev.catch_trial.empty() && !recorded("catch");
    std::vector<const stdlib::TrialVariable*> columns;
    std::set<std::string_view> names = {"trial", "condition", "catch"};
    for (const auto& v : ev.variables)
        if (v.name == "catch" ? !catches : names.insert(v.name).second)
            columns.push_back(&v);
    std::string out = catches ? "trial,condition,catch" : "trial,condition";
    for (const auto* v : columns)
        out += "," + v->name;
    out += "\n";
    for (std::size_t b = 0; b < trials; ++b) {
        out += fmt::format("{},{}", b, ev.condition[b]);
        if (catches)
            out += fmt::format(",{}", b < ev.catch_trial.size() ? int{ev.catch_trial[b]} : 0);
        for (const auto* v : columns)
            out += "," + csv_number(b < v->values.size() ? v->values[b] : std::nan(""));
        out += "\n";
    }
    return out;
}

void evaluation_files(const Evaluation& ev, const std::string& folder,
                      std::map<std::string, std::string>& files) {
    const std::string dir = folder + "/";
    for (const auto& [name, values] : ev.signals)
        files[dir + name + ".npy"] = rt::npy_bytes(values);
    const auto trials = static_cast<arma::uword>(ev.condition.size());
    for (const auto& [which, values] : ev.saved)
        files[dir + std::string(saved_array_info(which).word) + ".npy"] =
            trials_npy(values, trials);
    files[dir + "trials.csv"] = trials_csv(ev);
}

}  // namespace rnn::interp
