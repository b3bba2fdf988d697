// The one list of the standard library's entries, in the order `rnn doc` lists them.
// Adding a task, network kind, analysis or figure is its source file and one line here:
// the declarations below and the registry's tables (registry.cpp) are made from this list,
// and each entry's source file includes it for its own declaration.
//
// X(NAME) stands for the entry function NAME_entry() of a task or an analysis,
// NAME_network_entry() of a network kind and NAME_figure_entry() of a figure; NAME is
// what scripts write, and the entry's `name` field spells it again.
#pragma once

#include "stdlib/analysis.hpp"
#include "stdlib/figure.hpp"
#include "stdlib/network.hpp"
#include "stdlib/task.hpp"

// tasks/: memory_recall.cpp, integration_memory.cpp, sequence_wm.cpp, char_tasks.cpp
// (key_recall .. corpus), decision_tasks.cpp (perceptual_dm .. go_no_go), memory_tasks.cpp
// (delay_match_sample .. flip_flop), timing_tasks.cpp (ready_set_go); the tasks a script
// declares: paradigm_entry.cpp (paradigm) and array_task_entry.cpp (arrays).
#define RNN_STDLIB_TASKS(X) \
    X(memory_recall)        \
    X(integration_memory)   \
    X(sequence_wm)          \
    X(key_recall)           \
    X(resequence)           \
    X(palindrome)           \
    X(corpus)               \
    X(perceptual_dm)        \
    X(context_dm)           \
    X(go_no_go)             \
    X(delay_match_sample)   \
    X(parametric_wm)        \
    X(flip_flop)            \
    X(ready_set_go)         \
    X(paradigm)             \
    X(arrays)

// network.cpp; the numbers of each kind are its row of runtime/cell_traits.hpp.
#define RNN_STDLIB_NETWORKS(X) \
    X(rnn)                     \
    X(gru)                     \
    X(lstm)                    \
    X(ctrnn)                   \
    X(plastic)

// analyses/: hopfield_similarity.cpp, weight_entries.cpp (weight_correlation),
// population_entries.cpp (pca, weight_participation, principal_angles, rdm),
// decoding_entries.cpp (decode, decode_over_time), fixed_points_entry.cpp, table_entry.cpp.
#define RNN_STDLIB_ANALYSES(X) \
    X(hopfield_similarity)     \
    X(weight_correlation)      \
    X(pca)                     \
    X(weight_participation)    \
    X(decode)                  \
    X(decode_over_time)        \
    X(principal_angles)        \
    X(rdm)                     \
    X(fixed_points)            \
    X(table)

// figures/: basic_figures.cpp (history, heatmap, trajectory, trial), state_space_figures.cpp
// (pca_trajectories, speed, fixed_points), decoding_figures.cpp (decoding, cross_temporal),
// geometry_figures.cpp (angles, spectrum, rdm), sweep_figures.cpp (scatter, curve),
// trial_variable_figures.cpp (by_variable).
#define RNN_STDLIB_FIGURES(X) \
    X(history)                \
    X(heatmap)                \
    X(trajectory)             \
    X(trial)                  \
    X(pca_trajectories)       \
    X(speed)                  \
    X(decoding)               \
    X(cross_temporal)         \
    X(angles)                 \
    X(spectrum)               \
    X(rdm)                    \
    X(fixed_points)           \
    X(scatter)                \
    X(curve)                  \
    X(by_variable)

namespace rnn::stdlib {

#define RNN_STDLIB_DECLARE_TASK(NAME) const TaskEntry& NAME##_entry();
#define RNN_STDLIB_DECLARE_NETWORK(NAME) const NetworkEntry& NAME##_network_entry();
#define RNN_STDLIB_DECLARE_ANALYSIS(NAME) const AnalysisEntry& NAME##_entry();
#define RNN_STDLIB_DECLARE_FIGURE(NAME) const FigureEntry& NAME##_figure_entry();
RNN_STDLIB_TASKS(RNN_STDLIB_DECLARE_TASK)
RNN_STDLIB_NETWORKS(RNN_STDLIB_DECLARE_NETWORK)
RNN_STDLIB_ANALYSES(RNN_STDLIB_DECLARE_ANALYSIS)
RNN_STDLIB_FIGURES(RNN_STDLIB_DECLARE_FIGURE)
#undef RNN_STDLIB_DECLARE_TASK
#undef RNN_STDLIB_DECLARE_NETWORK
#undef RNN_STDLIB_DECLARE_ANALYSIS
#undef RNN_STDLIB_DECLARE_FIGURE

}  // namespace rnn::stdlib
