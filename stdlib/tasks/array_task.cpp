#include "stdlib/tasks/array_task.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "runtime/files.hpp"
#include "stdlib/entry_list.hpp"
#include "stdlib/tasks/period_trials.hpp"

namespace rnn::stdlib {

arma::uword held_out_trials(arma::uword trials, double fraction) {
    return static_cast<arma::uword>(std::llround(fraction * static_cast<double>(trials)));
}

ArraySplit split_trials(arma::uword trials, double fraction, rt::RandomStream& setup) {
    std::vector<arma::uword> order(trials);
    for (arma::uword i = 0; i < trials; ++i)
        order[i] = i;
    // Fisher-Yates from the back.
    for (arma::uword i = trials; i > 1; --i)
        std::swap(order[i - 1],
                  order[static_cast<arma::uword>(setup.uniform_int(0, static_cast<long>(i) - 1))]);
    const arma::uword held = std::min(held_out_trials(trials, fraction), trials);
    ArraySplit out;
    out.evaluation.assign(order.begin(), order.begin() + static_cast<long>(held));
    out.training.assign(order.begin() + static_cast<long>(held), order.end());
    std::sort(out.evaluation.begin(), out.evaluation.end());
    std::sort(out.training.begin(), out.training.end());
    return out;
}

// --- the labels file ---------------------------------------------------------------------

namespace {

// Each column is a variable of every trial an evaluation writes: a bound on what a file can
// make an evaluation hold.
constexpr std::size_t kMaxLabelColumns = 1000;

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> cells_of(std::string_view line) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        const std::size_t comma = line.find(',', at);
        out.push_back(
            trimmed(line.substr(at, comma == std::string_view::npos ? line.npos : comma - at)));
        if (comma == std::string_view::npos)
            return out;
        at = comma + 1;
    }
}

bool label_name(std::string_view s) {
    if (s.empty() || (s.front() >= '0' && s.front() <= '9'))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '_';
    });
}

// A cell without the double quotes a spreadsheet may put around it.
std::string_view unquoted(std::string_view cell) {
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"')
        return trimmed(cell.substr(1, cell.size() - 2));
    return cell;
}

double cell_value(std::string_view cell, std::size_t line, std::string_view column) {
    cell = unquoted(cell);
    if (cell.empty() || cell == "nan" || cell == "NaN" || cell == "NAN")
        return std::numeric_limits<double>::quiet_NaN();
    double v = 0.0;
    const char* end = cell.data() + cell.size();
    const char* first = cell.front() == '+' ? cell.data() + 1 : cell.data();
    const auto [ptr, ec] = std::from_chars(first, end, v);
    if (ec != std::errc{} || ptr != end || !std::isfinite(v))
        throw std::runtime_error(fmt::format(
            "line {}: '{}' in column '{}' is not a finite number (leave the cell empty for none)",
            line, cell.substr(0, 40), column));
    return v;
}

}  // namespace

std::vector<TrialVariable> parse_label_columns(std::string_view csv, std::size_t max_rows) {
    // Read line by line, each line's cells counted before it is split, and no more rows
    // than the arrays have trials: a hostile file cannot make this hold much more than
    // its values.
    const std::size_t content_end = [&] {
        std::size_t e = csv.size();
        while (e > 0 && std::string_view(" \t\r\n").find(csv[e - 1]) != std::string_view::npos)
            --e;
        return e;
    }();
    if (content_end == 0)
        throw std::runtime_error("line 1: the file is empty; it needs a header row of names");
    csv = csv.substr(0, content_end);
    if (csv.starts_with("\xEF\xBB\xBF"))  // the byte-order mark spreadsheets write
        csv.remove_prefix(3);
    const auto next_line = [&](std::size_t& at) {
        const std::size_t nl = std::min(csv.find('\n', at), csv.size());
        const std::string_view line = csv.substr(at, nl - at);
        at = nl + 1;
        return line;
    };
    std::size_t at = 0;
    const std::string_view header = next_line(at);
    if (const auto columns =
            static_cast<std::size_t>(std::count(header.begin(), header.end(), ',') + 1);
        columns > kMaxLabelColumns)
        throw std::runtime_error(
            fmt::format("line 1: {} columns, more than the {} allowed", columns, kMaxLabelColumns));
    std::vector<TrialVariable> out;
    std::set<std::string, std::less<>> taken = {"trial", "condition", "catch", "row"};
    for (std::string_view name : cells_of(header)) {
        name = unquoted(name);
        if (!label_name(name))
            throw std::runtime_error(fmt::format(
                "line 1: column name '{}' is not a name (letters, digits and _, not starting "
                "with a digit)",
                name.substr(0, 40)));
        if (!taken.insert(std::string(name)).second)
            throw std::runtime_error(fmt::format(
                "line 1: column '{}' is named twice or is a column trials.csv has already "
                "(trial, condition, catch, row)",
                name.substr(0, 40)));
        out.push_back({std::string(name), {}, false});
    }
    for (std::size_t i = 1; at <= csv.size(); ++i) {
        const std::string_view line = next_line(at);
        if (i > max_rows)
            throw std::runtime_error(fmt::format(
                "line {}: more rows than the {} trials of the arrays", i + 1, max_rows));
        const auto count = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',') + 1);
        if (count != out.size())
            throw std::runtime_error(fmt::format("line {}: {} cells, the header names {} columns",
                                                 i + 1, count, out.size()));
        const auto cells = cells_of(line);
        for (std::size_t c = 0; c < cells.size(); ++c)
            out[c].values.push_back(cell_value(cells[c], i + 1, out[c].name));
    }
    for (auto& column : out) {
        column.category = std::all_of(column.values.begin(), column.values.end(), [](double v) {
            return std::isnan(v) || (v >= 0.0 && v == std::floor(v) && v < 1e15);
        });
        if (column.category)
            for (double& v : column.values)
                v = std::isnan(v) ? -1.0 : v;
    }
    return out;
}

