// The .rnn grammar (PEGTL 3.2.7) and the conversion of its parse tree into the AST.
//
// Conventions: rules are one-line structs in lower_case; every token consumes the blank
// space and comments after it (`skip`), never before. `if_must` marks each point past which
// the input can only be wrong; each rule that can fail there has an entry in the error
// table, so users read "expected ..." messages and never rule names. The parse tree is
// used only inside this file and converted at once into ast::Module.
#include "grammar/parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <vector>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "grammar/keywords.hpp"
#include "grammar/lexical.hpp"
#include "grammar/node_arena.hpp"
#include "grammar/parse_tree_control.hpp"
#include "grammar/syntax_errors.hpp"

namespace rnn::grammar {

namespace pegtl = tao::pegtl;

namespace rules {
using namespace tao::pegtl;

// clang-format off
// --- blank space and comments --------------------------------------------------------
struct comment : seq< one< '#' >, until< eolf > > {};
struct skip : star< sor< space, comment > > {};
template< typename R > struct tok : seq< R, skip > {};

// --- punctuation -----------------------------------------------------------------------
struct assign : tok< seq< one< '=' >, not_at< one< '=' > > > > {};
struct colon : tok< one< ':' > > {};
struct comma : tok< one< ',' > > {};
struct lparen : tok< one< '(' > > {};
struct rparen : tok< one< ')' > > {};
struct lbrace : tok< one< '{' > > {};
struct rbrace : tok< one< '}' > > {};
struct lbracket : tok< one< '[' > > {};
struct rbracket : tok< one< ']' > > {};
struct dot : tok< seq< one< '.' >, not_at< one< '.' > > > > {};
struct dotdot : tok< string< '.', '.' > > {};

// --- keywords and names ----------------------------------------------------------------
template< typename S > struct word : seq< S, not_at< identifier_other > > {};
struct kw_seed : tok< word< TAO_PEGTL_STRING( "seed" ) > > {};
struct kw_output : tok< word< TAO_PEGTL_STRING( "output" ) > > {};
struct kw_include : tok< word< TAO_PEGTL_STRING( "include" ) > > {};
struct kw_task : tok< word< TAO_PEGTL_STRING( "task" ) > > {};
struct kw_network : tok< word< TAO_PEGTL_STRING( "network" ) > > {};
struct kw_train : tok< word< TAO_PEGTL_STRING( "train" ) > > {};
struct kw_evaluate : tok< word< TAO_PEGTL_STRING( "evaluate" ) > > {};
struct kw_analyze : tok< word< TAO_PEGTL_STRING( "analyze" ) > > {};
struct kw_plot : tok< word< TAO_PEGTL_STRING( "plot" ) > > {};
struct kw_alter : tok< word< TAO_PEGTL_STRING( "alter" ) > > {};
struct kw_for : tok< word< TAO_PEGTL_STRING( "for" ) > > {};
struct kw_in : tok< word< TAO_PEGTL_STRING( "in" ) > > {};
struct kw_on : tok< word< TAO_PEGTL_STRING( "on" ) > > {};
struct kw_to : tok< word< TAO_PEGTL_STRING( "to" ) > > {};
struct kw_and : tok< word< TAO_PEGTL_STRING( "and" ) > > {};
struct kw_or : tok< word< TAO_PEGTL_STRING( "or" ) > > {};
struct kw_not : tok< word< TAO_PEGTL_STRING( "not" ) > > {};
struct kw_true : tok< word< TAO_PEGTL_STRING( "true" ) > > {};
struct kw_false : tok< word< TAO_PEGTL_STRING( "false" ) > > {};
// A word of the keyword table (grammar/keywords.hpp); `InExpressions`: only those reserved
// inside expressions too. Read from the table, so a new keyword is reserved where it is
// listed; used only inside not_at<>.
template< bool InExpressions > struct reserved {
  using rule_t = reserved;
  using subs_t = empty_list;
  template< typename ParseInput > static bool match( ParseInput& in ) {
    const Keyword* k = keyword_at( std::string_view( in.current(), in.size( 0 ) ) );
    if( k == nullptr || ( InExpressions && !k->in_expressions ) ) return false;
    in.bump_in_this_line( k->word.size() );
    return true;
  }
};
struct keyword : reserved< false > {};
struct identifier_text : identifier {};
struct name : seq< not_at< keyword >, identifier_text, skip > {};
struct any_name : seq< identifier_text, skip > {};  // where a keyword cannot be meant
// Inside expressions only the words that can continue or end an expression are reserved;
// statement keywords may name values there (a task signal called `output`).
struct expr_keyword : reserved< true > {};
struct value_name : seq< not_at< expr_keyword >, identifier_text, skip > {};

// --- literals --------------------------------------------------------------------------
struct exponent : seq< one< 'e', 'E' >, opt< one< '+', '-' > >, plus< digit > > {};
struct number_text : seq< plus< digit >, opt< one< '.' >, plus< digit > >, opt< exponent > > {};
struct unit_text : sor< word< TAO_PEGTL_STRING( "steps" ) >, word< TAO_PEGTL_STRING( "ms" ) >,
                        word< TAO_PEGTL_STRING( "s" ) >, word< TAO_PEGTL_STRING( "trials" ) >,
                        word< TAO_PEGTL_STRING( "epochs" ) > > {};
struct field_op : sor< seq< one< '=' >, not_at< one< '=' > > >, one< ':' > > {};
// A unit word is not a unit when it names the next field (`x = 5 \n s = 3`).
struct unit : seq< unit_text, not_at< skip, field_op >, skip > {};
struct number : seq< number_text, skip, opt< at< one< 's', 'm', 't', 'e' > >, unit > > {};
struct escape : seq< one< '\\' >, one< '"', '\\', 'n', 't' > > {};
struct string_char : sor< escape, seq< not_one< '"', '\\', '\n', '\r' > > > {};
struct string_close : one< '"' > {};
struct string_body : seq< star< string_char >, string_close > {};
struct string_lit : seq< one< '"' >, must< string_body >, skip > {};

// --- expressions, loosest binding last -------------------------------------------------
struct expr;
struct named_arg_name : seq< any_name, colon > {};  // keywords too: `f(x, to: 30 steps)`
// `at<...>` guards below try a stored rule only where its first token is present: every
// attempt of a stored rule allocates a parse-tree node, and failed attempts were most of
// the parse time. A guard must use rules that are not stored (a stored rule matched
// inside `at` would still add its node to the tree).
struct argument : sor< seq< at< identifier, skip, one< ':' > >, named_arg_name, must< expr > >, expr > {};
struct call_args : if_must< lparen, opt< argument, star< comma, argument > >, opt< comma >, rparen > {};
struct field;
struct block : if_must< lbrace, star< not_at< rbrace >, must< field >, opt< comma > >, rbrace > {};
struct callee : seq< value_name, opt< sor< call_args, block > > > {};
struct list_lit : if_must< lbracket, opt< expr, star< comma, expr > >, opt< comma >, rbracket > {};
struct paren : if_must< lparen, expr, rparen > {};
struct primary : sor< seq< at< digit >, number >, seq< at< one< '"' > >, string_lit >, kw_true, kw_false,
                      seq< at< one< '[' > >, list_lit >, seq< at< one< '(' > >, paren >,
                      seq< at< one< '{' > >, block >, callee > {};
struct member : if_must< dot, any_name > {};
struct index : if_must< lbracket, expr, star< comma, expr >, rbracket > {};
// Chains of operators are bounded while parsing (not only when the tree is built): a
// megabyte of `+ 1` then fails at once instead of first growing a huge parse tree.
// `chain< Op, Rule >` is up to 255 repetitions of Rule, each where Op is next, then Op may
// not follow. Op is an unstored rule (an operator without its blank space), so that
// looking for it adds no parse-tree node.
inline constexpr unsigned kMaxChain = 255;
template< typename Op > struct chain_end : not_at< Op > {};
template< typename Op, typename Rule > struct chain : seq< rep_opt< kMaxChain, seq< at< Op >, Rule > >, must< chain_end< Op > > > {};
struct suffix_start : sor< dot, lbracket > {};
struct postfix : seq< primary, chain< suffix_start, sor< member, index > > > {};
struct pm_op : tok< string< '+', '-' > > {};
// An operator at the end of a line must not take the next field's name as its operand
// (`a = 1 +` then `b = 2` is a missing operand, not `1 + b`).
struct field_start;
struct not_a_field : not_at< field_start > {};
struct jitter : seq< postfix, opt< at< string< '+', '-' > >, if_must< pm_op, not_a_field, postfix > > > {};
struct minus : tok< one< '-' > > {};
// Prefix runs are repetitions, not recursion, so `- - - ... x` cannot exhaust the stack.
struct negated : jitter {};
struct negation : seq< seq< minus, rep_opt< kMaxChain - 1, minus > >, must< chain_end< one< '-' > >, negated > > {};
struct unary : sor< seq< at< one< '-' > >, negation >, jitter > {};
struct mul_sym : one< '*', '/' > {};
struct mul_op : tok< mul_sym > {};
struct multiplicative : seq< unary, chain< mul_sym, if_must< mul_op, not_a_field, unary > > > {};
struct add_sym : sor< seq< one< '+' >, not_at< one< '-' > > >, one< '-' > > {};
struct add_op : tok< add_sym > {};
struct additive : seq< multiplicative, chain< add_sym, if_must< add_op, not_a_field, multiplicative > > > {};
struct range_expr : seq< additive, opt< if_must< dotdot, additive > > > {};
struct cmp_op : tok< sor< string< '<', '=' >, string< '>', '=' >, string< '=', '=' >,
                          string< '!', '=' >, one< '<' >, one< '>' > > > {};
struct comparison : seq< range_expr, opt< at< one< '<', '>', '=', '!' > >, if_must< cmp_op, range_expr > > > {};
struct negated_condition : comparison {};
struct not_expr : seq< seq< kw_not, rep_opt< kMaxChain - 1, kw_not > >, must< chain_end< word< TAO_PEGTL_STRING( "not" ) > >, negated_condition > > {};
struct logic_not : sor< seq< at< word< TAO_PEGTL_STRING( "not" ) > >, not_expr >, comparison > {};
struct logic_and : seq< logic_not, chain< word< TAO_PEGTL_STRING( "and" ) >, if_must< kw_and, logic_not > > > {};
struct logic_or : seq< logic_and, chain< word< TAO_PEGTL_STRING( "or" ) >, if_must< kw_or, logic_and > > > {};
struct sustained : seq< logic_or, opt< seq< kw_for, number > > > {};
struct expr : sustained {};

// --- blocks and fields -----------------------------------------------------------------
// Inside blocks a keyword may name a field or a modifier (`seed = 3`, `W : seed 1`): the
// position makes it unambiguous. A keyword not followed by '=' or ':' is not a field, so a
// statement after an unclosed block still reads as one.
struct field_name : sor< seq< any_name, at< field_op > >, name > {};
struct field_start : seq< field_name, field_op > {};
struct modifier_arg : expr {};
struct modifier : seq< any_name, opt< not_at< field_start >, modifier_arg > > {};
struct modifier_list : list< modifier, comma > {};
struct param_tail : if_must< colon, modifier_list > {};
struct assign_tail : if_must< assign, expr > {};
struct field_tail : sor< seq< at< one< '=' > >, assign_tail >, param_tail > {};
struct field : seq< field_name, must< field_tail > > {};

// --- statements ------------------------------------------------------------------------
struct def_index : if_must< lbracket, expr, star< comma, expr >, rbracket > {};
struct def_name : seq< name, opt< def_index > > {};
struct ref : seq< name, star< sor< member, index > > > {};
struct body : block {};
struct seed_stmt : if_must< kw_seed, number > {};
struct output_stmt : if_must< kw_output, string_lit > {};
struct include_stmt : if_must< kw_include, string_lit > {};
struct task_stmt : if_must< kw_task, def_name, assign, ref, opt< body > > {};
struct network_stmt : if_must< kw_network, def_name, assign, ref, opt< body > > {};
struct train_stmt : if_must< kw_train, def_name, assign, ref, kw_on, ref, opt< body > > {};
struct evaluate_stmt : if_must< kw_evaluate, def_name, assign, ref, kw_on, ref, opt< body > > {};
struct alter_stmt : if_must< kw_alter, def_name, assign, ref, opt< body > > {};
struct analyze_stmt : if_must< kw_analyze, def_name, assign, expr > {};
struct plot_stmt : if_must< kw_plot, expr, kw_to, string_lit > {};
struct iter_atom : sor< number, ref > {};
struct iter_range : seq< iter_atom, opt< if_must< dotdot, iter_atom > > > {};
struct iterable : sor< list_lit, iter_range > {};
struct loop_var : if_must< name, kw_in, iterable > {};
struct statement;
struct for_body : if_must< lbrace, star< not_at< rbrace >, must< statement > >, rbrace > {};
struct for_stmt : if_must< kw_for, loop_var, star< comma, loop_var >, for_body > {};
template< typename Keyword, typename Statement > struct after : seq< at< Keyword >, Statement > {};
struct statement : sor< after< kw_seed, seed_stmt >, after< kw_output, output_stmt >,
                        after< kw_include, include_stmt >, after< kw_task, task_stmt >,
                        after< kw_network, network_stmt >, after< kw_train, train_stmt >,
                        after< kw_evaluate, evaluate_stmt >, after< kw_analyze, analyze_stmt >,
                        after< kw_plot, plot_stmt >, after< kw_alter, alter_stmt >,
                        after< kw_for, for_stmt > > {};
struct file : seq< skip, star< not_at< eof >, must< statement > >, eof > {};

// --- what users read when the parser commits and fails ---------------------------------
// Each entry: what users read, and its diagnostic code (interpreter/diagnostic_codes.hpp).
struct Expected { const char* message; const char* code; };
template< typename > inline constexpr Expected expected{ nullptr, nullptr };
template<> inline constexpr Expected expected< statement >{ "expected a statement: task, network, train, evaluate, analyze, alter, plot, for, seed, output or include", "E0010" };
template<> inline constexpr Expected expected< number >{ "expected a number", "E0011" };
template<> inline constexpr Expected expected< string_lit >{ "expected a string in double quotes", "E0012" };
template<> inline constexpr Expected expected< string_body >{ "expected the closing '\"' of the string on the same line", "E0013" };
template<> inline constexpr Expected expected< def_name >{ "expected a name for the definition", "E0014" };
template<> inline constexpr Expected expected< assign >{ "expected '='", "E0015" };
template<> inline constexpr Expected expected< ref >{ "expected a name", "E0016" };
template<> inline constexpr Expected expected< kw_on >{ "expected 'on' and the task", "E0017" };
template<> inline constexpr Expected expected< kw_to >{ "expected 'to' and the output file name", "E0018" };
template<> inline constexpr Expected expected< kw_in >{ "expected 'in' and a range or list to sweep over", "E0019" };
template<> inline constexpr Expected expected< iterable >{ "expected a range such as 1..20 or a list such as [1, 2, 3]", "E0020" };
template<> inline constexpr Expected expected< iter_atom >{ "expected a number or a name", "E0021" };
template<> inline constexpr Expected expected< loop_var >{ "expected a loop variable name", "E0022" };
template<> inline constexpr Expected expected< for_body >{ "expected '{' to open the body of the sweep", "E0023" };
template<> inline constexpr Expected expected< expr >{ "expected a value or an expression", "E0024" };
template<> inline constexpr Expected expected< unary >{ "expected a value after the operator", "E0025" };
template< typename Op > inline constexpr Expected expected< chain_end< Op > >{ "expression too long: more than 255 operators in a row", "E0004" };
template<> inline constexpr Expected expected< not_a_field >{ "expected a value after the operator", "E0025" };
template<> inline constexpr Expected expected< negated >{ "expected a value after '-'", "E0025" };
template<> inline constexpr Expected expected< negated_condition >{ "expected a condition after 'not'", "E0027" };
template<> inline constexpr Expected expected< multiplicative >{ "expected a value after the operator", "E0025" };
template<> inline constexpr Expected expected< range_expr >{ "expected a value after the operator", "E0025" };
template<> inline constexpr Expected expected< additive >{ "expected a value after '..'", "E0026" };
template<> inline constexpr Expected expected< logic_not >{ "expected a condition", "E0027" };
template<> inline constexpr Expected expected< logic_and >{ "expected a condition after 'or'", "E0028" };
template<> inline constexpr Expected expected< postfix >{ "expected a value after '+-'", "E0029" };
template<> inline constexpr Expected expected< name >{ "expected a name", "E0016" };
template<> inline constexpr Expected expected< any_name >{ "expected a name", "E0016" };
template<> inline constexpr Expected expected< rparen >{ "expected ')'", "E0030" };
template<> inline constexpr Expected expected< rbracket >{ "expected ']'", "E0031" };
template<> inline constexpr Expected expected< rbrace >{ "expected '}' to close the block", "E0032" };
template<> inline constexpr Expected expected< field >{ "expected a field: 'name = value' or 'name : modifiers'", "E0033" };
template<> inline constexpr Expected expected< field_tail >{ "expected '=' or ':' after the field name", "E0034" };
template<> inline constexpr Expected expected< modifier_list >{ "expected a modifier such as fixed, symmetric or init normal(0.1)", "E0035" };
template<> inline constexpr Expected expected< eof >{ "expected a statement", "E0010" };

// clang-format on

// A commit point failed: its entry's message (the exception's) and its code.
struct committed : parse_error {
    template <typename ParseInput>
    committed(const Expected& e, const ParseInput& in) : parse_error(e.message, in), code(e.code) {}

