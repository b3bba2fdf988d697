// The registered `arrays` entry: a task whose trials are given as .npy arrays. Its own
// entry is made by the checker (interpreter/check/array_task.cpp); this one documents the
// fields and never makes trials.
#include <stdexcept>

#include "stdlib/entry_list.hpp"

namespace rnn::stdlib {

const TaskEntry& arrays_entry() {
    static const TaskEntry entry = [] {
        TaskEntry e;
        e.origin = TaskOrigin::Arrays;
        e.name = "arrays";
        e.doc = "A task whose trials are the user's own arrays (.npy files).";
        e.reference = "the arrays the script names";
        e.make = [](const Params&, rt::RandomStream&) -> std::unique_ptr<TaskInstance> {
            throw std::logic_error("an arrays task is made from its checked declaration");
        };
        return e;
    }();
    return entry;
}

}  // namespace rnn::stdlib
