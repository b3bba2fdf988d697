// What every part of the checker shares: the diagnostics, the program being built, the
// declarations of pass 1 (names, sweep families, results folders) with the lookups that
// resolve references, and the bookkeeping that keeps each definition checked once.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "grammar/ast.hpp"
#include "interpreter/diagnostics.hpp"
#include "interpreter/program.hpp"
#include "interpreter/sweep.hpp"

namespace rnn::interp::checker {

// A file some figure writes: that figure's picture and its plot statement.
struct FigureFile {
    std::string picture;
    ast::Span span;
};

struct Declared {
    ast::Statement::Kind kind;
    const ast::Statement* stmt;
    const Instance* instance;
};

class Context {
public:
    Context(Diagnostics& diags_, const SourceMap* sources_) : diags(diags_), sources(sources_) {}

    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    // Pass 1: records a definition; reports a name defined twice, two names that would
    // share a results folder, and a sweep body's definition that needs an index.
    void declare(const Instance& i);

    const Declared* lookup(const std::string& name) const;

    // A name that is a sweep's family rather than one definition: reports it and returns true.
    bool family_reference(const std::string& name, const ast::Span& where);

    // The names to suggest from for an unknown name: the definitions of `kind` (of every
    // kind when none, and the sweep families with `families`). Each suggestion compares
    // the name with every definition, so only the first kMaxSuggestions unknown names get
    // one (then nothing): a script of many wrong names still checks in linear time.
    std::vector<std::string> names_to_suggest(std::optional<ast::Statement::Kind> kind,
                                              bool with_families = false);
    static constexpr std::size_t kMaxSuggestions = 100;

    // A reference to a definition of the wanted kind; reports what is wrong otherwise.
    const ast::Statement* reference(const ast::Expr& e, ast::Statement::Kind kind,
                                    const char* what);

    // `TASK.inputs` or `TASK.outputs`: the input width or readout size a task's trials
    // have (e.g. `inputs = seqs.inputs`); nothing for other expressions, -1 after an error.
    std::optional<long> task_size(const ast::Expr& e);

    // The checked definition that `decl` declares, in `defs` (program.tasks, ...): checked
    // by `check` first when it is not yet, as a base is before what derives from it;
    // nullptr when it has errors (reported there). Marks it used.
    template <typename Def>
    const Def* checked_definition(const std::map<std::string, Def>& defs, const Declared& decl,
                                  void (*check)(Context&, const ast::Statement&)) {
        const std::string& name = decl.stmt->name;
        used.insert(name);
        if (!defs.count(name))
            check(*this, *decl.stmt);
        const auto it = defs.find(name);
        return it == defs.end() ? nullptr : &it->second;
    }

    // Bases are checked before what derives from them; a chain of bases that leads back to
    // where it started is a cycle, reported once at each definition in it. Returns false
    // (after reporting) when `s` is already being defined; otherwise the caller holds a
    // `Defining` guard while it checks `s`.
    bool enter(const ast::Statement& s);

    struct Defining {
        std::vector<const ast::Statement*>& stack;

        ~Defining() { stack.pop_back(); }
    };

    Diagnostics& diags;
    const SourceMap* sources;
    Program program;

    // Declarations (pass 1).
    std::vector<Instance> instances;
    std::map<std::string, Declared> declared;
    std::map<std::string, std::vector<std::string>> families;
    std::map<std::string, const ast::Statement*> directories;  // results folder -> definition
    std::set<std::string> used;

    // Progress of pass 2.
    std::vector<const ast::Statement*> defining;  // bases being checked, for cycles
    std::set<const ast::Statement*> cyclic;
    std::set<std::string> analyses_checked;      // analyze lines checked so far
    std::set<std::string> alters_seen;           // alters checked or being checked
    std::set<std::string> alters_open;           // alters being checked (for cycles)
    const ast::Statement* first_seed = nullptr;  // for "first set here"
    const ast::Statement* first_output = nullptr;
    // Every file the figures checked so far write (pictures, scripts, data), by path.
    std::map<std::string, FigureFile> figure_files;
    // Content hashes of the data files read so far, by absolute path (for node keys).
    std::map<std::string, std::string> file_hashes;
    // The fields of each task the script declares (paradigm, arrays), a variant's after its
    // base's: what check_declared_task reads (check/declared_task.hpp).
    std::map<std::string, std::vector<const ast::Field*>> declared_task_fields;
    // The values (widths and constants) the paradigms compiled so far hold, all together:
    // bounded, so a script of many wide paradigms cannot exhaust memory while checking.
    std::size_t paradigm_values = 0;

private:
    std::size_t suggestions_made_ = 0;
};

}  // namespace rnn::interp::checker
