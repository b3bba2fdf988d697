// Project-owned random numbers: Philox4x32-10 (Salmon et al., SC'11), a counter-based
// generator, with our own uniform and normal sampling. Armadillo's randn and the std::
// distributions are implementation-defined and never used: the same script and seed must
// give the same numbers on every machine and after every upgrade.
//
// A stream is named by (script seed, stable entity path, sweep index) — see stream_key().
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include <armadillo>

namespace rnn::rt {

// The key of a stream. Derived from what the entity *is*, never from content hashes, so
// changing a learning rate or adding a node does not change any other draw.
std::uint64_t stream_key(std::uint64_t script_seed, std::string_view entity_path,
                         std::uint64_t sweep_index = 0);

// Everything a stream's future draws depend on, for checkpoints: restoring it continues
// the stream exactly, including a half-used Philox block and Box-Muller's spare normal
// (a counter alone would skip the remaining words of the block and the spare).
struct RandomState {
    std::uint64_t key = 0;
    std::uint64_t counter = 0;  // blocks generated so far
    std::array<std::uint32_t, 4> block{};
    unsigned buffered = 0;  // unused words at the end of block (0-4)
    bool has_spare_normal = false;
    double spare_normal = 0.0;

    bool operator==(const RandomState&) const = default;
};

class RandomStream {
public:
    explicit RandomStream(std::uint64_t key) : key_(key) {}

    std::uint32_t next_u32();
    // Uniform in [0, 1) with 24 (float) or 53 (double) random bits.
    float uniform_float();
    double uniform_double();

    // Uniform in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform_double(); }

    // Uniform integer in [low, high] (both included), without modulo bias.
    std::int64_t uniform_int(std::int64_t low, std::int64_t high);
    // Standard normal by the Box-Muller transform in double.
    double normal();

    template <typename T> void fill_normal(arma::Mat<T>& m, double mean, double stddev) {
        for (auto& x : m)
            x = static_cast<T>(mean + stddev * normal());
    }

    template <typename T> void fill_uniform(arma::Mat<T>& m, double low, double high) {
        for (auto& x : m)
            x = static_cast<T>(uniform(low, high));
    }

    std::uint64_t counter() const { return counter_; }

    std::uint64_t key() const { return key_; }

    // Moves to the start of block `counter`, dropping buffered words and the spare normal.
    // To resume a stream exactly, use state() and restore().
    void set_position(std::uint64_t counter) {
        counter_ = counter;
        buffered_ = 0;
        has_spare_normal_ = false;
    }

    RandomState state() const {
        return {key_, counter_, block_, buffered_, has_spare_normal_, spare_normal_};
    }

    // Continues exactly where the stream that gave `s` was. Throws std::invalid_argument
    // if s.buffered > 4.
    void restore(const RandomState& s);

private:
    void refill();

    std::uint64_t key_;
    std::uint64_t counter_ = 0;
    std::array<std::uint32_t, 4> block_{};
    unsigned buffered_ = 0;
    bool has_spare_normal_ = false;
    double spare_normal_ = 0.0;
};

}  // namespace rnn::rt
