#include "interpreter/check/figure_options.hpp"

#include <fmt/format.h>

#include "stdlib/figures/figure_options.hpp"

namespace rnn::interp::checker {

namespace {

// Where the call gives option `name` (the call itself when it does not).
const ast::Span& option_span(const ast::Expr& e, const std::string& name) {
    for (std::size_t i = 0; i < e.arg_names.size() && i < e.items.size(); ++i)
        if (e.arg_names[i] == name)
            return e.items[i]->span;
    return e.span;
}

}  // namespace

bool figure_options_ok(Context& c, const ast::Expr& e, const stdlib::FigureEntry& entry,
                       std::size_t arguments, const stdlib::Params& options) {
    bool ok = true;
    if (options.has("size") && options.integers("size").size() != 2) {
        const std::size_t n = options.integers("size").size();
        c.diags.error(Code::FigureSize, option_span(e, "size"),
                      fmt::format("'size' is [width, height] in pixels, found {} number{}", n,
                                  n == 1 ? "" : "s"),
                      fmt::format("write e.g. 'size: [1200, 800]'; each side in [{}, {}]",
                                  stdlib::kMinFigureSide, stdlib::kMaxFigureSide));
        ok = false;
    }
    if (options.has("legend") && entry.series) {
        const std::size_t names = options.texts("legend").size();
        const std::size_t series = entry.series(arguments);
        if (names != series) {
            c.diags.error(
                Code::LegendCount, option_span(e, "legend"),
                fmt::format("'legend' names {} series; {}(...) with {} argument{} draws "
                            "{}",
                            names, entry.name, arguments, arguments == 1 ? "" : "s", series),
                fmt::format("give {} name{}, one per series in order", series,
                            series == 1 ? "" : "s"));
            ok = false;
        }
    }
    return ok;
}

}  // namespace rnn::interp::checker