    const char* code;
};

// Only must<> raises (a rule with an entry may still fail locally inside sor/opt): it
// throws the rule's entry, or PEGTL's own error where a commit point has none.
template <typename Rule> struct control : normal<Rule> {
    template <typename ParseInput, typename... States>
    [[noreturn]] static void raise(const ParseInput& in, States&&... st) {
        if constexpr (expected<Rule>.message != nullptr)
            throw committed(expected<Rule>, in);
        else
            normal<Rule>::raise(in, st...);
    }
};

// Replaces a node that has a single child by that child, keeping positions otherwise
// (PEGTL's fold_one also drops the content of the nodes it keeps; spans need it).
struct fold_single : parse_tree::apply<fold_single> {
    template <typename Node, typename... States>
    static void transform(std::unique_ptr<Node>& n, States&&... /*unused*/) {
        if (n->children.size() == 1)
            n = std::move(n->children.front());
    }
};

// The parse-tree nodes kept for the conversion below.
template <typename Rule>
using selector = parse_tree::selector<
    Rule,
    parse_tree::store_content::on<identifier_text, number_text, unit_text, string_body, kw_true,
                                  kw_false, pm_op, mul_op, add_op, cmp_op, kw_and, kw_or, kw_not,
                                  minus, named_arg_name>,
    parse_tree::store_content::on<number, string_lit, argument, call_args, block, list_lit, member,
                                  index, negation, not_expr, modifier, field, param_tail,
                                  assign_tail, def_index, def_name, body, seed_stmt, output_stmt,
                                  include_stmt, task_stmt, network_stmt, alter_stmt, train_stmt,
                                  evaluate_stmt, analyze_stmt, plot_stmt, loop_var, for_stmt>,
    // Precedence levels with a single child are replaced by that child: most expressions
    // are one primary, and a node per level (a dozen per value) was most of the parse time.
    fold_single::on<postfix, jitter, negated, multiplicative, additive, range_expr, comparison,
                    negated_condition, logic_and, logic_or, expr, modifier_arg, ref, iter_range,
                    paren, callee>>;

}  // namespace rules

namespace {

// Under AddressSanitizer nodes use the global allocator, so the sanitizer (and the fuzz
// target) still sees every use after free.
#if defined(__SANITIZE_ADDRESS__)
#define RNN_NODE_ARENA 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RNN_NODE_ARENA 0
#endif
#endif
#ifndef RNN_NODE_ARENA
#define RNN_NODE_ARENA 1
#endif

#if RNN_NODE_ARENA
struct Node : pegtl::parse_tree::basic_node<Node> {
    static void* operator new(std::size_t size) {
        NodeArena* arena = NodeArena::current();
        return arena != nullptr && size == sizeof(Node) ? arena->allocate(size)
                                                        : ::operator new(size);
    }

