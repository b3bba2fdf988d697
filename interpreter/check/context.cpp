#include "interpreter/check/context.hpp"

#include <fmt/format.h>

#include "interpreter/check/expressions.hpp"
#include "interpreter/check/task.hpp"
#include "interpreter/paths.hpp"

namespace rnn::interp::checker {

using ast::Expr;
using K = ast::Expr::Kind;

void Context::declare(const Instance& i) {
    const ast::Statement& s = i.statement;
    if (s.name.empty())
        return;
    if (!i.family.empty())
        families[i.family].push_back(s.name);
    const auto [it, fresh] = declared.emplace(s.name, Declared{s.kind, &s, &i});
    if (fresh) {
        const auto [dir, free] = directories.emplace(node_directory(s.name), &s);
        if (!free) {
            auto& e = diags.error(Code::DefinedTwice, s.name_span,
                                  fmt::format("'{}' and '{}' would share the results folder '{}/'",
                                              dir->second->name, s.name, dir->first));
            e.notes.emplace_back(dir->second->name_span, "the other definition");
        }
        return;
    }
    const ast::Statement& other = *it->second.stmt;
    if (!i.bindings.empty() && other.name_span.begin == s.name_span.begin
        && other.name_span.file == s.name_span.file) {
        // The same line of a sweep's body, once per value: it needs an index.
        if (i.family.empty())
            diags.error(Code::UnindexedInSweep, s.name_span,
                        fmt::format("'{}' is defined once per value of the sweep", s.name),
                        fmt::format("index it by the loop variables, e.g. '{}[{}]'", s.name,
                                    i.bindings.substr(0, i.bindings.find(' '))));
        else
            diags.error(Code::DefinedTwice, s.name_span,
                        fmt::format("two instances of the sweep are both named '{}'", s.name),
                        "index the definition by every loop variable that varies");
        return;
    }
    auto& e =
        diags.error(Code::DefinedTwice, s.name_span, fmt::format("'{}' is defined twice", s.name));
    e.notes.emplace_back(other.name_span, "first defined here");
}

const Declared* Context::lookup(const std::string& name) const {
    const auto it = declared.find(name);
    return it == declared.end() ? nullptr : &it->second;
}

std::optional<long> Context::task_size(const Expr& e) {
    const std::string text = dotted(e);
    const auto parts = split_dots(text);
    if (parts.size() != 2 || (parts[1] != "inputs" && parts[1] != "outputs"))
        return std::nullopt;
    const Declared* decl = lookup(parts[0]);
    if (decl == nullptr || decl->kind != ast::Statement::Kind::Task)
        return std::nullopt;
    const TaskDef* task = checked_definition(program.tasks, *decl, check_task);
    if (task == nullptr)
        return -1;  // the task has errors, reported there
    const auto& size = parts[1] == "inputs" ? task->entry->input_size : task->entry->output_size;
    return size ? size(task->params) : 0;
}

bool Context::family_reference(const std::string& name, const ast::Span& where) {
    const auto f = families.find(name);
    if (f == families.end() || lookup(name) != nullptr)
        return false;
    diags.error(Code::SweepFamilyReference, where,
                fmt::format("'{}' is a sweep of {} definitions ({}{}); name one of them", name,
                            f->second.size(), f->second.front(),
                            f->second.size() > 1 ? " ... " + f->second.back() : ""),
                fmt::format("write e.g. '{}'", f->second.front()));
    return true;
}

std::vector<std::string> Context::names_to_suggest(std::optional<ast::Statement::Kind> kind,
                                                   bool with_families) {
    std::vector<std::string> out;
    if (suggestions_made_ >= kMaxSuggestions)
        return out;
    ++suggestions_made_;
    for (const auto& [name, decl] : declared)
        if (!kind || decl.kind == *kind)
            out.push_back(name);
    if (with_families)
        for (const auto& [name, family] : families)
            out.push_back(name);
    return out;
}

const ast::Statement* Context::reference(const Expr& e, ast::Statement::Kind kind,
                                         const char* what) {
    const std::string name = e.kind == K::Name || e.kind == K::Index ? dotted(e) : "";
    if (name.empty()) {
        diags.error(Code::ExpectedDefinition, e.span,
                    fmt::format("expected the name of a {}, found {}", what, kind_words(e)));
        return nullptr;
    }
    used.insert(name);
    const Declared* decl = lookup(name);
    if (decl == nullptr) {
        if (!family_reference(name, e.span))
            diags.error(Code::UnknownName, e.span, fmt::format("no {} named '{}'", what, name),
                        suggestion(name, names_to_suggest(kind)));
        return nullptr;
    }
    // An altered training stands wherever a training does.
    const bool trained =
        kind == ast::Statement::Kind::Train && decl->kind == ast::Statement::Kind::Alter;
    if (decl->kind != kind && !trained) {
        auto& err = diags.error(
            Code::WrongKind, e.span,
            fmt::format("'{}' is a {}, not a {}", name, ast::statement_keyword(decl->kind), what));
        err.notes.emplace_back(decl->stmt->name_span, "defined here");
        return nullptr;
    }
    return decl->stmt;
}

bool Context::enter(const ast::Statement& s) {
    const auto at = std::find(defining.begin(), defining.end(), &s);
    if (at == defining.end()) {
        defining.push_back(&s);
        return true;
    }
    std::string chain;
    for (auto it = at; it != defining.end(); ++it)
        chain += (*it)->name + " -> ";
    chain += s.name;
    auto& e = diags.error(Code::DependencyCycle, s.head->span,
                          fmt::format("'{}' is defined in terms of itself: {}", s.name, chain));
    for (auto it = at + 1; it != defining.end(); ++it) {
        cyclic.insert(*it);
        e.notes.emplace_back((*it)->head->span, fmt::format("'{}' derives from here", (*it)->name));
    }
    cyclic.insert(&s);
    return false;
}

}  // namespace rnn::interp::checker
