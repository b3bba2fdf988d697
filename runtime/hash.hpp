// Stable 64-bit hashing: the same bytes give the same hash on every machine and version.
// Used for random-stream derivation and for content keys; never for security.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rnn::rt {

// FNV-1a over the bytes, finished with a SplitMix64 avalanche so nearby inputs spread.
std::uint64_t hash64(std::string_view bytes, std::uint64_t seed = 0);

// Mixes two 64-bit values into one (order matters).
std::uint64_t hash_combine(std::uint64_t a, std::uint64_t b);

// 16 lowercase hex digits: how keys and hashes are written into TOML (whose integers are
// signed 64-bit).
std::string hex64(std::uint64_t value);

}  // namespace rnn::rt
