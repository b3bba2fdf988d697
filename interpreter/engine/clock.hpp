// Time as the engine and its reporters measure it: seconds on a steady clock.
#pragma once

#include <chrono>

namespace rnn::interp {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace rnn::interp
