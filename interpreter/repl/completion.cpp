// Tab completion: the candidates that complete the word before the cursor.
#include <set>

#include "grammar/keywords.hpp"
#include "interpreter/repl/commands.hpp"
#include "interpreter/repl/definitions.hpp"
#include "interpreter/repl/input.hpp"
#include "interpreter/repl/session.hpp"
#include "stdlib/registry.hpp"

namespace rnn::interp {

std::vector<std::string> Session::completions(const std::string& line) const {
    std::size_t b = line.size();
    while (b > 0 && (repl::ident_char(line[b - 1]) || line[b - 1] == '.' || line[b - 1] == ':'))
        --b;
    const std::string word = line.substr(b);
    std::set<std::string> pool;
    if (!word.empty() && word[0] == ':') {
        pool.insert(repl::command_names().begin(), repl::command_names().end());
    } else if (const auto dot = word.rfind('.'); dot != std::string::npos) {
        // NAME.: the tensors of a trained network, the matrices of a task, the outputs of
        // an analysis.
        const std::string name = word.substr(0, dot);
        if (program_) {
            std::string network;
            if (const auto t = program_->trains.find(name); t != program_->trains.end())
                network = t->second.network;
            else if (const auto a = program_->alters.find(name); a != program_->alters.end())
                if (const auto t2 = program_->trains.find(a->second.train);
                    t2 != program_->trains.end())
                    network = t2->second.network;
            if (const auto n = program_->networks.find(network); n != program_->networks.end())
                for (const auto& spec : n->second.entry->tensors)
                    pool.insert(name + "." + spec.name);
            if (const auto t = program_->tasks.find(name); t != program_->tasks.end())
                for (const auto& m : t->second.entry->matrices)
                    pool.insert(name + "." + m.name);
            // An analysis's outputs (table's QUANTITY.mean are named by its columns).
            if (const auto a = program_->analyses.find(name); a != program_->analyses.end())
                for (const auto& o : a->second.entry->outputs)
                    if (o.name.find("QUANTITY") == std::string::npos)
                        pool.insert(name + "." + o.name);
        }
    } else {
        for (const auto& k : grammar::keywords())
            pool.insert(std::string(k.word));
        if (program_)
            for (const auto& n : repl::defined_names(*program_))
                pool.insert(n);
        for (const auto& n : stdlib::completion_words())
            pool.insert(n);
    }
    std::vector<std::string> out;
    for (const auto& w : pool)
        if (w.size() >= word.size() && w.compare(0, word.size(), word) == 0)
            out.push_back(line.substr(0, b) + w);
    return out;
}

}  // namespace rnn::interp
