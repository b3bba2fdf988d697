// Asking for a result by name: a task's or network's definition, a node's metrics, a
// trained network's tensor. The values are read back from what the engine wrote into the
// session's run directory (metrics.toml, the node's .npy files and history).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "interpreter/diagnostics.hpp"
#include "interpreter/engine/cache.hpp"
#include "interpreter/graph/lower.hpp"
#include "interpreter/paths.hpp"
#include "interpreter/repl/definitions.hpp"
#include "interpreter/repl/display.hpp"
#include "interpreter/repl/input.hpp"
#include "interpreter/repl/session.hpp"
#include "interpreter/task_reference.hpp"
#include "interpreter/training.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/toml_input.hpp"

namespace rnn::interp {

namespace fs = std::filesystem;
using repl::number_text;
using repl::params_lines;
using repl::result_table;
using repl::tensor_summary;

namespace {

// The history's header and last row as `  last epoch: NAME VALUE ...`; nullopt when the
// history cannot be read or has no row.
std::optional<std::string> last_epoch(const fs::path& history) {
    std::string why;
    const auto csv = rt::read_file(history, why);
    if (!csv)
        return std::nullopt;
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < csv->size()) {
        const auto nl = csv->find('\n', start);
        lines.push_back(csv->substr(start, nl - start));
        start = nl == std::string::npos ? csv->size() : nl + 1;
    }
    if (lines.size() < 2)
        return std::nullopt;
    std::vector<std::string> head, row;
    for (const auto* l : {&lines.front(), &lines.back()}) {
        std::vector<std::string>& cells = l == &lines.front() ? head : row;
        std::size_t b = 0;
        while (b <= l->size()) {
            const auto c = l->find(',', b);
            cells.push_back(l->substr(b, c - b));
            if (c == std::string::npos)
                break;
            b = c + 1;
        }
    }
    std::string out = "  last epoch:";
    for (std::size_t k = 0; k < head.size() && k < row.size(); ++k)
        out += fmt::format(" {} {}", head[k],
                           head[k] == "epoch" ? row[k] : number_text(std::atof(row[k].c_str())));
    return out + "\n";
}

// A task's or network's definition: its entry, parameters and (a network's) tensors.
std::string definition_text(const Program& p, const std::string& name) {
    if (const auto t = p.tasks.find(name); t != p.tasks.end())
        return fmt::format("task {} = {}\n", t->first, task_kind_word(*t->second.entry))
               + params_lines(t->second.params)
               + fmt::format("  (:help {}: its periods, inputs, signals and metrics)\n", name);
    const auto n = p.networks.find(name);
    std::string out = fmt::format("network {} = {}\n", n->first, n->second.entry->name)
                      + params_lines(n->second.params) + "  tensors:\n";
    for (const auto& spec : n->second.entry->tensors) {
        const auto own = n->second.tensors.find(spec.name);
        out += fmt::format("    {} ({}){}\n", spec.name, spec.shape,
                           own != n->second.tensors.end() && !own->second.init_text.empty()
                               ? ", init " + own->second.init_text
                               : "");
    }
    return out;
}

}  // namespace

void Session::query(const std::string& text) {
    const auto q = repl::parse_query(text);
    if (!program_) {
        error(fmt::format("no definition named '{}' (nothing defined yet)\n", q->name));
        return;
    }
    const Program& p = *program_;
    using K = ast::Statement::Kind;
    const auto found = repl::kind_of(p, q->name);
    if (!found) {
        const std::string s = suggestion(q->name, repl::defined_names(p));
        error(fmt::format("no definition named '{}'{}\n", q->name, s.empty() ? "" : "; " + s));
        return;
    }
    const K kind = *found;
    if (kind == K::Task || kind == K::Network) {
        say(definition_text(p, q->name));
        return;
    }
    if (kind == K::Train && !q->members.empty() && show_checkpointed(q->name, q->members, text))
        return;
    if (!run_for(repl::definition_label(kind, q->name)))
        return;
    const fs::path dir = opt_.out_dir / node_directory(q->name);
    if (q->members.empty())
        show_results(kind, q->name, dir);
    else if (kind == K::Train || kind == K::Alter)
        show_tensor(q->name, q->members, text, dir);
    else
        show_output(q->name, q->members, text, dir);
}

