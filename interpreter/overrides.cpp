#include "interpreter/overrides.hpp"

#include <cmath>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "grammar/parser.hpp"

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

void collect_names(const std::vector<ast::Statement>& statements, std::vector<std::string>& out) {
    for (const auto& s : statements) {
        if (!s.name.empty())
            out.push_back(s.name);
        collect_names(s.children, out);
    }
}

void find_definitions(std::vector<ast::Statement>& statements, const std::string& name,
                      std::vector<ast::Statement*>& out) {
    for (auto& s : statements) {
        if (s.kind == ast::Statement::Kind::For)
            find_definitions(s.children, name, out);
        else if (s.name == name)
            out.push_back(&s);
    }
}

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

class Applier {
public:
    Applier(ast::Module& module, SourceMap& sources, Diagnostics& diagnostics)
        : module_(module), sources_(sources), diags_(diagnostics) {}

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
            set_statement(parts[0], o);
            return;
        }
        std::vector<ast::Statement*> defs;
        find_definitions(module_.statements, parts[0], defs);
        if (defs.empty()) {
            std::vector<std::string> names{"seed", "output"};
            collect_names(module_.statements, names);
            diags_.error(Code::OverrideUnknown, path_span_,
                         fmt::format("no definition is named '{}'", parts[0]),
                         suggestion(parts[0], names));
            return;
        }
        if (parts.size() == 1) {
            diags_.error(Code::OverrideMalformed, path_span_,
                         fmt::format("'{}' is a definition: set one of its fields", parts[0]),
                         fmt::format("e.g. --set {}.FIELD=VALUE", parts[0]));
            return;
        }
        for (ast::Statement* s : defs)
            set_field(*s, parts, o);
    }

private:
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

    void set_statement(const std::string& which, const Override& o) {
        const auto kind =
            which == "seed" ? ast::Statement::Kind::Seed : ast::Statement::Kind::Output;
        ast::ExprPtr e = value(o, kind == ast::Statement::Kind::Output);
        if (!e)
            return;
        for (auto& s : module_.statements)
            if (s.kind == kind) {
                s.head = std::move(e);
                return;
            }
        ast::Statement s;
        s.kind = kind;
        s.span = whole_;
        s.keyword_span = path_span_;
        s.head = std::move(e);
        module_.statements.insert(module_.statements.begin(), std::move(s));
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
        ast::Field* field = nullptr;
        for (auto& f : s.body)
            if (f.name == parts[1])
                field = &f;
        if (field == nullptr) {
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
        if (field->kind == ast::Field::Kind::Param) {
            if (parts.size() != 3) {
                diags_.error(Code::OverrideMalformed, path_span_,
                             fmt::format("'{}.{}' is a tensor line: set one of its modifiers",
                                         parts[0], parts[1]),
                             fmt::format("e.g. --set {}.{}.init=normal(0.1)", parts[0], parts[1]));
                return;
            }
            ast::ExprPtr e = value(o, false);
            if (!e)
                return;
            for (auto& m : field->modifiers)
                if (m.name == parts[2]) {
                    m.argument = std::move(e);
                    return;
                }
            ast::Modifier m;
            m.name = parts[2];
            m.span = whole_;
            m.argument = std::move(e);
            field->modifiers.push_back(std::move(m));
            return;
        }
        ast::ExprPtr* slot = &field->value;
        for (std::size_t i = 2; i < parts.size(); ++i) {
            ast::Expr& e = **slot;
            const std::string where = fmt::format("{}.{}", parts[0], parts[1]);
            if (e.kind == ast::Expr::Kind::BlockCall) {
                ast::Field* inner = nullptr;
                for (auto& f : e.fields)
                    if (f.name == parts[i])
                        inner = &f;
                if (inner == nullptr) {
                    if (i + 1 != parts.size())
                        break;
                    e.fields.push_back(new_field(parts[i]));
                    inner = &e.fields.back();
                }
                slot = &inner->value;
            } else if (e.kind == ast::Expr::Kind::Call) {
                std::size_t k = 0;
                while (k < e.arg_names.size() && e.arg_names[k] != parts[i])
                    ++k;
                if (k == e.arg_names.size()) {
                    if (i + 1 != parts.size())
                        break;
                    e.arg_names.push_back(parts[i]);
                    e.items.push_back(nullptr);
                }
                slot = &e.items[k];
            } else {
                diags_.error(
                    Code::OverrideMalformed, path_span_,
                    fmt::format("'{}' is not a block or a call: it has no '{}'", where, parts[i]),
                    fmt::format("set the whole value: --set {}=...", where));
                return;
            }
        }
        if (slot == nullptr) {
            diags_.error(Code::OverrideMalformed, path_span_,
                         fmt::format("'{}' cannot be set", o.path));
            return;
        }
        ast::ExprPtr e = value(o, is_string(*slot));
        if (e)
            *slot = std::move(e);
    }

    ast::Module& module_;
    SourceMap& sources_;
    Diagnostics& diags_;
    std::uint32_t id_ = 0;
    ast::Span whole_, path_span_;
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
    toml::table t;
    try {
        t = toml::parse(text, file);
    } catch (const toml::parse_error& e) {
        std::ostringstream s;
        s << e.description() << " (line " << e.source().begin.line << ")";
        why = s.str();
        return std::nullopt;
    }
    std::vector<Override> out;
    if (!flatten(t, "", file, out, why))
        return std::nullopt;
    return out;
}

void apply_overrides(ast::Module& module, const std::vector<Override>& overrides,
                     SourceMap& sources, Diagnostics& diagnostics) {
    Applier a(module, sources, diagnostics);
    for (const auto& o : overrides)
        a.apply(o);
}

}  // namespace rnn::interp
