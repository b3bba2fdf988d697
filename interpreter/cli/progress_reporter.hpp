// The rnn program's reporter (engine/reporter.hpp): progress and summaries as lines on
// stderr, the running trainings' progress on a terminal as one live line each (rewritten in
// place below the permanent lines), and a dry run's plan on stdout.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "interpreter/engine/clock.hpp"
#include "interpreter/engine/reporter.hpp"

namespace rnn::interp {

struct ProgressOptions {
    bool quiet = false;                 // no progress lines (a dry run's plan still prints)
    bool progress_on_terminal = false;  // live lines (stderr is a terminal)
    int terminal_columns = 80;          // live lines are cut to this width so that they never wrap
    std::function<void(const std::string&)> log;  // progress and summaries (stderr)
};

// On a terminal one live line per training, otherwise a plain line every 1/15 of a training.
class ProgressReporter final : public Reporter {
public:
    explicit ProgressReporter(ProgressOptions options) : opt_(std::move(options)) {}

    void say(const std::string& line) override;

    void epoch(const std::string& name, long epoch, long total, double loss, double eta,
               const std::string& metrics) override;

    void done(const std::string& name) override;

    void plan(const std::string& text) override;

private:
    void erase();
    void draw();

    ProgressOptions opt_;
    std::mutex mutex_;
    std::map<std::string, std::string> live_;
    std::map<std::string, Clock::time_point> last_line_;
    int drawn_ = 0;
    Clock::time_point last_draw_{};
};

}  // namespace rnn::interp
