#include "interpreter/check/expressions.hpp"

#include <cmath>

#include "interpreter/sweep.hpp"

namespace rnn::interp::checker {

using ast::Expr;
using K = ast::Expr::Kind;

std::vector<const Expr*> list_items(const Expr& e) {
    std::vector<const Expr*> items;
    if (e.kind == K::List)
        for (const auto& i : e.items)
            items.push_back(i.get());
    else
        items.push_back(&e);
    return items;
}

std::optional<double> constant_number(const Expr& e) {
    switch (e.kind) {
        case K::Number:
            if (!e.unit.empty())
                return std::nullopt;
            return e.number;
        case K::Unary:
            if (e.text == "-")
                if (auto v = constant_number(*e.items[0]))
                    return -*v;
            return std::nullopt;
        case K::Binary: {
            const auto a = constant_number(*e.items[0]);
            const auto b = constant_number(*e.items[1]);
            if (!a || !b)
                return std::nullopt;
            if (e.text == "+")
                return *a + *b;
            if (e.text == "-")
                return *a - *b;
            if (e.text == "*")
                return *a * *b;
            if (e.text == "/" && *b != 0.0)
                return *a / *b;
            return std::nullopt;
        }
        case K::Call:
            if (e.text == "sqrt" && e.items.size() == 1 && e.arg_names[0].empty())
                if (auto v = constant_number(*e.items[0]); v && *v >= 0.0)
                    return std::sqrt(*v);
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

std::string with_article(std::string_view word) {
    const bool vowel =
        !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos;
    return std::string(vowel ? "an " : "a ") + std::string(word);
}

std::string kind_words(const Expr& e) {
    switch (e.kind) {
        case K::Number:
            return e.unit.empty() ? "a number" : "a number in " + e.unit;
        case K::String:
            return "a string";
        case K::Bool:
            return "a boolean";
        case K::Name:
            return "the name '" + e.text + "'";
        case K::List:
            return "a list";
        case K::Range:
            return "a range";
        case K::Jitter:
            return "a jittered value";
        case K::Call:
            return "a call of '" + e.text + "'";
        case K::BlockCall:
            return e.text.empty() ? "a block" : "a '" + e.text + "' block";
        case K::Member:
        case K::Index: {
            const std::string ref = dotted(e);
            return ref.empty() ? "an expression" : "the reference '" + ref + "'";
        }
        default:
            return "an expression";
    }
}

std::string dotted(const Expr& e) {
    if (e.kind == K::Name)
        return e.text;
    if (e.kind == K::Member) {
        const std::string base = dotted(*e.items[0]);
        return base.empty() ? std::string() : base + "." + e.text;
    }
    if (e.kind == K::Index && e.items[0]->kind == K::Name) {
        std::string index;
        for (std::size_t i = 1; i < e.items.size(); ++i) {
            const std::string v = index_text(*e.items[i]);
            if (v.empty())
                return {};
            index += (i > 1 ? "," : "") + v;
        }
        return e.items[0]->text + "[" + index + "]";
    }
    return {};
}

std::vector<std::string> split_dots(const std::string& s) {
    std::vector<std::string> out(1);
    int depth = 0;
    for (const char c : s) {
        if (c == '[')
            ++depth;
        else if (c == ']')
            --depth;
        if (c == '.' && depth == 0)
            out.emplace_back();
        else
            out.back().push_back(c);
    }
    return out;
}

}  // namespace rnn::interp::checker
