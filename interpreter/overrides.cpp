#include "interpreter/overrides.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <regex>
#include <unordered_map>

#include <fmt/format.h>

#include "grammar/parser.hpp"
#include "runtime/files.hpp"
#include "runtime/toml_input.hpp"

namespace rnn::interp {

namespace {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const auto dot = path.find('.', start);
        out.push_back(path.substr(start, dot == std::string::npos ? dot : dot - start));
        if (dot == std::string::npos)
            return out;
        start = dot + 1;
    }
}

bool identifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    for (const char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
            return false;
    return true;
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\')
            out.push_back('\\');
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else
            out.push_back(c);
    }
    return out + "\"";
}

void shift(ast::Span& s, std::int64_t by) {
    s.begin = static_cast<std::uint32_t>(s.begin + by);
    s.end = static_cast<std::uint32_t>(s.end + by);
    s.column = static_cast<std::uint32_t>(s.column + by);
}

void shift(ast::Expr& e, std::int64_t by) {
    shift(e.span, by);
    for (auto& i : e.items)
        if (i)
            shift(*i, by);
    for (auto& f : e.fields) {
        shift(f.span, by);
        shift(f.name_span, by);
        if (f.value)
            shift(*f.value, by);
        for (auto& m : f.modifiers) {
            shift(m.span, by);
            if (m.argument)
                shift(*m.argument, by);
        }
    }
}

// Where each name sits in a list that only grows while the overrides are applied: built
// on first use and brought up to date on each later one. A scan per override made a
// config of many keys quadratic.
class NameIndex {
public:
    explicit NameIndex(bool first_wins = false) : first_wins_(first_wins) {}

    template <typename NameAt>
    std::optional<std::size_t> find(const std::string& name, std::size_t size, NameAt name_at) {
        for (; seen_ < size; ++seen_) {
            if (first_wins_)
                at_.emplace(name_at(seen_), seen_);
            else
                at_[name_at(seen_)] = seen_;
        }
        const auto it = at_.find(name);
        return it == at_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }

private:
    bool first_wins_;
    std::unordered_map<std::string, std::size_t> at_;
    std::size_t seen_ = 0;
};

// A parser message about the wrapped text, with its positions ("opened at 1:21") moved
// to the override's own text.
std::string unwrapped(const std::string& message, std::size_t prefix, std::int64_t by) {
    static const std::regex position("1:([0-9]+)");
    std::string out;
    std::size_t last = 0;
    for (auto it = std::sregex_iterator(message.begin(), message.end(), position);
         it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        const long column = std::stol(m[1].str());
        out += message.substr(last, static_cast<std::size_t>(m.position(0)) - last);
        out += column > static_cast<long>(prefix) ? fmt::format("1:{}", column + by) : m.str(0);
        last = static_cast<std::size_t>(m.position(0) + m.length(0));
    }
    return out + message.substr(last);
}

// Applies overrides one by one. Every lookup goes through an index (definitions by name,
// fields, modifiers and arguments by name), so that applying K overrides costs O(K) and
// not O(K x the script's size). New `seed` and `output` statements wait until the end, so
// that no statement moves (the indexes point at them) while the overrides are applied.
class Applier {
public:
    Applier(ast::Module& module, SourceMap& sources, Diagnostics& diagnostics)
        : module_(module), sources_(sources), diags_(diagnostics) {
        index_statements(module_.statements, true);
    }

    void apply(const Override& o) {
        const std::string text = o.text();
        id_ = sources_.add(o.origin, text);
        whole_ = ast::Span{id_, 1, 1, 0, static_cast<std::uint32_t>(text.size())};
        path_span_ = ast::Span{id_, 1, 1, 0, static_cast<std::uint32_t>(o.path.size())};
        const auto parts = split_path(o.path);
        for (const auto& p : parts)
            if (!identifier(p)) {
                diags_.error(Code::OverrideMalformed, path_span_,
                             fmt::format("'{}' is not a path of names joined by '.'", o.path),
                             "write --set NAME.FIELD=VALUE, e.g. --set fit.epochs=10");
                return;
            }
        if (o.value.find('\n') != std::string::npos) {
            diags_.error(Code::OverrideMalformed, whole_, "an override's value is one line");
            return;
        }
        if (parts.size() == 1 && (parts[0] == "seed" || parts[0] == "output")) {
            set_statement(parts[0] == "seed" ? seed_ : output_, o);
            return;
        }
        const auto defs = definitions_.find(parts[0]);
        if (defs == definitions_.end()) {
            diags_.error(Code::OverrideUnknown, path_span_,
                         fmt::format("no definition is named '{}'", parts[0]),
                         suggestion(parts[0], names_to_suggest()));
            return;
        }
        if (parts.size() == 1) {
            diags_.error(Code::OverrideMalformed, path_span_,
                         fmt::format("'{}' is a definition: set one of its fields", parts[0]),
                         fmt::format("e.g. --set {}.FIELD=VALUE", parts[0]));
            return;
        }
        for (ast::Statement* s : defs->second)
            set_field(*s, parts, o);
    }

