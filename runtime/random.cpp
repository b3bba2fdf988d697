#include "runtime/random.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "runtime/hash.hpp"

namespace rnn::rt {

std::uint64_t stream_key(std::uint64_t script_seed, std::string_view entity_path,
                         std::uint64_t sweep_index) {
    return hash_combine(hash_combine(script_seed, hash64(entity_path)), sweep_index);
}

namespace {
constexpr std::uint32_t kPhiloxM0 = 0xD2511F53U;
constexpr std::uint32_t kPhiloxM1 = 0xCD9E8D57U;
constexpr std::uint32_t kPhiloxW0 = 0x9E3779B9U;
constexpr std::uint32_t kPhiloxW1 = 0xBB67AE85U;

void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
    const std::uint64_t product = static_cast<std::uint64_t>(a) * b;
    hi = static_cast<std::uint32_t>(product >> 32);
    lo = static_cast<std::uint32_t>(product);
}

std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> ctr,
                                           std::array<std::uint32_t, 2> key) {
    for (int round = 0; round < 10; ++round) {
        std::uint32_t hi0, lo0, hi1, lo1;
        mulhilo(kPhiloxM0, ctr[0], hi0, lo0);
        mulhilo(kPhiloxM1, ctr[2], hi1, lo1);
        ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
        key[0] += kPhiloxW0;
        key[1] += kPhiloxW1;
    }
    return ctr;
}
}  // namespace

void RandomStream::refill() {
    const std::array<std::uint32_t, 4> ctr = {static_cast<std::uint32_t>(counter_),
                                              static_cast<std::uint32_t>(counter_ >> 32), 0U, 0U};
    const std::array<std::uint32_t, 2> key = {static_cast<std::uint32_t>(key_),
                                              static_cast<std::uint32_t>(key_ >> 32)};
    block_ = philox4x32_10(ctr, key);
    ++counter_;
    buffered_ = 4;
}

std::uint32_t RandomStream::next_u32() {
    if (buffered_ == 0)
        refill();
    return block_[4 - buffered_--];
}

float RandomStream::uniform_float() {
    return static_cast<float>(next_u32() >> 8) * (1.0F / 16777216.0F);
}

double RandomStream::uniform_double() {
    const std::uint64_t hi = next_u32() >> 5;  // 27 bits
    const std::uint64_t lo = next_u32() >> 6;  // 26 bits
    return static_cast<double>((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

std::int64_t RandomStream::uniform_int(std::int64_t low, std::int64_t high) {
    const std::uint64_t range = static_cast<std::uint64_t>(high - low) + 1;
    if (range == 0)
        return low;  // the whole 64-bit range cannot occur with our callers
    // Rejection sampling on 64 random bits removes modulo bias.
    const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % range);
    while (true) {
        const std::uint64_t r = (static_cast<std::uint64_t>(next_u32()) << 32) | next_u32();
        if (r < limit)
            return low + static_cast<std::int64_t>(r % range);
    }
}

void RandomStream::restore(const RandomState& s) {
    if (s.buffered > 4)
        throw std::invalid_argument("RandomStream::restore: more than 4 buffered words");
    key_ = s.key;
    counter_ = s.counter;
    block_ = s.block;
    buffered_ = s.buffered;
    has_spare_normal_ = s.has_spare_normal;
    spare_normal_ = s.spare_normal;
}

double RandomStream::normal() {
    if (has_spare_normal_) {
        has_spare_normal_ = false;
        return spare_normal_;
    }
    const double u1 = 1.0 - uniform_double();  // (0, 1]: log(u1) is finite
    const double u2 = uniform_double();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * std::numbers::pi * u2;
    spare_normal_ = radius * std::sin(angle);
    has_spare_normal_ = true;
    return radius * std::cos(angle);
}

}  // namespace rnn::rt
