// The classic cognitive tasks, built on the period-based trial builder (period_trials.hpp;
// docs/tasks.md). Each shares the builder's parameters (dt, durations, catch, noise, grace).
#pragma once

#include "stdlib/task.hpp"

namespace rnn::stdlib {

// Two noisy evidence channels of opposite strength; choose the stronger at the response.
const TaskEntry& perceptual_dm_entry();
// Two modalities (motion, colour), a context cue says which one to report.
const TaskEntry& context_dm_entry();
// Respond on a go stimulus, keep fixating on a no-go stimulus.
const TaskEntry& go_no_go_entry();
// Sample, delay, test: is the test the sample?
const TaskEntry& delay_match_sample_entry();
// Two vibrotactile-like frequencies separated by a delay: was f1 above f2?
const TaskEntry& parametric_wm_entry();
// Pulses on a few channels; each output holds the sign of its channel's last pulse.
const TaskEntry& flip_flop_entry();
// Ready and set flashes an interval apart; a ramp after set must reach 1 that interval later.
const TaskEntry& ready_set_go_entry();

}  // namespace rnn::stdlib