    // The `seed` and `output` statements that the overrides added, first the first added.
    void finish() {
        for (Setting* s : added_)
            module_.statements.insert(module_.statements.begin(), std::move(*s->added));
    }

private:
    // The top-level `seed` or `output`: the script's first, or one the overrides add.
    struct Setting {
        ast::Statement::Kind kind;
        ast::Statement* written = nullptr;
        std::optional<ast::Statement> added;
    };

    void index_statements(std::vector<ast::Statement>& statements, bool top) {
        for (auto& s : statements) {
            if (top && s.kind == ast::Statement::Kind::Seed && seed_.written == nullptr)
                seed_.written = &s;
            if (top && s.kind == ast::Statement::Kind::Output && output_.written == nullptr)
                output_.written = &s;
            if (s.kind == ast::Statement::Kind::For)
                index_statements(s.children, false);
            else if (!s.name.empty())
                definitions_[s.name].push_back(&s);
        }
    }

    // The names to suggest from, for the first unknown names only (each suggestion reads
    // them all).
    std::vector<std::string> names_to_suggest() {
        if (suggestions_made_++ >= 100)
            return {};
        std::vector<std::string> names{"seed", "output"};
        for (const auto& [name, statements] : definitions_)
            names.push_back(name);
        std::sort(names.begin() + 2, names.end());
        return names;
    }

    // The value as an expression; a TOML string where a string is expected is quoted.
    ast::ExprPtr value(const Override& o, bool want_string) {
        const std::string text = o.string && want_string ? quoted(o.value) : o.value;
        std::string prefix = "task _o = _o { _v = ";
        const std::string wrapped = prefix + text + " }";
        const auto by =
            static_cast<std::int64_t>(o.path.size() + 1) - static_cast<std::int64_t>(prefix.size());
        try {
            ast::Module m = grammar::parse(wrapped, id_, "");
            if (m.statements.size() == 1 && m.statements[0].body.size() == 1
                && m.statements[0].body[0].value) {
                ast::ExprPtr e = std::move(m.statements[0].body[0].value);
                shift(*e, by);
                return e;
            }
        } catch (const grammar::ParseFailure& f) {
            if (o.string && !want_string)
                return value(o, true);
            ast::Span at = f.error.where;
            at.file = id_;
            at.line = 1;
            if (at.begin >= prefix.size() && at.begin <= wrapped.size() - 2)
                shift(at, by);
            else
                at = whole_;
            diags_.error(Code::OverrideMalformed, at,
                         fmt::format("the value of '{}' is not an expression: {}", o.path,
                                     unwrapped(f.error.message, prefix.size(), by)));
            return nullptr;
        }
        diags_.error(Code::OverrideMalformed, whole_,
                     fmt::format("the value of '{}' is not one expression", o.path));
        return nullptr;
    }

    void set_statement(Setting& which, const Override& o) {
        ast::ExprPtr e = value(o, which.kind == ast::Statement::Kind::Output);
        if (!e)
            return;
        if (ast::Statement* s = which.written != nullptr ? which.written
                                : which.added            ? &*which.added
                                                         : nullptr) {
            s->head = std::move(e);
            return;
        }
        ast::Statement& s = which.added.emplace();
        s.kind = which.kind;
        s.span = whole_;
        s.keyword_span = path_span_;
        s.head = std::move(e);
        added_.push_back(&which);
    }