    static void operator delete(void* p, std::size_t size) noexcept {
        NodeArena* arena = NodeArena::current();
        if (arena != nullptr && size == sizeof(Node))
            arena->release(p);
        else
            ::operator delete(p);
    }
};
#else
struct Node : pegtl::parse_tree::basic_node<Node> {};
#endif

class Converter {
public:
    Converter(std::uint32_t file_id, std::string_view source,
              const std::vector<ast::Comment>& comments)
        : file_(file_id), source_(source), comments_(comments) {}

    // Tokens consume the blank space and comments after them; a span ends at the last
    // character that belongs to the construct itself.
    ast::Span span(const Node& n) const {
        const auto b = n.begin();
        return {file_, static_cast<std::uint32_t>(b.line), static_cast<std::uint32_t>(b.column),
                static_cast<std::uint32_t>(b.byte), trim_end(b.byte, n.end().byte)};
    }

    // The end of [begin, end) without trailing blank space and comments. The comments come
    // from the lexical scan (sorted, outside strings), so this costs a binary search, not
    // a walk over the line.
    std::uint32_t trim_end(std::size_t begin, std::size_t end) const {
        while (true) {
            while (end > begin && std::isspace(static_cast<unsigned char>(source_[end - 1])))
                --end;
            const auto after =
                std::partition_point(comments_.begin(), comments_.end(),
                                     [&](const ast::Comment& c) { return c.span.begin < end; });
            if (after == comments_.begin())
                return static_cast<std::uint32_t>(end);
            const ast::Span& last = std::prev(after)->span;
            if (last.begin < begin || last.end < end)
                return static_cast<std::uint32_t>(end);
            end = last.begin;
        }
    }

