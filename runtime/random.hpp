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

    // Checkpoints restore a stream by its key and counter.
    void set_position(std::uint64_t counter) {
        counter_ = counter;
        buffered_ = 0;
        has_spare_normal_ = false;
    }

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