// --- the task ----------------------------------------------------------------------------

namespace {

// The values of an .npy file of the given shape (C order), read within the data-file limit.
// The checker checked the shape; a file changed since is refused here.
std::vector<float> read_array(const std::string& path, const std::vector<std::size_t>& shape) {
    std::string why;
    const auto bytes = rt::read_file(path, why, rt::kMaxDataFileBytes);
    if (!bytes)
        throw std::runtime_error(fmt::format("cannot read '{}': {}", path, why));
    const rt::NpyHeader h = rt::parse_npy_header(*bytes, path);
    if (h.shape != shape)
        throw std::runtime_error(
            fmt::format("'{}' has changed since the script was checked: it is {}, not {}", path,
                        fmt::join(h.shape, " x "), fmt::join(shape, " x ")));
    return rt::npy_values(*bytes, h);
}

class ArrayTask : public TaskWithSignals<ArrayTask> {
    friend class TaskWithSignals<ArrayTask>;

public:
    ArrayTask(const Params& p, std::shared_ptr<const ArrayTaskShape> shape, rt::RandomStream& setup)
        : shape_(std::move(shape))
        , split_(split_trials(shape_->trials, p.real("held_out"), setup)) {
        const ArrayTaskShape& s = *shape_;
        if (split_.training.empty() || split_.evaluation.empty())
            throw std::invalid_argument("an arrays task needs trials to train and to hold out");
        inputs_ = read_array(p.text("inputs"), {s.trials, s.steps, s.inputs});
        const auto bad_input =
            std::find_if(inputs_.begin(), inputs_.end(), [](float v) { return !std::isfinite(v); });
        if (bad_input != inputs_.end()) {
            const auto at = static_cast<std::size_t>(bad_input - inputs_.begin());
            throw std::runtime_error(fmt::format(
                "'{}': trial {} step {} channel {} holds {} (or a value beyond float32's range): "
                "inputs must be finite numbers",
                p.text("inputs"), at / (s.steps * s.inputs), at / s.inputs % s.steps, at % s.inputs,
                *bad_input));
        }
        std::vector<std::size_t> target_shape = {s.trials, s.steps};
        if (!s.classes)
            target_shape.push_back(s.outputs);
        targets_ = read_array(p.text("targets"), target_shape);
        check_targets(p.text("targets"));
        if (p.has("mask")) {
            mask_ = read_array(p.text("mask"), {s.trials, s.steps});
            const auto bad = std::find_if(mask_.begin(), mask_.end(),
                                          [](float v) { return v != 0.0F && v != 1.0F; });
            if (bad != mask_.end())
                throw std::runtime_error(fmt::format(
                    "'{}': trial {} step {} holds {}: a mask marks each step 1 (counted) or 0 "
                    "(left out)",
                    p.text("mask"), static_cast<std::size_t>(bad - mask_.begin()) / s.steps,
                    static_cast<std::size_t>(bad - mask_.begin()) % s.steps, *bad));
        }
        find_responses();
    }

    arma::uword input_size() const override { return shape_->inputs; }

    arma::uword output_size() const override { return shape_->outputs; }

    arma::uword steps() const override { return shape_->steps; }

    std::vector<Period> periods() const override { return {{"trial", 0, shape_->steps}}; }