    static std::string text(const Node& n) { return std::string(n.string_view()); }

    // The identifier of a `name` (its only stored child).
    static std::string identifier(const Node& n) {
        if (n.is_type<rules::identifier_text>())
            return text(n);
        for (const auto& c : n.children)
            if (c->is_type<rules::identifier_text>())
                return text(*c);
        return {};
    }

    // Every child goes through here, so the depth of each tree is known as it is built and
    // bounded: the checker, the formatter and the destructors recurse over it.
    static void adopt(ast::Expr& parent, ast::ExprPtr child) {
        parent.depth = std::max(parent.depth, child->depth + 1);
        if (parent.depth > ast::kMaxExprDepth)
            throw ParseFailure(SyntaxError{child->span,
                                           "expression nested too deeply (more than "
                                               + std::to_string(ast::kMaxExprDepth)
                                               + " levels of operators and brackets)",
                                           false, "E0004"});
        parent.items.push_back(std::move(child));
    }

    ast::ExprPtr make(ast::Expr::Kind kind, const Node& n) {
        auto e = std::make_unique<ast::Expr>();
        e->kind = kind;
        e->span = span(n);
        return e;
    }

    ast::ExprPtr binary_chain(const Node& n, std::size_t first = 0) {
        // children: operand (op operand)*
        ast::ExprPtr left = expr(*n.children[first]);
        for (std::size_t i = first + 1; i + 1 < n.children.size(); i += 2) {
            auto e = make(ast::Expr::Kind::Binary, n);
            e->text = op_text(*n.children[i]);
            e->span.begin = left->span.begin;
            e->span.line = left->span.line;
            e->span.column = left->span.column;
            e->span.end = trim_end(e->span.begin, n.children[i + 1]->end().byte);
            adopt(*e, std::move(left));
            adopt(*e, expr(*n.children[i + 1]));
            left = std::move(e);
        }
        return left;
    }