    static bool is_string(const ast::ExprPtr& e) { return e && e->kind == ast::Expr::Kind::String; }

    ast::Field new_field(const std::string& name) const {
        ast::Field f;
        f.name = name;
        f.name_span = path_span_;
        f.span = whole_;
        return f;
    }

    // Sets PATH[1..] inside a definition: a field, a field of a block call (`optimizer.lr`),
    // a named argument of a call, or a modifier of a tensor line (`W_self.init`).
    void set_field(ast::Statement& s, const std::vector<std::string>& parts, const Override& o) {
        const auto at = bodies_[&s].find(parts[1], s.body.size(),
                                         [&](std::size_t k) { return s.body[k].name; });
        if (!at) {
            if (parts.size() == 2) {
                ast::Field f = new_field(parts[1]);
                f.value = value(o, false);
                if (!f.value)
                    return;
                s.has_body = true;
                s.body.push_back(std::move(f));
                return;
            }
            diags_.error(Code::OverrideMalformed, path_span_,
                         fmt::format("'{}' has no '{}' written to set '{}' in", parts[0], parts[1],
                                     parts[2]),
                         fmt::format("set the whole value: --set {}.{}=...", parts[0], parts[1]));
            return;
        }
        ast::Field& field = s.body[*at];
        if (field.kind == ast::Field::Kind::Param)
            set_modifier(s, *at, parts, o);
        else
            set_inside(field.value, parts, o);
    }

    // `NAME.TENSOR.MODIFIER`: the modifier's argument, or a new modifier.
    void set_modifier(ast::Statement& s, std::size_t at, const std::vector<std::string>& parts,
                      const Override& o) {
        if (parts.size() != 3) {
            diags_.error(Code::OverrideMalformed, path_span_,
                         fmt::format("'{}.{}' is a tensor line: set one of its modifiers", parts[0],
                                     parts[1]),
                         fmt::format("e.g. --set {}.{}.init=normal(0.1)", parts[0], parts[1]));
            return;
        }
        ast::ExprPtr e = value(o, false);
        if (!e)
            return;
        auto& modifiers = s.body[at].modifiers;
        const auto m = modifiers_.try_emplace({&s, at}, true)
                           .first->second.find(parts[2], modifiers.size(),
                                               [&](std::size_t k) { return modifiers[k].name; });
        if (m) {
            modifiers[*m].argument = std::move(e);
            return;
        }
        ast::Modifier added;
        added.name = parts[2];
        added.span = whole_;
        added.argument = std::move(e);
        modifiers.push_back(std::move(added));
    }

    // PATH[2..] inside a field's value: fields of block calls and named arguments of calls,
    // the last part created when missing.
    void set_inside(ast::ExprPtr& value_slot, const std::vector<std::string>& parts,
                    const Override& o) {
        ast::ExprPtr* slot = &value_slot;
        std::string where = fmt::format("{}.{}", parts[0], parts[1]);  // the path read so far
        for (std::size_t i = 2; i < parts.size(); where += "." + parts[i++]) {
            ast::Expr* e = slot->get();
            const bool last = i + 1 == parts.size();
            if (e != nullptr && e->kind == ast::Expr::Kind::BlockCall) {
                auto k = blocks_[e].find(parts[i], e->fields.size(),
                                         [&](std::size_t n) { return e->fields[n].name; });
                if (!k) {
                    if (!last)
                        break;
                    e->fields.push_back(new_field(parts[i]));
                    k = e->fields.size() - 1;
                }
                slot = &e->fields[*k].value;
            } else if (e != nullptr && e->kind == ast::Expr::Kind::Call) {
                auto k = calls_.try_emplace(e, true).first->second.find(
                    parts[i], e->arg_names.size(), [&](std::size_t n) { return e->arg_names[n]; });
                if (!k) {
                    if (!last)
                        break;
                    e->arg_names.push_back(parts[i]);
                    e->items.push_back(nullptr);
                    k = e->items.size() - 1;
                }
                slot = &e->items[*k];
            } else {
                diags_.error(
                    Code::OverrideMalformed, path_span_,
                    fmt::format("'{}' is not a block or a call: it has no '{}'", where, parts[i]),
                    fmt::format("set the whole value: --set {}=...", where));
                return;
            }
        }
        ast::ExprPtr e = value(o, is_string(*slot));
        if (!e)
            return;
        forget(slot->get());
        *slot = std::move(e);
    }

