#include "interpreter/check/plot.hpp"

#include <fmt/format.h>

#include "interpreter/check/arguments.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/task_options.hpp"
#include "interpreter/paths.hpp"

namespace rnn::interp::checker {

namespace {

using K = ast::Expr::Kind;

// The figure's file: a safe relative path ending in .png or .svg, written by one plot.
bool figure_file_ok(Context& c, const ast::Statement& s) {
    if (const std::string why = unsafe_relative_path(s.file); !why.empty()) {
        c.diags.error(Code::UnsafePath, s.file_span, "the figure file " + why,
                      "write a file name such as \"history.png\"");
        return false;
    }
    if (s.file.size() < 5 || (!s.file.ends_with(".png") && !s.file.ends_with(".svg"))) {
        c.diags.error(Code::FigureNotPng, s.file_span, "figure files must end in .png or .svg");
        return false;
    }
    bool ok = true;
    for (const auto& other : c.program.plots)
        if (other.file == s.file) {
            auto& err = c.diags.error(Code::FigureFileTwice, s.file_span,
                                      fmt::format("two figures are written to \"{}\"", s.file));
            err.notes.emplace_back(other.span, "the other figure");
            ok = false;
        }
    return ok;
}

}  // namespace

void check_plot(Context& c, const ast::Statement& s) {
    const ast::Expr& e = *s.head;
    std::vector<std::string> names;
    for (const auto* f : stdlib::figures())
        names.push_back(f->name);
    if (e.kind != K::Call) {
        c.diags.error(
            Code::ExpectedFigureCall, e.span,
            fmt::format("expected a figure call such as history(fit), found {}", kind_words(e)));
        return;
    }
    const stdlib::FigureEntry* entry = stdlib::find_figure(e.text);
    if (!entry) {
        c.diags.error(Code::UnknownFigure, e.span, fmt::format("unknown figure '{}'", e.text),
                      suggestion(e.text, names));
        return;
    }
    PlotDef p;
    p.entry = entry;
    p.span = s.span;
    p.file = s.file;
    const bool ok = figure_file_ok(c, s);
    if (call(c, e, *entry, p.args, p.options) && ok
        && task_options_ok(c, e, p.args, entry->schema, p.options))
        c.program.plots.push_back(std::move(p));
}

}  // namespace rnn::interp::checker
