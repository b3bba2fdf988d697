// The parse tree of grammar/parser.cpp, built as PEGTL 3.2.7's parse_tree::parse builds it
// but without a node per attempt of an unstored rule.
//
// PEGTL gives every attempt of an unstored rule that may contain stored ones (each seq,
// sor, opt, must, ...) a temporary node that collects the nodes stored inside it, moves
// them to its parent on success and drops them on failure: two thirds of the nodes of a
// parse (200 per one-line definition) and most of its time. Here such a rule only notes
// how many children the nearest stored ancestor has when it starts; on success its nodes
// already sit in that ancestor, on failure they are cut back to the mark. The tree is the
// same node for node; stored rules are handled exactly as PEGTL's make_control handles them.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

namespace rnn::grammar::tree {

namespace pegtl = tao::pegtl;

template <typename Node> struct State {
    std::vector<std::unique_ptr<Node>> stack;  // the stored rules being matched, root first
    std::vector<std::size_t> marks;            // per unstored rule being matched

    State() { stack.push_back(std::make_unique<Node>()); }

    void mark() { marks.push_back(stack.back()->children.size()); }

    // The rule failed: what it stored goes.
    void cut() {
        auto& children = stack.back()->children;
        children.erase(children.begin() + static_cast<std::ptrdiff_t>(marks.back()),
                       children.end());
        marks.pop_back();
    }
};

template <typename Node, template <typename...> class Selector,
          template <typename...> class Control>
struct make_control {
    template <typename Rule, bool Stored, bool Leaf> struct handler;

    template <typename Rule>
    using type = pegtl::rotate_states_right<
        handler<Rule, pegtl::parse_tree::internal::is_selected_node<Rule, Selector>,
                pegtl::parse_tree::internal::is_leaf<8, typename Rule::subs_t, Selector>>>;
};

// An unstored rule with nothing stored inside: nothing to do.
template <typename Node, template <typename...> class Selector,
          template <typename...> class Control>
template <typename Rule>
struct make_control<Node, Selector, Control>::handler<Rule, false, true>
    : pegtl::remove_first_state<Control<Rule>> {};

// An unstored rule that may store nodes inside it: a mark.
template <typename Node, template <typename...> class Selector,
          template <typename...> class Control>
template <typename Rule>
struct make_control<Node, Selector, Control>::handler<Rule, false, false>
    : pegtl::remove_first_state<Control<Rule>> {
    static constexpr bool enable = true;

    template <typename ParseInput, typename... States>
    static void start(const ParseInput& /*unused*/, State<Node>& state, States&&... /*unused*/) {
        state.mark();
    }

    template <typename ParseInput, typename... States>
    static void success(const ParseInput& /*unused*/, State<Node>& state, States&&... /*unused*/) {
        state.marks.pop_back();
    }

    template <typename ParseInput, typename... States>
    static void failure(const ParseInput& /*unused*/, State<Node>& state, States&&... /*unused*/) {
        state.cut();
    }

    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& /*unused*/, State<Node>& state, States&&... /*unused*/) {
        state.cut();
    }
};

// A stored rule: a node of its own, as in PEGTL.
template <typename Node, template <typename...> class Selector,
          template <typename...> class Control>
template <typename Rule, bool Leaf>
struct make_control<Node, Selector, Control>::handler<Rule, true, Leaf>
    : pegtl::remove_first_state<Control<Rule>> {
    template <typename ParseInput, typename... States>
    static void start(const ParseInput& in, State<Node>& state, States&&... st) {
        Control<Rule>::start(in, st...);
        state.stack.push_back(std::make_unique<Node>());
        state.stack.back()->template start<Rule>(in, st...);
    }

    template <typename ParseInput, typename... States>
    static void success(const ParseInput& in, State<Node>& state, States&&... st) {
        auto n = std::move(state.stack.back());
        state.stack.pop_back();
        n->template success<Rule>(in, st...);
        pegtl::parse_tree::internal::transform<Selector<Rule>>(in, n, st...);
        if (n)
            state.stack.back()->emplace_back(std::move(n), st...);
        Control<Rule>::success(in, st...);
    }

    template <typename ParseInput, typename... States>
    static void failure(const ParseInput& in, State<Node>& state, States&&... st) {
        state.stack.back()->template failure<Rule>(in, st...);
        state.stack.pop_back();
        Control<Rule>::failure(in, st...);
    }

    template <typename ParseInput, typename... States>
    static void unwind(const ParseInput& in, State<Node>& state, States&&... st) {
        state.stack.pop_back();
        if constexpr (pegtl::internal::has_unwind<Control<Rule>, void, const ParseInput&,
                                                  States...>)
            Control<Rule>::unwind(in, st...);
    }
};

// The root of the tree of `Rule` over `in`, or nullptr when the input does not match.
template <typename Rule, typename Node, template <typename...> class Selector,
          template <typename...> class Control, typename ParseInput>
std::unique_ptr<Node> parse(ParseInput& in) {
    State<Node> state;
    if (!pegtl::parse<Rule, pegtl::nothing, make_control<Node, Selector, Control>::template type>(
            in, state))
        return nullptr;
    return std::move(state.stack.back());
}

}  // namespace rnn::grammar::tree