    arma::uword conditions() const override { return shape_->classes ? shape_->outputs : 1; }

    arma::fmat mask(std::string_view name, const TrialBatch& trials) const override {
        if (name != "all")
            return TaskInstance::mask(name, trials);
        return step_mask(trials, false);
    }

protected:
    // Trial i of the batch is one of the training trials (held-out ones for a validation
    // batch, step < 0), drawn uniformly from draws.trial(i).
    TrialBatch make_training_batch(const BatchRequest& request,
                                   const TrialDraws& draws) const override {
        const auto& pool = request.step < 0 ? split_.evaluation : split_.training;
        std::vector<arma::uword> rows(request.batch_size);
        for (arma::uword i = 0; i < rows.size(); ++i) {
            rt::RandomStream s = draws.trial(i);
            rows[i] = pool[static_cast<std::size_t>(
                s.uniform_int(0, static_cast<std::int64_t>(pool.size()) - 1))];
        }
        return batch_of(rows);
    }

    // The held-out trials in order: all of them (count 0), the first `count`, or, for more
    // than there are, round after round of them.
    TrialBatch make_evaluation_batch(const TrialDraws&, arma::uword count) const override {
        const auto& pool = split_.evaluation;
        std::vector<arma::uword> rows(count > 0 ? count : pool.size());
        for (arma::uword i = 0; i < rows.size(); ++i)
            rows[i] = pool[i % pool.size()];
        return batch_of(rows);
    }

    template <typename T>
    rt::Var signal_impl(std::string_view name, rt::Tape<T>& tape, const rt::NetworkVars& net,
                        const TrialBatch& trials) const {
        const auto outputs = [&] {
            return arma::conv_to<arma::mat>::from(tape.value(net.outputs));
        };
        if (shape_->classes && (name == "correct" || name == "choice" || name == "chose_1"))
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(masked_choice_signal(
                name, outputs(), trials, step_mask(trials, true), trials.condition)));
        if (!shape_->classes && name == "squared_error")
            return rt::squared_error_signal(tape, net.outputs,
                                            arma::conv_to<arma::Mat<T>>::from(trials.step_targets),
                                            trials.batch);
        if (!shape_->classes && name == "error")
            return tape.constant(arma::conv_to<arma::Mat<T>>::from(
                masked_trial_error(outputs(), trials, step_mask(trials, false))));
        throw std::logic_error("the task has no signal '" + std::string(name) + "'");
    }

private:
    float mask_at(arma::uword trial, arma::uword t) const {
        return mask_.empty() ? 1.0F : mask_[trial * shape_->steps + t];
    }

    // A step counts when the mask marks it and, for classes, its target is not -1.
    bool counted(arma::uword trial, arma::uword t) const {
        return mask_at(trial, t) != 0.0F
               && (!shape_->classes || targets_[trial * shape_->steps + t] >= 0.0F);
    }

    void check_targets(const std::string& path) const {
        const auto bad = std::find_if(targets_.begin(), targets_.end(), [&](float v) {
            return shape_->classes ? !(v == std::floor(v) && v >= -1.0F
                                       && v < static_cast<float>(shape_->outputs))
                                   : !std::isfinite(v);
        });
        if (bad != targets_.end())
            throw std::runtime_error(fmt::format(
                "'{}' has changed since the script was checked or holds {} ({})", path,
                shape_->classes ? "a class that is not a whole number from -1 to the classes"
                                : "NaN or infinite values",
                *bad));
    }

    // Per trial, its condition (the class at its last counted step) and the steps its
    // choice is judged on: the last run of counted steps of that class (the response).
    void find_responses() {
        const arma::uword steps = shape_->steps;
        condition_.assign(shape_->trials, 0);
        response_.assign(shape_->trials, {0, 0});
        if (!shape_->classes)
            return;
        for (arma::uword trial = 0; trial < shape_->trials; ++trial) {
            arma::uword last = steps;
            while (last > 0 && !counted(trial, last - 1))
                --last;
            if (last == 0)
                continue;
            const float cls = targets_[trial * steps + last - 1];
            arma::uword first = last - 1;
            while (first > 0
                   && (!counted(trial, first - 1) || targets_[trial * steps + first - 1] == cls))
                --first;
            condition_[trial] = static_cast<long>(cls);
            response_[trial] = {first, last};
        }
    }