void Session::show_output(const std::string& name, const std::vector<std::string>& members,
                          const std::string& text, const fs::path& dir) {
    // Scalar names may hold dots (a table's `test.accuracy_mean.mean`): the rest of the
    // request is one name.
    std::string output;
    for (const auto& m : members)
        output += (output.empty() ? "" : ".") + m;
    const auto metrics = read_metrics();
    if (!metrics)
        return;
    const toml::table* table = (*metrics)[name].as_table();
    if (table != nullptr)
        if (const auto v = (*table)[output].value<double>()) {
            say(fmt::format("{} = {}\n", text, number_text(*v)));
            return;
        }
    std::error_code ec;
    const fs::path npy = dir / (output + ".npy");
    if (output.find('/') != std::string::npos || !fs::is_regular_file(npy, ec)) {
        std::vector<std::string> outputs = repl::array_names(dir);
        if (table != nullptr)
            for (const auto& [k, v] : *table)
                if (v.is_number())
                    outputs.emplace_back(k.str());
        std::sort(outputs.begin(), outputs.end());
        const std::string s = suggestion(output, outputs);
        error(fmt::format("'{}' has no result '{}'{}\n", name, output, s.empty() ? "" : "; " + s));
        return;
    }
    try {
        say(tensor_summary(text, rt::load_npy(npy)));
    } catch (const std::exception& e) {
        error(fmt::format("cannot read {}: {}\n", text, e.what()));
    }
}

std::optional<toml::table> Session::read_metrics() {
    const fs::path path = opt_.out_dir / "metrics.toml";
    std::string why;
    const auto text = rt::read_file(path, why);
    auto metrics = text ? rt::parse_toml(*text, path.string(), why) : std::nullopt;
    if (!metrics)
        error(fmt::format("cannot read the results: {}\n", why));
    return metrics;
}

void Session::show_tensor(const std::string& name, const std::vector<std::string>& members,
                          const std::string& text, const fs::path& dir) {
    std::string file = members[0];
    if (members.size() == 2 && members[1] == "raw")
        file += ".raw";
    else if (members.size() > 1) {
        error(fmt::format("'{}': a tensor has only '.raw' after it\n", text));
        return;
    }
    std::error_code ec;
    if (!fs::exists(dir / (file + ".npy"), ec)) {
        if (members.size() == 2 && fs::exists(dir / (members[0] + ".npy"), ec))
            file = members[0];  // unconstrained: the raw value is the effective one
        else {
            const std::vector<std::string> tensors = repl::array_names(dir);
            const std::string s = suggestion(members[0], tensors);
            error(fmt::format("'{}' has no tensor '{}'{}\n", name, members[0],
                              s.empty() ? "" : "; " + s));
            return;
        }
    }
    try {
        say(tensor_summary(text, rt::load_npy(dir / (file + ".npy"))));
    } catch (const std::exception& e) {
        error(fmt::format("cannot read {}: {}\n", text, e.what()));
    }
}

void Session::show_results(ast::Statement::Kind kind, const std::string& name,
                           const fs::path& dir) {
    const auto metrics = read_metrics();
    if (!metrics)
        return;
    if (const auto* t = (*metrics)[name].as_table())
        say(repl::definition_label(kind, name) + "\n" + result_table(*t));
    if (kind == ast::Statement::Kind::Train)
        if (const auto line = last_epoch(dir / "history.csv"))
            say(*line);
    // An analysis's arrays and an evaluation's signals, each asked for as NAME.ARRAY.
    if (kind == ast::Statement::Kind::Analyze || kind == ast::Statement::Kind::Evaluate)
        show_shapes(kind, name);
}

bool Session::show_checkpointed(const std::string& name, const std::vector<std::string>& members,
                                const std::string& text) {
    std::uint64_t key = 0;
    for (const auto& n : lower(*program_).nodes)
        if (n.kind == NodeKind::Train && n.name == name)
            key = n.key;
    try {
        // Through the run directory's cache, which never follows a link planted in it.
        std::error_code ec;
        if (!fs::is_directory(opt_.out_dir, ec))
            return false;
        Cache cache;
        cache.open(rt::Directory::open(opt_.out_dir), false);
        if (!cache.is_open()
            || cache.folder().kind(rt::hex64(key) + "/entry.toml") != rt::Directory::Kind::Missing
            || !cache.has_checkpoint(key))
            return false;
        const rt::Checkpoint c = cache.load_checkpoint(key);
        const TrainDef& def = program_->trains.at(name);
        const auto task = make_task(*program_, program_->tasks.at(def.task));
        rt::Network<float> net =
            build_network(program_->networks.at(def.network), task->input_size(), program_->seed);
        for (auto& p : net.params)
            p.raw = c.get_array<float>("param." + p.name);
        const auto* p = net.find(members[0]);
        if (p == nullptr || members.size() > 2 || (members.size() == 2 && members[1] != "raw"))
            return false;  // the run says what is wrong
        say(
            fmt::format("({} was stopped by Ctrl-C after epoch {} of {}: its network then; "
                        "asking for {} goes on)\n",
                        name, c.get_int("epochs_done"), def.epochs, name));
        const arma::fmat value = members.size() == 2 ? p->raw : rt::effective_value(*p);
        say(tensor_summary(text, arma::conv_to<arma::mat>::from(value)));
        return true;
    } catch (const std::exception& e) {
        error(fmt::format("cannot read the checkpoint of {}: {}\n", name, e.what()));
        return true;
    }
}

}  // namespace rnn::interp
