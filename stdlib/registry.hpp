// The stdlib's table of contents: every task, network kind, analysis and figure by name.
// The checker, `rnn doc` and the executor all look entries up here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/analysis.hpp"
#include "stdlib/figure.hpp"
#include "stdlib/network.hpp"
#include "stdlib/task.hpp"

namespace rnn::stdlib {

const std::vector<const TaskEntry*>& tasks();
const std::vector<const NetworkEntry*>& networks();
const std::vector<const AnalysisEntry*>& analyses();
const std::vector<const FigureEntry*>& figures();

const TaskEntry* find_task(std::string_view name);
const NetworkEntry* find_network(std::string_view name);
const AnalysisEntry* find_analysis(std::string_view name);
const FigureEntry* find_figure(std::string_view name);

// docs/stdlib.md, generated from the schemas.
std::string reference_markdown();

// A task's section of that reference. With `values` (a script's task: its parameters as
// checked), the parameter table shows them instead of the defaults.
std::string task_section(const TaskEntry& task, const Params* values = nullptr);

// One entry's section of that reference (`:help NAME` in the REPL), or nothing.
std::optional<std::string> entry_reference(std::string_view name);

// Every entry name and the names of their parameters, signals, periods and tensors, for
// completion in the REPL (may repeat).
std::vector<std::string> completion_words();

}  // namespace rnn::stdlib
