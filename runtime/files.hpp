// Files the runtime writes: .npy arrays (numpy's format, readable with numpy.load) and
// atomic writes (temporary file + rename), so a crash never leaves a half-written file
// that a later run would trust. And files read: regular files only, within a size limit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <armadillo>

namespace rnn::rt {

// Writes bytes to path through a temporary file in the same folder and a rename
// (Directory::write: the temporary file goes on failure). Throws std::runtime_error with
// the path and the system's reason on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The bytes of an .npy file holding a matrix (2-D, Fortran order, float32 or float64).
template <typename T> std::string npy_bytes(const arma::Mat<T>& m);

// The bytes of an .npy file of float32 numbers in C order (numpy's default: the last index
// varies fastest) of the given shape; `data` holds the product of its sizes, or is null for
// zeros that the caller fills in place (the last product * 4 bytes), so that a large array
// is not held twice.
std::string npy_bytes_c_order(const float* data, const std::vector<std::size_t>& shape);

template <typename T> void save_npy(const std::filesystem::path& path, const arma::Mat<T>& m) {
    write_file_atomically(path, npy_bytes(m));
}

// The most bytes rnnlab reads of each kind of file a user hands it (docs/language.md,
// docs/guide.md). Checked from the file's size before anything is read, so a huge file
// costs nothing; they bound the memory a shared script can make `rnn check` use.
inline constexpr std::uint64_t kMaxScriptBytes = std::uint64_t{16} << 20;  // a script, an include
inline constexpr std::uint64_t kMaxScriptTotalBytes = std::uint64_t{64} << 20;  // with its includes
inline constexpr std::uint64_t kMaxConfigBytes = std::uint64_t{4} << 20;        // --config FILE
inline constexpr std::uint64_t kMaxArrayBytes = std::uint64_t{1} << 30;         // load("x.npy")
inline constexpr std::uint64_t kMaxDataFileBytes = std::uint64_t{256} << 20;    // file = "x.txt"
// No limit: for files rnnlab wrote itself.
inline constexpr std::uint64_t kAnySize = std::numeric_limits<std::uint64_t>::max();

// The bytes of a regular file of at most `max_bytes`, or nothing with the reason in `why`
// ("no such file", "it is a directory", "it is a named pipe (FIFO), not a regular file",
// "it is 2.0 GiB (2147483648 bytes), over the limit of 16 MiB", ...). The file's type and
// size are checked before a byte is read, on the opened file: a FIFO never blocks the
// read (it is opened without waiting for a writer), and a device such as /dev/zero is
// refused instead of read without end. Symbolic links are followed.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& why,
                                     std::uint64_t max_bytes = kAnySize);

// A size as people read it: "512 bytes", "3.2 KiB", "16 MiB", "1.5 GiB".
std::string describe_size(std::uint64_t bytes);

// Parses the bytes of a 1-D or 2-D little-endian float32/float64 .npy file (either order)
// as a matrix; a 1-D array becomes a column. `name` is used in messages. Throws
// std::runtime_error saying what is wrong.
arma::Mat<double> parse_npy(std::string_view bytes, const std::string& name);

// The header of an .npy file of 1 to 8 dimensions holding little-endian numbers: float32,
// float64, signed or unsigned integers, bool. The data's size is checked against the shape
// (at most 2^40 elements) before anything is allocated. Throws std::runtime_error saying
// what is wrong.
struct NpyHeader {
    std::vector<std::size_t> shape;
    char kind = 0;         // 'f' float, 'i' signed, 'u' unsigned integer, 'b' bool
    std::size_t elem = 0;  // bytes per element
    bool fortran = false;
    std::size_t data = 0;  // offset of the first element
    std::size_t count() const;
};

NpyHeader parse_npy_header(std::string_view bytes, const std::string& name);

// The elements of an .npy file as float32 in C order (the last index varies fastest),
// whatever the file's order and element type (a value beyond float32's range becomes
// infinite; integers beyond 2^24 lose their last digits).
std::vector<float> npy_values(std::string_view bytes, const NpyHeader& header);

// Parses an .npy file whose element type is T's (float32 for float, float64 for double)
// and copies the stored bits unchanged: no detour through double, which would quiet a
// signalling NaN. Checkpoints read arrays this way. Throws std::runtime_error otherwise.
template <typename T> arma::Mat<T> parse_npy_exact(std::string_view bytes, const std::string& name);

// read_file (within `max_bytes`), then parse_npy.
arma::Mat<double> load_npy(const std::filesystem::path& path, std::uint64_t max_bytes = kAnySize);

}  // namespace rnn::rt
