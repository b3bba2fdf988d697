#include "runtime/hash.hpp"

#include <fmt/format.h>

namespace rnn::rt {

namespace {
std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
}  // namespace

std::uint64_t hash64(std::string_view bytes, std::uint64_t seed) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ splitmix64(seed);
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return splitmix64(h);
}

std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b) {
    return splitmix64(a ^ (splitmix64(b) + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

std::string hex64(std::uint64_t value) {
    return fmt::format("{:016x}", value);
}

}  // namespace rnn::rt
