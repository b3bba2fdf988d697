#include "interpreter/cli/available_memory.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace rnn::cli {

namespace {

// The first number in a file (memory.max holds "max" where there is no limit).
std::optional<double> number_in(const std::string& path) {
    std::ifstream in(path);
    double v = 0;
    if (in >> v && v >= 0)
        return v;
    return std::nullopt;
}

// The value of `key` in a "key value" file (memory.stat); 0 when absent.
double stat_value(const std::string& path, const std::string& key) {
    std::ifstream in(path);
    std::string name;
    double v = 0;
    while (in >> name >> v)
        if (name == key)
            return v;
    return 0;
}

// What a cgroup directory still allows: its limit less its use, where it has a limit. The
// use counts the page cache, of which the inactive part is given back on demand.
std::optional<double> room_in(const std::string& dir, bool v2) {
    const auto max = number_in(dir + (v2 ? "/memory.max" : "/memory.limit_in_bytes"));
    const auto used = number_in(dir + (v2 ? "/memory.current" : "/memory.usage_in_bytes"));
    if (!max || !used)
        return std::nullopt;
    const double cache =
        stat_value(dir + "/memory.stat", v2 ? "inactive_file" : "total_inactive_file");
    return std::max(0.0, *max - std::max(0.0, *used - cache));
}

// What this process's memory cgroup still allows (v2: memory.max; v1: limit_in_bytes). In
// a container the cgroup is often mounted as the hierarchy's root, so that is tried too.
std::optional<double> cgroup_room() {
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        const bool v2 = line.starts_with("0::");
        const std::size_t memory = line.find(":memory:");
        if (!v2 && memory == std::string::npos)
            continue;
        const std::string root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
        const std::string path = v2 ? line.substr(3) : line.substr(memory + 8);
        if (const auto room = room_in(root + path, v2))
            return room;
        if (const auto room = room_in(root, v2))
            return room;
    }
    return std::nullopt;
}

}  // namespace

std::optional<double> available_memory() {
    std::optional<double> room;
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("MemAvailable:")) {
            std::istringstream fields(line.substr(13));
            double kib = 0;
            if (fields >> kib)
                room = kib * 1024.0;
        }
    if (const auto cgroup = cgroup_room())
        room = room ? std::min(*room, *cgroup) : *cgroup;
    return room;
}

std::optional<interp::MemoryLimit> memory_limit(const std::string& max_memory, double max_bytes) {
    if (!max_memory.empty())
        return interp::MemoryLimit{max_bytes, "allowed by --max-memory " + max_memory, true, true};
    if (const auto room = available_memory())
        return interp::MemoryLimit{*room, "available now", false, true};
    return std::nullopt;
}

}  // namespace rnn::cli
