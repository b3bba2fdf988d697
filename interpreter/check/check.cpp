// The checker's driver: expands sweeps, declares every definition (pass 1, so order in
// the file does not matter), checks the statements kind by kind in dependency order
// (pass 2), and warns of definitions never used.
#include "interpreter/check/check.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "interpreter/check/alter.hpp"
#include "interpreter/check/analyze.hpp"
#include "interpreter/check/context.hpp"
#include "interpreter/check/evaluate.hpp"
#include "interpreter/check/memory.hpp"
#include "interpreter/check/network.hpp"
#include "interpreter/check/plot.hpp"
#include "interpreter/check/settings.hpp"
#include "interpreter/check/task.hpp"
#include "interpreter/check/train.hpp"

namespace rnn::interp {

namespace {

using checker::Context;
using SK = ast::Statement::Kind;

// Checks the statements of the given kinds in file order. Diagnostics raised while
// checking a sweep instance get a note saying which instance it was.
template <typename Check> void each(Context& c, std::initializer_list<SK> kinds, Check check) {
    for (const auto& i : c.instances) {
        if (std::find(kinds.begin(), kinds.end(), i.statement.kind) == kinds.end())
            continue;
        const std::size_t mark = c.diags.all().size();
        check(c, i.statement);
        if (!i.bindings.empty())
            c.diags.add_note_since(mark, i.sweep,
                                   fmt::format("in the sweep instance where {}", i.bindings));
    }
}

void check_setting_or_train(Context& c, const ast::Statement& s) {
    if (s.kind == SK::Seed)
        checker::check_seed(c, s);
    else if (s.kind == SK::Output)
        checker::check_output(c, s);
    else
        checker::check_train(c, s);
}

void check_analyze_or_plot(Context& c, const ast::Statement& s) {
    if (s.kind == SK::Analyze)
        checker::check_analyze(c, s);
    else
        checker::check_plot(c, s);
}

void unused_warnings(Context& c) {
    for (const auto& [name, decl] : c.declared) {
        // Shared files (included ones) define more than each experiment uses.
        if (c.used.count(name) || decl.stmt->name_span.file != 0)
            continue;
        if (decl.kind == SK::Task || decl.kind == SK::Network)
            c.diags.warning(Code::UnusedDefinition, decl.stmt->name_span,
                            fmt::format("the {} '{}' is defined but never used",
                                        ast::statement_keyword(decl.kind), name));
    }
}

// A definition left out of the program without a diagnostic would silently vanish from
// the run: that is a bug of the checker, so it stops here instead.
void every_definition_checked(const Context& c) {
    const Program& p = c.program;
    auto kept = [&p](const ast::Statement& s) {
        switch (s.kind) {
            case SK::Task:
                return p.tasks.count(s.name) > 0;
            case SK::Network:
                return p.networks.count(s.name) > 0;
            case SK::Train:
                return p.trains.count(s.name) > 0;
            case SK::Alter:
                return p.alters.count(s.name) > 0;
            case SK::Evaluate:
                return p.evaluates.count(s.name) > 0;
            case SK::Analyze:
                return p.analyses.count(s.name) > 0;
            default:  // plots are counted below; the rest define nothing
                return true;
        }
    };
    std::size_t plots = 0;
    for (const auto& i : c.instances) {
        plots += i.statement.kind == SK::Plot ? 1 : 0;
        if (!kept(i.statement))
            throw std::logic_error(
                fmt::format("internal error: the checker left out the {} '{}' without a "
                            "diagnostic; please report this with the script",
                            ast::statement_keyword(i.statement.kind), i.statement.name));
    }
    if (plots != p.plots.size())
        throw std::logic_error(fmt::format(
            "internal error: the checker kept {} of {} plots without a diagnostic; please "
            "report this with the script",
            p.plots.size(), plots));
}

}  // namespace

std::optional<Program> check(const ast::Module& module, Diagnostics& diags,
                             const SourceMap* sources, const MemoryLimit* memory) {
    Context c(diags, sources);
    const std::size_t first = diags.all().size();
    c.instances = expand_sweeps(module.statements, diags);
    // A sweep that did not expand hides what its body uses: no unused-name warnings then.
    const bool expanded = diags.error_count() == 0;
    // Pass 1: collect definitions, so order in the file does not matter.
    for (const auto& i : c.instances)
        c.declare(i);
    // Pass 2: check each in dependency order (tasks and networks first).
    each(c, {SK::Task}, checker::check_task);
    each(c, {SK::Network}, checker::check_network);
    each(c, {SK::Seed, SK::Output, SK::Train}, check_setting_or_train);
    each(c, {SK::Alter}, checker::check_alter);
    each(c, {SK::Evaluate}, checker::check_evaluate);
    each(c, {SK::Analyze, SK::Plot}, check_analyze_or_plot);
    if (expanded)
        unused_warnings(c);
    diags.drop_repeats(first);
    if (diags.has_errors())
        return std::nullopt;
    every_definition_checked(c);
    // Sizes are known only once everything checks.
    if (memory != nullptr) {
        checker::check_memory(c, *memory);
        if (diags.has_errors())
            return std::nullopt;
    }
    return std::move(c.program);
}

}  // namespace rnn::interp
