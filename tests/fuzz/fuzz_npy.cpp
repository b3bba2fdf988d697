// libFuzzer target over the .npy reader (parse_npy, parse_npy_exact as checkpoints read
// arrays, and parse_npy_header with npy_values as an arrays task reads its files): any
// bytes either give a matrix whose elements the bytes hold, or a std::runtime_error saying
// what is wrong. Any other exception escapes and is reported; so is a matrix larger than
// the input, which would mean the header's shape was trusted over the bytes present.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "runtime/files.hpp"

namespace {

template <typename M> void fits(const M& m, std::size_t bytes, std::size_t element) {
    if (m.n_elem * element > bytes)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        // A float32 file becomes doubles: 8 bytes per element held in 4.
        fits(rnn::rt::parse_npy(bytes, "fuzz.npy"), 2 * size, 8);
    } catch (const std::runtime_error&) {
    }
    try {
        fits(rnn::rt::parse_npy_exact<float>(bytes, "fuzz.npy"), size, 4);
    } catch (const std::runtime_error&) {
    }
    try {
        fits(rnn::rt::parse_npy_exact<double>(bytes, "fuzz.npy"), size, 8);
    } catch (const std::runtime_error&) {
    }
    try {
        // Any dimension and element type; float32 values, one per element of at least 1 byte.
        const rnn::rt::NpyHeader h = rnn::rt::parse_npy_header(bytes, "fuzz.npy");
        if (h.count() * h.elem > size || rnn::rt::npy_values(bytes, h).size() != h.count())
            std::abort();
    } catch (const std::runtime_error&) {
    }
    return 0;
}
