// What a run tells the person running it goes through this interface: the engine prints
// nothing itself. The rnn program's reporter (cli/progress_reporter.hpp) writes lines to
// stderr and, on a terminal, one live line per running training.
#pragma once

#include <string>

namespace rnn::interp {

class Reporter {
public:
    virtual ~Reporter() = default;

    // A permanent line: a node done, a note, the state of a remote job.
    virtual void say(const std::string& line) = 0;

    // Training `train` finished epoch `epoch` (counted from 0) of `total`, with its loss, the
    // seconds left at its pace so far, and its metrics as "  name value" text.
    virtual void epoch(const std::string& train, long epoch, long total, double loss,
                       double eta_seconds, const std::string& metrics) = 0;

    // Training `train` returned (finished, stopped or checkpointed): its live line goes.
    virtual void done(const std::string& train) = 0;

    // What a dry run would do (a job script, a command): the command's result, for stdout.
    virtual void plan(const std::string& text) = 0;
};

// Says nothing: the reporter of a run that was given none.
class SilentReporter final : public Reporter {
public:
    void say(const std::string&) override {}

    void epoch(const std::string&, long, long, double, double, const std::string&) override {}

    void done(const std::string&) override {}

    void plan(const std::string&) override {}
};

}  // namespace rnn::interp
