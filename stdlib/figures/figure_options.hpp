// The options every figure takes (docs/figures.md, "Options every figure takes"): one schema
// fragment that each figure entry appends to its own options, and the gnuplot lines each
// option produces. A figure reads its options only through these helpers, so a new figure
// gets them all, checked and documented, by calling figure_options() and using them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/figure.hpp"
#include "stdlib/schema.hpp"

namespace rnn::stdlib {

// Which shared options a figure takes besides `title` and `size` (which every figure has).
// A heat map has axes but no legend and no log scale.
enum FigureOptionSet : unsigned {
    kAxisLabels = 1U << 0,  // xlabel, ylabel
    kLogScales = 1U << 1,   // logx, logy
    kLegend = 1U << 2,      // legend, key
    kAllFigureOptions = kAxisLabels | kLogScales | kLegend,
};

// The schema of a figure: title, size and the shared options `which` names, then `own`.
std::vector<ParamSpec> figure_options(unsigned which, std::vector<ParamSpec> own = {});

// The choices of `key` and the gnuplot words of each: "auto" is the figure's own placement.
struct KeyPlace {
    std::string_view name;
    std::string_view gnuplot;  // after "set key "; "" for none (unset key)
};

const std::vector<KeyPlace>& key_places();

// `set xlabel ...` and `set ylabel ...`: the user's labels, else the figure's (quoted). An
// empty fallback with no user label writes nothing for that axis.
std::string axis_labels(const Params& options, std::string_view x, std::string_view y);
// The same for one axis: `set <axis>label ...` ("x", "y", "z", "y2").
std::string axis_label(const Params& options, std::string_view axis, std::string_view fallback);

// What the user asked for of the axes and the legend, as gnuplot lines for a figure to put
// after its own settings and before it plots: xlabel and ylabel when given, the log
// scales, the key unless auto. A figure that places its labels or key itself uses the
// finer helpers below instead.
std::string option_settings(const Params& options);

// `set logscale x` / `set logscale y` for logx and logy when asked for.
std::string log_scales(const Params& options);

// Whether logx / logy was asked for (false where the figure has no such option).
bool log_x(const Params& options);
bool log_y(const Params& options);

// `set key <place>` or `unset key`: `key`, or `fallback` (gnuplot words such as
// "outside right"; "" writes nothing) when it is auto.
std::string key_placement(const Params& options, std::string_view fallback);

// The key of a figure drawing `series` series: `key` when the user placed it; else `place`
// when there are several series or `legend` names them; else none (one series needs no key).
std::string series_key(const Params& options, std::size_t series, std::string_view place);

// The legend entry of series i (0-based) as gnuplot words, `title "..."`: the i-th name of
// `legend` when given (and long enough), else `fallback`.
std::string series_title(const Params& options, std::size_t i, std::string_view fallback);

// The figure's size in pixels: `size` when given, else what the figure chose.
void apply_size(const Params& options, FigureScript& figure);

// FigureEntry::series for the common cases: one series per argument (one line per
// analysis), or one series whatever the call.
inline std::size_t series_per_argument(std::size_t arguments) {
    return arguments;
}

inline std::size_t one_series(std::size_t) {
    return 1;
}

// Limits of `size` (pixels, each side), shared with the checker's messages.
inline constexpr double kMinFigureSide = 100.0;
inline constexpr double kMaxFigureSide = 8000.0;

}  // namespace rnn::stdlib