    static std::string op_text(const Node& n) {
        std::string s = text(n);
        while (!s.empty()
               && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'
                   || s.back() == '#'))
            s.pop_back();
        // Trailing comments were consumed too; keep only the operator itself.
        const auto cut = s.find_first_of(" \t\r\n#");
        return cut == std::string::npos ? s : s.substr(0, cut);
    }

    ast::ExprPtr expr(const Node& n) {
        using K = ast::Expr::Kind;
        if (n.is_type<rules::number>()) {
            auto e = make(K::Number, n);
            for (const auto& c : n.children) {
                if (c->is_type<rules::number_text>())
                    e->number = std::strtod(text(*c).c_str(), nullptr);
                if (c->is_type<rules::unit_text>())
                    e->unit = text(*c);
            }
            return e;
        }
        if (n.is_type<rules::string_lit>()) {
            auto e = make(K::String, n);
            e->text = unescape(*n.children.at(0));
            return e;
        }
        if (n.is_type<rules::kw_true>() || n.is_type<rules::kw_false>()) {
            auto e = make(K::Bool, n);
            e->boolean = n.is_type<rules::kw_true>();
            return e;
        }
        if (n.is_type<rules::list_lit>()) {
            auto e = make(K::List, n);
            for (const auto& c : n.children)
                adopt(*e, expr(*c));
            return e;
        }
        if (n.is_type<rules::paren>())
            return expr(*n.children.at(0));
        if (n.is_type<rules::block>()) {
            // A bare block `{ ... }`: a block call without a name (a paradigm's periods).
            auto e = make(K::BlockCall, n);
            e->fields = fields(n);
            return e;
        }
        if (n.is_type<rules::callee>() || n.is_type<rules::ref>() || n.is_type<rules::postfix>()
            || n.is_type<rules::iter_range>())
            return postfix(n);
        if (n.is_type<rules::identifier_text>()) {
            auto e = make(K::Name, n);
            e->text = text(n);
            return e;
        }
        // `negated` and `negated_condition` derive from jitter and comparison: PEGTL records
        // the derived type, with the base rule's children.
        if (n.is_type<rules::jitter>() || n.is_type<rules::negated>()) {
            if (n.children.size() == 1)
                return expr(*n.children[0]);
            auto e = make(K::Jitter, n);
            adopt(*e, expr(*n.children[0]));
            adopt(*e, expr(*n.children.back()));
            return e;
        }
        if (n.is_type<rules::negation>() || n.is_type<rules::not_expr>()) {
            // children: the operator tokens, then the operand; the innermost operator is last.
            const char* op = n.is_type<rules::negation>() ? "-" : "not";
            ast::ExprPtr operand = expr(*n.children.back());
            for (std::size_t i = n.children.size() - 1; i-- > 0;) {
                auto e = make(K::Unary, n);
                e->span.begin = static_cast<std::uint32_t>(n.children[i]->begin().byte);
                e->span.line = static_cast<std::uint32_t>(n.children[i]->begin().line);
                e->span.column = static_cast<std::uint32_t>(n.children[i]->begin().column);
                e->text = op;
                adopt(*e, std::move(operand));
                operand = std::move(e);
            }
            return operand;
        }

        if (n.is_type<rules::multiplicative>() || n.is_type<rules::additive>()
            || n.is_type<rules::comparison>() || n.is_type<rules::negated_condition>()
            || n.is_type<rules::logic_and>() || n.is_type<rules::logic_or>())
            return binary_chain(n);
        if (n.is_type<rules::range_expr>()) {
            if (n.children.size() == 1)
                return expr(*n.children[0]);
            auto e = make(K::Range, n);
            adopt(*e, expr(*n.children[0]));
            adopt(*e, expr(*n.children.back()));
            return e;
        }
        // `expr` and `modifier_arg` derive from `sustained`: PEGTL records the derived type.
        if (n.is_type<rules::expr>() || n.is_type<rules::modifier_arg>()) {
            if (n.children.size() == 1)
                return expr(*n.children[0]);
            auto e = make(K::Sustained, n);
            adopt(*e, expr(*n.children[0]));
            adopt(*e, expr(*n.children.back()));
            return e;
        }
        if (n.children.size() == 1)
            return expr(*n.children[0]);
        throw std::logic_error("parser: unexpected node " + std::string(n.type));
    }

