#include "grammar/keywords.hpp"

#include <array>
#include <cctype>

namespace rnn::grammar {

namespace {

using Kind = ast::Statement::Kind;

constexpr std::array<Keyword, 19> kKeywords{{
    {"seed", Kind::Seed, false},
    {"output", Kind::Output, false},
    {"include", Kind::Include, false},
    {"task", Kind::Task, false},
    {"network", Kind::Network, false},
    {"train", Kind::Train, false},
    {"evaluate", Kind::Evaluate, false},
    {"analyze", Kind::Analyze, false},
    {"alter", Kind::Alter, false},
    {"plot", Kind::Plot, false},
    {"for", Kind::For, true},
    {"in", std::nullopt, true},
    {"on", std::nullopt, true},
    {"to", std::nullopt, true},
    {"and", std::nullopt, true},
    {"or", std::nullopt, true},
    {"not", std::nullopt, true},
    {"true", std::nullopt, true},
    {"false", std::nullopt, true},
}};

// What continues an identifier (PEGTL's identifier_other): ASCII letters, digits and '_'.
bool continues_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

}  // namespace

std::span<const Keyword> keywords() {
    return kKeywords;
}

const Keyword* find_keyword(std::string_view word) {
    for (const Keyword& k : kKeywords)
        if (k.word == word)
            return &k;
    return nullptr;
}

const Keyword* keyword_at(std::string_view text) {
    for (const Keyword& k : kKeywords)
        if (text.starts_with(k.word)
            && (text.size() == k.word.size() || !continues_word(text[k.word.size()])))
            return &k;
    return nullptr;
}

std::string_view statement_keyword(ast::Statement::Kind kind) {
    for (const Keyword& k : kKeywords)
        if (k.statement == kind)
            return k.word;
    return "?";
}

}  // namespace rnn::grammar