    // 1 x (batch * steps): the counted steps of each trial; `response`: only those of its
    // response (classes).
    arma::fmat step_mask(const TrialBatch& trials, bool response) const {
        arma::fmat m(1, trials.batch * trials.steps, arma::fill::zeros);
        const std::vector<arma::uword> rows = rows_of(trials);
        for (arma::uword b = 0; b < trials.batch; ++b) {
            const arma::uword trial = rows[b];
            const auto [first, last] =
                response ? response_[trial] : std::pair<arma::uword, arma::uword>{0, trials.steps};
            for (arma::uword t = first; t < last; ++t)
                if (response ? counted(trial, t) : mask_at(trial, t) != 0.0F)
                    m(0, t * trials.batch + b) = 1.0F;
        }
        return m;
    }

    // Which trials of the arrays a batch shows: its variable `row`.
    static std::vector<arma::uword> rows_of(const TrialBatch& trials) {
        const TrialVariable* row = find_variable(trials, "row");
        if (row == nullptr || row->values.size() != trials.batch)
            throw std::invalid_argument("the batch was not made by this task: it has no rows");
        return arma::conv_to<std::vector<arma::uword>>::from(arma::vec(row->values));
    }

    TrialBatch batch_of(const std::vector<arma::uword>& rows) const {
        const ArrayTaskShape& s = *shape_;
        TrialBatch out;
        out.batch = rows.size();
        out.steps = s.steps;
        out.inputs.set_size(s.inputs, out.batch * s.steps);
        out.step_targets.set_size(s.classes ? 1 : s.outputs, out.batch * s.steps);
        out.condition.resize(out.batch);
        for (arma::uword b = 0; b < out.batch; ++b) {
            const arma::uword trial = rows[b];
            for (arma::uword t = 0; t < s.steps; ++t) {
                const arma::uword col = t * out.batch + b, at = trial * s.steps + t;
                std::copy_n(inputs_.begin() + static_cast<long>(at * s.inputs), s.inputs,
                            out.inputs.colptr(col));
                std::copy_n(targets_.begin() + static_cast<long>(at * out.step_targets.n_rows),
                            out.step_targets.n_rows, out.step_targets.colptr(col));
            }
            out.condition[b] = condition_[trial];
        }
        // The variables in the entry's order: row, then the labels' columns.
        out.variables.push_back({"row", {}, true});
        for (const arma::uword trial : rows)
            out.variables.back().values.push_back(static_cast<double>(trial));
        for (const auto& label : s.labels) {
            out.variables.push_back({label.name, {}, label.category});
            for (const arma::uword trial : rows)
                out.variables.back().values.push_back(label.values[trial]);
        }
        return out;
    }

    std::shared_ptr<const ArrayTaskShape> shape_;
    ArraySplit split_;
    std::vector<float> inputs_, targets_, mask_;
    std::vector<long> condition_;
    std::vector<std::pair<arma::uword, arma::uword>> response_;
};

}  // namespace

std::shared_ptr<const TaskEntry> make_array_task_entry(const std::string& name,
                                                       ArrayTaskShape shape) {
    auto e = std::make_shared<TaskEntry>();
    e->origin = TaskOrigin::Arrays;
    e->name = name;
    e->doc = shape.doc;
    e->reference = "the arrays the script names";
    e->schema = arrays_entry().schema;
    e->periods = {{"trial", "the whole trial, every step of the arrays"}};
    e->schedules = {{"draw",
                     "each step: `batch` trials drawn (with replacement) from the training "
                     "split; a validation batch from the held-out split"}};
    e->masks = {{"all", "the steps the mask array marks 1 (every step without a mask)"}};
    add_readout_fields(*e, shape.classes, "trial");
    e->variables.push_back({"row", "", "the trial's index in the arrays (0-based)"});
    for (const auto& label : shape.labels)
        e->variables.push_back({label.name, "",
                                fmt::format("column '{}' of the labels file ({})", label.name,
                                            label.category ? "a category" : "a quantity")});
    auto s = std::make_shared<const ArrayTaskShape>(std::move(shape));
    set_fixed_sizes(*e, static_cast<long>(s->inputs), static_cast<long>(s->outputs),
                    static_cast<long>(s->steps));
    // The arrays as float32 (inputs, targets and the mask), as ArrayTask holds them.
    e->held_bytes = [s](const Params&) {
        return 4.0 * static_cast<double>(s->trials) * static_cast<double>(s->steps)
               * static_cast<double>(s->inputs + (s->classes ? 1 : s->outputs) + 1);
    };
    e->evaluation_trials = [s](const Params& p) {
        return static_cast<long>(held_out_trials(s->trials, p.real("held_out")));
    };
    e->make = [s](const Params& p, rt::RandomStream& setup) -> std::unique_ptr<TaskInstance> {
        return std::make_unique<ArrayTask>(p, s, setup);
    };
    return e;
}

}  // namespace rnn::stdlib