    // name, then calls/blocks, then .member and [index] suffixes.
    ast::ExprPtr postfix(const Node& n) {
        using K = ast::Expr::Kind;
        if (n.is_type<rules::iter_range>()) {
            if (n.children.size() == 1)
                return expr(*n.children[0]);
            auto e = make(K::Range, n);
            adopt(*e, expr(*n.children[0]));
            adopt(*e, expr(*n.children.back()));
            return e;
        }
        ast::ExprPtr base;
        std::size_t i = 0;
        if (n.is_type<rules::callee>()) {
            return callee(n);
        }
        // postfix: primary (callee/number/...) then suffixes; ref: name then suffixes.
        const Node& first = *n.children.at(0);
        base = first.is_type<rules::callee>() ? callee(first) : expr(first);
        for (i = 1; i < n.children.size(); ++i) {
            const Node& s = *n.children[i];
            if (s.is_type<rules::member>()) {
                auto e = make(K::Member, n);
                e->span.end = trim_end(e->span.begin, s.end().byte);
                e->text = identifier(*s.children.at(0));
                adopt(*e, std::move(base));
                base = std::move(e);
            } else if (s.is_type<rules::index>()) {
                auto e = make(K::Index, n);
                e->span.end = trim_end(e->span.begin, s.end().byte);
                adopt(*e, std::move(base));
                for (const auto& c : s.children)
                    adopt(*e, expr(*c));
                base = std::move(e);
            }
        }
        return base;
    }

