// Files the runtime writes: .npy arrays (numpy's format, readable with numpy.load) and
// atomic writes (temporary file + rename), so a crash never leaves a half-written file
// that a later run would trust.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <armadillo>

namespace rnn::rt {

// Writes bytes to path through a temporary file in the same folder and a rename
// (Directory::write: the temporary file goes on failure). Throws std::runtime_error with
// the path and the system's reason on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// The bytes of an .npy file holding a matrix (2-D, Fortran order, float32 or float64).
template <typename T> std::string npy_bytes(const arma::Mat<T>& m);

template <typename T> void save_npy(const std::filesystem::path& path, const arma::Mat<T>& m) {
    write_file_atomically(path, npy_bytes(m));
}

// The bytes of a file, or nothing with the reason in `why` ("no such file", "it is a
// directory", "it cannot be read"). Scripts, included files and arrays are read this way.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& why);

// Parses the bytes of a 1-D or 2-D little-endian float32/float64 .npy file (either order)
// as a matrix; a 1-D array becomes a column. `name` is used in messages. Throws
// std::runtime_error saying what is wrong.
arma::Mat<double> parse_npy(std::string_view bytes, const std::string& name);

// Parses an .npy file whose element type is T's (float32 for float, float64 for double)
// and copies the stored bits unchanged: no detour through double, which would quiet a
// signalling NaN. Checkpoints read arrays this way. Throws std::runtime_error otherwise.
template <typename T> arma::Mat<T> parse_npy_exact(std::string_view bytes, const std::string& name);

// read_file, then parse_npy.
arma::Mat<double> load_npy(const std::filesystem::path& path);

}  // namespace rnn::rt
