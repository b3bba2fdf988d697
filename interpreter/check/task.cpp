#include "interpreter/check/task.hpp"

#include <fmt/format.h>

#include "interpreter/check/declared_task.hpp"
#include "interpreter/check/expressions.hpp"
#include "interpreter/check/files.hpp"
#include "interpreter/check/value.hpp"

namespace rnn::interp::checker {

using K = ast::Expr::Kind;

void check_task(Context& c, const ast::Statement& s) {
    if (c.program.tasks.count(s.name) || c.cyclic.count(&s) || !c.enter(s))
        return;
    const Context::Defining guard{c.defining};
    TaskDef t;
    t.name = s.name;
    t.span = s.span;
    stdlib::Params base;
    std::vector<const ast::Field*> declared_fields;  // a declared task's, its base's first
    if (s.head->kind == K::Name && (t.entry = stdlib::find_task(s.head->text)) == nullptr) {
        // A variant of another task: inherit its values.
        const Declared* decl = c.lookup(s.head->text);
        if (decl != nullptr && decl->kind == ast::Statement::Kind::Task) {
            const TaskDef* parent = c.checked_definition(c.program.tasks, *decl, check_task);
            if (parent == nullptr)
                return;  // the base has errors
            t.entry = parent->entry;
            base = parent->params;
            declared_fields = c.declared_task_fields[decl->stmt->name];
            t.data_origin = parent->data_origin;
        } else {
            std::vector<std::string> names;
            for (const auto* e : stdlib::tasks())
                names.push_back(e->name);
            for (const auto& n : c.names_to_suggest(ast::Statement::Kind::Task))
                names.push_back(n);
            c.diags.error(Code::UnknownTask, s.head->span,
                          fmt::format("unknown task '{}'", s.head->text),
                          suggestion(s.head->text, names));
            return;
        }
    } else if (t.entry == nullptr) {
        c.diags.error(Code::ExpectedDefinition, s.head->span,
                      fmt::format("expected a task name, found {}", kind_words(*s.head)));
        return;
    }
    if (c.program.tasks.count(s.name))
        return;  // already checked as a base
    if (t.data_origin.empty())
        t.data_origin = s.name;
    if (t.entry->origin != stdlib::TaskOrigin::Stdlib) {
        for (const auto& f : s.body)
            declared_fields.push_back(&f);
        c.declared_task_fields[s.name] = declared_fields;
        t.params = std::move(base);  // a variant's base values, which its own fields change
        check_declared_task(c, s, t.entry->origin, declared_fields, t);
        if (t.own_entry != nullptr)
            c.program.tasks.emplace(s.name, std::move(t));
        return;
    }
    t.params = fields(c, s.body, t.entry->schema, fmt::format("task '{}'", t.entry->name),
                      std::move(base), s.name_span);
    t.files_key = files_key(c, t.entry->schema, t.params);
    c.program.tasks.emplace(s.name, std::move(t));
}

}  // namespace rnn::interp::checker