    // Drops the indexes of an expression about to be replaced (and freed): a later
    // expression may be allocated at its address.
    void forget(const ast::Expr* e) {
        if (e == nullptr || (blocks_.empty() && calls_.empty()))
            return;
        blocks_.erase(e);
        calls_.erase(e);
        for (const auto& item : e->items)
            forget(item.get());
        for (const auto& f : e->fields) {
            forget(f.value.get());
            for (const auto& m : f.modifiers)
                forget(m.argument.get());
        }
    }

    ast::Module& module_;
    SourceMap& sources_;
    Diagnostics& diags_;
    std::uint32_t id_ = 0;
    ast::Span whole_, path_span_;
    std::unordered_map<std::string, std::vector<ast::Statement*>> definitions_;
    std::unordered_map<const ast::Statement*, NameIndex> bodies_;
    std::map<std::pair<const ast::Statement*, std::size_t>, NameIndex> modifiers_;
    std::unordered_map<const ast::Expr*, NameIndex> blocks_, calls_;
    Setting seed_{ast::Statement::Kind::Seed, nullptr, std::nullopt};
    Setting output_{ast::Statement::Kind::Output, nullptr, std::nullopt};
    std::vector<Setting*> added_;
    std::size_t suggestions_made_ = 0;
};

// A TOML value as .rnn text.
std::optional<std::string> rnn_text(const toml::node& v, bool& string) {
    string = false;
    if (const auto* i = v.as_integer())
        return fmt::format("{}", i->get());
    if (const auto* d = v.as_floating_point()) {
        if (!std::isfinite(d->get()))
            return std::nullopt;
        std::string s = fmt::format("{}", d->get());
        if (s.find_first_of(".e") == std::string::npos)
            s += ".0";
        return s;
    }
    if (const auto* b = v.as_boolean())
        return std::string(b->get() ? "true" : "false");
    if (const auto* s = v.as_string()) {
        string = true;
        return s->get();
    }
    if (const auto* a = v.as_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < a->size(); ++i) {
            bool inner_string = false;
            const auto t = rnn_text(*a->get(i), inner_string);
            if (!t)
                return std::nullopt;
            out += (i ? ", " : "") + (inner_string ? quoted(*t) : *t);
        }
        return out + "]";
    }
    return std::nullopt;
}

bool flatten(const toml::table& t, const std::string& prefix, const std::string& file,
             std::vector<Override>& out, std::string& why) {
    for (const auto& [k, v] : t) {
        const std::string path =
            prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (const auto* sub = v.as_table()) {
            if (sub->empty()) {
                why = fmt::format("'{}' is an empty table", path);
                return false;
            }
            if (!flatten(*sub, path, file, out, why))
                return false;
            continue;
        }
        bool string = false;
        const auto text = rnn_text(v, string);
        if (!text) {
            why = fmt::format("'{}' holds a value with no .rnn form", path);
            return false;
        }
        out.push_back(Override{path, *text, file, string});
    }
    return true;
}

}  // namespace

std::optional<Override> parse_set(const std::string& arg, std::string& why) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
        why = fmt::format("'{}' is not PATH=VALUE (e.g. fit.epochs=10)", arg);
        return std::nullopt;
    }
    return Override{arg.substr(0, eq), arg.substr(eq + 1), "--set", false};
}

std::optional<std::vector<Override>> parse_config(const std::string& text, const std::string& file,
                                                  std::string& why) {
    rt::TomlLimits limits;
    limits.max_bytes = rt::kMaxConfigBytes;
    const auto t = rt::parse_toml(text, file, why, limits);
    if (!t)
        return std::nullopt;
    std::vector<Override> out;
    if (!flatten(*t, "", file, out, why))
        return std::nullopt;
    return out;
}

void apply_overrides(ast::Module& module, const std::vector<Override>& overrides,
                     SourceMap& sources, Diagnostics& diagnostics) {
    if (overrides.empty())
        return;
    Applier a(module, sources, diagnostics);
    for (const auto& o : overrides)
        a.apply(o);
    a.finish();
}

}  // namespace rnn::interp
