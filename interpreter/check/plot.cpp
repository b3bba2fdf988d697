#include "interpreter/check/plot.hpp"

#include <fmt/format.h>

#include "interpreter/check/arguments.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/figure_options.hpp"
#include "interpreter/check/task_options.hpp"
#include "interpreter/paths.hpp"
#include "stdlib/figures/figure_files.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::interp::checker {

namespace {

using K = ast::Expr::Kind;

// The figure's file: a safe relative path ending in .png, .svg or .pdf.
bool figure_file_ok(Context& c, const ast::Statement& s) {
    if (const std::string why = unsafe_relative_path(s.file); !why.empty()) {
        c.diags.error(Code::UnsafePath, s.file_span, "the figure file " + why,
                      "write a file name such as \"history.png\"");
        return false;
    }
    if (!stdlib::figure_extension_ok(s.file)) {
        c.diags.error(Code::FigureNotPng, s.file_span,
                      "figure files must end in .png, .svg or .pdf");
        return false;
    }
    return true;
}

// Every file the figure writes (picture, script, data: stdlib::figure_files) is its own:
// another figure drawing the same picture is E0713, one sharing a script or data file
// E0719 (a.png and a.svg share a.gp; a trial x.png and a history x_inputs.png share
// x_inputs.dat). The free files are claimed either way, so each clash is reported once.
bool figure_files_free(Context& c, const ast::Statement& s, const stdlib::FigureEntry& entry,
                       std::size_t arguments) {
    const stdlib::FigureFiles files = stdlib::figure_files(entry, arguments, s.file);
    std::vector<std::string> all = {files.picture, files.script};
    all.insert(all.end(), files.data.begin(), files.data.end());
    bool ok = true;
    for (const auto& file : all) {
        const auto [it, fresh] = c.figure_files.emplace(file, FigureFile{s.file, s.span});
        if (fresh || !ok)
            continue;
        ok = false;
        const FigureFile& other = it->second;
        auto& err =
            other.picture == s.file
                ? c.diags.error(Code::FigureFileTwice, s.file_span,
                                fmt::format("two figures are written to \"{}\"", s.file))
                : c.diags.error(
                    Code::FigureFilesShared, s.file_span,
                    fmt::format("the figures \"{}\" and \"{}\" would both write \"{}\"",
                                other.picture, s.file, file),
                    "a figure writes its script <stem>.gp and its data <stem>.dat or "
                    "<stem>_<part>.dat beside its picture (docs/figures.md): give one of the "
                    "two pictures another name");
        err.notes.emplace_back(other.span, "the other figure");
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
    const bool called = call(c, e, *entry, p.args, p.options);
    const bool ok = figure_file_ok(c, s) && figure_files_free(c, s, *entry, p.args.size());
    if (called && ok && figure_options_ok(c, e, *entry, p.args.size(), p.options)
        && task_options_ok(c, e, p.args, entry->schema, p.options))
        c.program.plots.push_back(std::move(p));
}

}  // namespace rnn::interp::checker
