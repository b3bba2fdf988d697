// Whether the nodes of a run go on: shared by the scheduler (engine/execute.cpp) and the
// trainings running on their threads (engine/node_runners.cpp).
#pragma once

#include <atomic>
#include <csignal>
#include <mutex>
#include <string>
#include <vector>

#include "interpreter/engine/run_options.hpp"

namespace rnn::interp {

class RunControl {
public:
    explicit RunControl(const Scheduling& scheduling) : scheduling_(scheduling) {}

    bool interrupt_requested() const {
        return scheduling_.interrupt != nullptr && scheduling_.interrupt->load();
    }

    // Interrupted, or a node failed: running trainings checkpoint and stop (after a
    // failure elsewhere they can go on with --resume once it is fixed).
    bool stop_requested() const { return interrupt_requested() || failed_.load(); }

    void node_failed() { failed_.store(true); }

    // After epoch `done` of a training. The test hook (Scheduling::interrupt_after_epoch)
    // stands for one Ctrl-C: raised once per run, since a second SIGINT ends the process at
    // once (cli.cpp) and trainings running side by side can reach the epoch together.
    void after_epoch(long done) {
        const long after = scheduling_.interrupt_after_epoch;
        if (after > 0 && done == after && !interrupt_raised_.exchange(true))
            std::raise(SIGINT);
    }

    // A training stopped by the interruption and checkpointed: its line, for the message.
    void checkpointed(std::string line) {
        const std::lock_guard lock(mutex_);
        checkpointed_.push_back(std::move(line));
    }

    bool any_checkpointed() const {
        const std::lock_guard lock(mutex_);
        return !checkpointed_.empty();
    }

    std::vector<std::string> checkpointed_lines() const {
        const std::lock_guard lock(mutex_);
        return checkpointed_;
    }

private:
    const Scheduling& scheduling_;
    std::atomic<bool> failed_{false};
    std::atomic<bool> interrupt_raised_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> checkpointed_;
};

}  // namespace rnn::interp
