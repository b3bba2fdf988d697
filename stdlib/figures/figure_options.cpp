#include "stdlib/figures/figure_options.hpp"

#include <fmt/format.h>

#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

std::vector<std::string> key_names() {
    std::vector<std::string> out;
    for (const auto& k : key_places())
        out.emplace_back(k.name);
    return out;
}

// An option given by the user that the figure may not have in its schema.
bool given_flag(const Params& options, const std::string& name) {
    return options.has(name) && options.flag(name);
}

}  // namespace

const std::vector<KeyPlace>& key_places() {
    static const std::vector<KeyPlace> places = {
        {"auto", ""},
        {"none", ""},
        {"top_left", "inside top left"},
        {"top_right", "inside top right"},
        {"bottom_left", "inside bottom left"},
        {"bottom_right", "inside bottom right"},
        {"outside", "outside right top"},
        {"below", "below center horizontal"},
    };
    return places;
}

std::vector<ParamSpec> figure_options(unsigned which, std::vector<ParamSpec> own) {
    std::vector<ParamSpec> out = {title_param()};
    if (which & kAxisLabels) {
        out.push_back({"xlabel", ParamType::String, Value{std::string()}, std::nullopt,
                       std::nullopt, "", "label of the x axis; empty for the figure's own"});
        out.push_back({"ylabel", ParamType::String, Value{std::string()}, std::nullopt,
                       std::nullopt, "",
                       "label of the y axis (the first panel's); empty for the "
                       "figure's own"});
    }
    if (which & kLogScales) {
        out.push_back({"logx", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
                       "x axis on a logarithmic scale (values <= 0 are not drawn)"});
        out.push_back({"logy", ParamType::Bool, Value{false}, std::nullopt, std::nullopt, "",
                       "y axis on a logarithmic scale (values <= 0 are not drawn)"});
    }
    if (which & kLegend) {
        ParamSpec legend{"legend",
                         ParamType::StringList,
                         std::nullopt,
                         std::nullopt,
                         std::nullopt,
                         "",
                         "legend names of the series, in order, e.g. [\"GRU 64\", \"GRU 128\"]; "
                         "unnamed series keep their own"};
        legend.optional = true;
        out.push_back(std::move(legend));
        out.push_back({"key", ParamType::Choice, Value{std::string("auto")}, std::nullopt,
                       std::nullopt, "",
                       "where the legend goes: auto (the figure's own), none, top_left, "
                       "top_right, bottom_left, bottom_right, outside, below",
                       key_names()});
    }
    ParamSpec size{"size",
                   ParamType::IntegerList,
                   std::nullopt,
                   kMinFigureSide,
                   kMaxFigureSide,
                   "pixels",
                   "[width, height] of the picture (PDF: the same at 72 per inch); none: the "
                   "figure's own"};
    size.optional = true;
    out.push_back(std::move(size));
    for (auto& p : own)
        out.push_back(std::move(p));
    return out;
}

std::string axis_label(const Params& options, std::string_view axis, std::string_view fallback) {
    const std::string name = fmt::format("{}label", axis);
    const std::string given = options.has(name) ? options.text(name) : std::string();
    if (given.empty() && fallback.empty())
        return "";
    return fmt::format("set {} {}\n", name,
                       gnuplot_quote(given.empty() ? fallback : std::string_view(given)));
}

std::string axis_labels(const Params& options, std::string_view x, std::string_view y) {
    return axis_label(options, "x", x) + axis_label(options, "y", y);
}

bool log_x(const Params& options) {
    return given_flag(options, "logx");
}

bool log_y(const Params& options) {
    return given_flag(options, "logy");
}

std::string log_scales(const Params& options) {
    return std::string(log_x(options) ? "set logscale x\n" : "")
           + (log_y(options) ? "set logscale y\n" : "");
}

std::string option_settings(const Params& options) {
    // No fallback: the figure has set its own labels and key before.
    return axis_labels(options, "", "") + log_scales(options) + key_placement(options, "");
}

std::string key_placement(const Params& options, std::string_view fallback) {
    const std::string key = options.has("key") ? options.text("key") : std::string("auto");
    if (key == "none")
        return "unset key\n";
    std::string_view words = fallback;
    for (const auto& k : key_places())
        if (k.name == key && !k.gnuplot.empty())
            words = k.gnuplot;
    return words.empty() ? std::string() : fmt::format("set key {}\n", words);
}

std::string series_key(const Params& options, std::size_t series, std::string_view place) {
    const std::string key =
        key_placement(options, series > 1 || options.has("legend") ? place : std::string_view());
    return key.empty() ? std::string("unset key\n") : key;
}

std::string series_title(const Params& options, std::size_t i, std::string_view fallback) {
    if (options.has("legend")) {
        const auto& names = options.texts("legend");
        if (i < names.size())
            return "title " + gnuplot_quote(names[i]);
    }
    return "title " + gnuplot_quote(fallback);
}

void apply_size(const Params& options, FigureScript& figure) {
    if (!options.has("size"))
        return;
    const std::vector<long> size = options.integers("size");
    if (size.size() != 2)
        return;  // the checker refuses it; a figure keeps its own size
    figure.width = static_cast<int>(size[0]);
    figure.height = static_cast<int>(size[1]);
}

}  // namespace rnn::stdlib