    ast::ExprPtr callee(const Node& n) {
        using K = ast::Expr::Kind;
        const std::string id = identifier(*n.children.at(0));
        if (n.children.size() == 1) {
            auto e = make(K::Name, n);
            e->text = id;
            return e;
        }
        const Node& tail = *n.children[1];
        if (tail.is_type<rules::call_args>()) {
            auto e = make(K::Call, n);
            e->text = id;
            for (const auto& a : tail.children) {
                const Node& arg = *a;  // argument
                if (arg.children.size() == 2 && arg.children[0]->is_type<rules::named_arg_name>()) {
                    e->arg_names.push_back(identifier(*arg.children[0]));
                    adopt(*e, expr(*arg.children[1]));
                } else {
                    e->arg_names.emplace_back();
                    adopt(*e, expr(*arg.children.at(0)));
                }
            }
            return e;
        }
        auto e = make(K::BlockCall, n);
        e->text = id;
        e->fields = fields(tail);
        return e;
    }

    std::vector<ast::Field> fields(const Node& block) {
        std::vector<ast::Field> out;
        for (const auto& f : block.children)
            out.push_back(field(*f));
        return out;
    }

    ast::Field field(const Node& n) {
        ast::Field f;
        f.span = span(n);
        f.name = identifier(*n.children.at(0));
        f.name_span = span(*n.children.at(0));
        const Node& tail = *n.children.at(1);
        if (tail.is_type<rules::assign_tail>()) {
            f.kind = ast::Field::Kind::Assign;
            f.value = expr(*tail.children.at(0));
        } else {
            f.kind = ast::Field::Kind::Param;
            for (const auto& m : tail.children) {
                ast::Modifier mod;
                mod.span = span(*m);
                mod.name = identifier(*m->children.at(0));
                if (m->children.size() > 1)
                    mod.argument = expr(*m->children[1]);
                f.modifiers.push_back(std::move(mod));
            }
        }
        return f;
    }

