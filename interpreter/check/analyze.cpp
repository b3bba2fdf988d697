#include "interpreter/check/analyze.hpp"

#include <fmt/format.h>

#include "interpreter/check/arguments.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/files.hpp"
#include "interpreter/check/task_options.hpp"

namespace rnn::interp::checker {

namespace {

using K = ast::Expr::Kind;

void check_analysis(Context& c, const ast::Statement& s) {
    const ast::Expr& e = *s.head;
    std::vector<std::string> names;
    for (const auto* a : stdlib::analyses())
        names.push_back(a->name);
    if (e.kind != K::Call) {
        c.diags.error(
            Code::ExpectedAnalysisCall, e.span,
            fmt::format("expected an analysis call such as hopfield_similarity(...), found {}",
                        kind_words(e)));
        return;
    }
    const stdlib::AnalysisEntry* entry = stdlib::find_analysis(e.text);
    if (!entry) {
        c.diags.error(Code::UnknownAnalysis, e.span, fmt::format("unknown analysis '{}'", e.text),
                      suggestion(e.text, names));
        return;
    }
    AnalyzeDef a;
    a.name = s.name;
    a.entry = entry;
    a.span = s.span;
    if (call(c, e, *entry, a.args, a.options)
        && task_options_ok(c, e, a.args, entry->schema, a.options)) {
        a.files_key = files_key(c, entry->schema, a.options);
        c.program.analyses.emplace(s.name, std::move(a));
        c.program.analysis_order.push_back(s.name);
    }
}

}  // namespace

void check_analyze(Context& c, const ast::Statement& s) {
    check_analysis(c, s);
    c.analyses_checked.insert(s.name);
}

}  // namespace rnn::interp::checker
