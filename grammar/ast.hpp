// The syntax tree of a .rnn file. Every node carries its source span; comments are kept
// beside the statements (the formatter needs them). The tree says only what was written:
// names are not resolved and values are not checked here (that is interpreter/check).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rnn::ast {

// A range of bytes in one source file; line and column (1-based, columns count bytes) are
// those of the first byte.
struct Span {
    std::uint32_t file = 0;
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::uint32_t begin = 0;  // byte offset of the first byte
    std::uint32_t end = 0;    // byte offset one past the last byte
};

// Expression trees deeper than this are a syntax error, so recursive passes over the tree
// (checking, formatting, destruction) cannot exhaust the stack.
inline constexpr std::uint32_t kMaxExprDepth = 256;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// `init normal(0.1)`, `symmetric`, `seed 1` in a parameter line `W : a, b arg, ...`.
struct Modifier {
    std::string name;
    ExprPtr argument;  // may be null
    Span span;
};

// `name = value` or `name : modifier, modifier`.
struct Field {
    enum class Kind { Assign, Param };
    Kind kind = Kind::Assign;
    std::string name;
    Span name_span;
    ExprPtr value;                    // Assign
    std::vector<Modifier> modifiers;  // Param
    Span span;
};

struct Expr {
    enum class Kind {
        Number,     // number (+ unit)
        String,     // text
        Bool,       // boolean
        Name,       // text
        Member,     // items[0] . text
        Index,      // items[0] [ items[1..] ]
        Call,       // text ( items; arg_names[i] is "" for positional )
        BlockCall,  // text { fields }; text is "" for a bare block { fields }
        Unary,      // text ("-" or "not") items[0]
        Binary,     // items[0] text items[1]; text is + - * / < <= > >= == != and or
        List,       // [ items ]
        Range,      // items[0] .. items[1]
        Jitter,     // items[0] +- items[1]
        Sustained,  // items[0] for items[1]   (a condition held for N epochs)
    };
    Kind kind = Kind::Number;
    Span span;
    double number = 0.0;
    std::string unit;  // Number: "", "steps", "ms", "s", "trials", "epochs"
    bool boolean = false;
    std::string text;
    std::vector<ExprPtr> items;
    std::vector<std::string> arg_names;
    std::vector<Field> fields;
    std::uint32_t depth = 1;  // levels in this subtree; set by the parser, <= kMaxExprDepth
};

struct Statement {
    enum class Kind {
        Seed,
        Output,
        Include,
        Task,
        Network,
        Train,
        Evaluate,
        Analyze,
        Plot,
        For,
        Alter,  // alter NAME = TRAIN { ... }: a trained network with its weights changed
    };
    Kind kind = Kind::Seed;
    Span span;
    Span keyword_span;
    // Definitions: the defined name and its index expressions (`fit[s]`).
    std::string name;
    Span name_span;
    std::vector<ExprPtr> name_index;
    ExprPtr head;    // task/network: the entry or base; train/evaluate: the network/train;
                     // alter: the training it changes;
                     // analyze/plot: the call; seed: the number; output/include: the string
    ExprPtr target;  // train/evaluate: what follows `on`
    bool has_body = false;
    std::vector<Field> body;
    std::string file;  // plot ... to "file"
    Span file_span;
    // for NAME in ITER, NAME in ITER { children }
    std::vector<std::pair<std::string, ExprPtr>> loops;
    std::vector<Span> loop_spans;  // the span of each loop variable's name
    std::vector<Statement> children;
};

struct Comment {
    Span span;
    std::string text;  // without the leading '#'
};

struct Module {
    std::vector<Statement> statements;
    std::vector<Comment> comments;
};

const char* statement_keyword(Statement::Kind kind);

// Whether two modules are the same program: equal trees, ignoring spans, comments and the
// parser's bookkeeping (`depth`). Numbers must be identical to the bit. The formatter's
// round trip, parse(format(x)) against parse(x), is judged with it.
bool same_tree(const Module& a, const Module& b);

}  // namespace rnn::ast