    static std::string unescape(const Node& body) {
        std::string raw = text(body);
        if (!raw.empty() && raw.back() == '"')
            raw.pop_back();
        std::string out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size()) {
                const char c = raw[++i];
                out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
            } else {
                out.push_back(raw[i]);
            }
        }
        return out;
    }

    ast::Statement statement(const Node& n) {
        using K = ast::Statement::Kind;
        ast::Statement s;
        s.span = span(n);
        s.keyword_span = s.span;
        auto def = [&](const Node& d) {
            s.name = identifier(*d.children.at(0));
            s.name_span = span(*d.children.at(0));
            if (d.children.size() > 1)
                for (const auto& c : d.children[1]->children)
                    s.name_index.push_back(expr(*c));
        };
        auto set_body = [&](const Node& b) {
            s.has_body = true;
            s.body = fields(b);
        };
        if (n.is_type<rules::seed_stmt>()) {
            s.kind = K::Seed;
            s.head = expr(*n.children.at(0));
        } else if (n.is_type<rules::output_stmt>() || n.is_type<rules::include_stmt>()) {
            s.kind = n.is_type<rules::output_stmt>() ? K::Output : K::Include;
            s.head = expr(*n.children.at(0));
        } else if (n.is_type<rules::task_stmt>() || n.is_type<rules::network_stmt>()
                   || n.is_type<rules::alter_stmt>()) {
            s.kind = n.is_type<rules::task_stmt>()      ? K::Task
                     : n.is_type<rules::network_stmt>() ? K::Network
                                                        : K::Alter;
            def(*n.children.at(0));
            s.head = expr(*n.children.at(1));
            if (n.children.size() > 2)
                set_body(*n.children[2]);
        } else if (n.is_type<rules::train_stmt>() || n.is_type<rules::evaluate_stmt>()) {
            s.kind = n.is_type<rules::train_stmt>() ? K::Train : K::Evaluate;
            def(*n.children.at(0));
            s.head = expr(*n.children.at(1));
            s.target = expr(*n.children.at(2));
            if (n.children.size() > 3)
                set_body(*n.children[3]);
        } else if (n.is_type<rules::analyze_stmt>()) {
            s.kind = K::Analyze;
            def(*n.children.at(0));
            s.head = expr(*n.children.at(1));
        } else if (n.is_type<rules::plot_stmt>()) {
            s.kind = K::Plot;
            s.head = expr(*n.children.at(0));
            const Node& file = *n.children.at(1);
            s.file = unescape(*file.children.at(0));
            s.file_span = span(file);
        } else if (n.is_type<rules::for_stmt>()) {
            s.kind = K::For;
            for (const auto& c : n.children) {
                if (c->is_type<rules::loop_var>()) {
                    s.loops.emplace_back(identifier(*c->children.at(0)), expr(*c->children.at(1)));
                    s.loop_spans.push_back(span(*c->children.at(0)));
                } else {
                    s.children.push_back(statement(*c));
                }
            }
        } else {
            throw std::logic_error("parser: unexpected statement node " + std::string(n.type));
        }
        return s;
    }

private:
    std::uint32_t file_;
    std::string_view source_;
    const std::vector<ast::Comment>& comments_;
};

// What users read for a failed parse: the error table's message and code at the failing
// position (syntax_errors.cpp makes it more precise where the source shows what went wrong).
SyntaxError syntax_error(const pegtl::parse_error& e, std::string_view source,
                         std::uint32_t file_id) {
    const auto& p = e.positions().front();
    SyntaxError err;
    err.where = {file_id, static_cast<std::uint32_t>(p.line), static_cast<std::uint32_t>(p.column),
                 static_cast<std::uint32_t>(p.byte), static_cast<std::uint32_t>(p.byte + 1)};
    err.message = std::string(e.message());
    // Every commit point should have its own entry; if one was missed, say so plainly
    // rather than print a rule name.
    if (err.message.rfind("parse error matching", 0) == 0)
        err.message = "unexpected input here";
    const auto* entry = dynamic_cast<const rules::committed*>(&e);
    err.code = entry != nullptr ? entry->code : "E0010";
    refine_syntax_error(err, source, p.byte);
    return err;
}

}  // namespace

ast::Module parse(std::string_view original, std::uint32_t file_id, const std::string& file_name) {
    check_encoding(original, file_id);
    // A byte-order mark (some editors write one) is read as blank space; replacing it keeps
    // every byte offset the same.
    std::string without_bom;
    std::string_view source = original;
    if (source.substr(0, 3) == "\xEF\xBB\xBF") {
        without_bom = std::string(original);
        without_bom.replace(0, 3, "   ");
        source = without_bom;
    }
    check_nesting(source, file_id);
    pegtl::memory_input in(source.data(), source.size(), file_name);
    const NodeArena arena;  // declared before the tree: the tree is freed first
    try {
        auto root = tree::parse<rules::file, Node, rules::selector, rules::control>(in);
        if (!root)
            throw ParseFailure(
                SyntaxError{{file_id, 1, 1, 0, 0}, "expected a statement", false, "E0010"});
        ast::Module module;
        module.comments = collect_comments(source, file_id);
        Converter conv(file_id, source, module.comments);
        for (const auto& c : root->children)
            module.statements.push_back(conv.statement(*c));
        return module;
    } catch (const pegtl::parse_error& e) {
        throw ParseFailure(syntax_error(e, source, file_id));
    }
}

}  // namespace rnn::grammar
