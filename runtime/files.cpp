#include "runtime/files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>

#include "runtime/directory.hpp"

namespace rnn::rt {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    const std::string name = path.filename().string();
    if (name.empty() || name == "." || name == "..")
        throw std::runtime_error(fmt::format("cannot write '{}': it names no file", path.string()));
    Directory::open(path.parent_path()).write(name, bytes);
}

namespace {

// Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of
// 64 and ended by a newline, then the numbers.
std::string npy_file(std::string header, const void* data, std::size_t bytes) {
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    std::string out("\x93NUMPY\x01\x00", 8);
    out.push_back(static_cast<char>(header.size() & 0xff));
    out.push_back(static_cast<char>((header.size() >> 8) & 0xff));
    out += header;
    if (data != nullptr)
        out.append(static_cast<const char*>(data), bytes);
    else
        out.append(bytes, '\0');
    return out;
}

}  // namespace

template <typename T> std::string npy_bytes(const arma::Mat<T>& m) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    const char* descr = std::is_same_v<T, float> ? "<f4" : "<f8";
    return npy_file(fmt::format("{{'descr': '{}', 'fortran_order': True, 'shape': ({}, {}), }}",
                                descr, m.n_rows, m.n_cols),
                    m.memptr(), m.n_elem * sizeof(T));
}

std::string npy_bytes_c_order(const float* data, const std::vector<std::size_t>& shape) {
    std::string dims;
    std::size_t count = 1;
    for (const std::size_t d : shape) {
        dims += fmt::format("{}{}", dims.empty() ? "" : ", ", d);
        count *= d;
    }
    if (shape.size() == 1)
        dims += ",";  // a tuple of one: (5,)
    return npy_file(
        fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims), data,
        count * sizeof(float));
}

template std::string npy_bytes(const arma::Mat<float>&);
template std::string npy_bytes(const arma::Mat<double>&);

namespace {
std::string header_value(const std::string& header, const std::string& key) {
    const auto at = header.find("'" + key + "'");
    if (at == std::string::npos)
        return {};
    auto colon = header.find(':', at);
    if (colon == std::string::npos)
        return {};
    ++colon;
    while (colon < header.size() && header[colon] == ' ')
        ++colon;
    if (colon >= header.size())
        return {};
    const char open = header[colon];
    const char close = open == '(' ? ')' : open == '\'' ? '\'' : ',';
    const auto end = header.find(close, colon + 1);
    if (end == std::string::npos)
        return {};
    return header.substr(colon, end - colon + 1);
}

// Closes a descriptor when the read ends, however it ends.
struct Descriptor {
    int fd;

    ~Descriptor() {
        if (fd >= 0)
            ::close(fd);
    }
};

// Why a file of this type is not read: empty for a regular file.
std::string not_regular(mode_t mode) {
    if (S_ISREG(mode))
        return {};
    if (S_ISDIR(mode))
        return "it is a directory";
    if (S_ISFIFO(mode))
        return "it is a named pipe (FIFO), not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "it is a device, not a regular file";
    if (S_ISSOCK(mode))
        return "it is a socket, not a regular file";
    return "it is not a regular file";
}

std::string too_large(std::uint64_t size, std::uint64_t max_bytes) {
    return fmt::format("it is {} ({} bytes), over the limit of {}", describe_size(size), size,
                       describe_size(max_bytes));
}

}  // namespace

std::string describe_size(std::uint64_t bytes) {
    if (bytes < 1024)
        return fmt::format("{} bytes", bytes);
    constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = static_cast<double>(bytes) / 1024;
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    // Whole numbers (the limits) without a decimal: "16 MiB", not "16.0 MiB".
    if (value == static_cast<double>(static_cast<std::uint64_t>(value)))
        return fmt::format("{} {}", static_cast<std::uint64_t>(value), units[unit]);
    return fmt::format("{:.1f} {}", value, units[unit]);
}

std::optional<std::string> read_file(const std::filesystem::path& path, std::string& why,
                                     std::uint64_t max_bytes) {
    // The type is checked before opening too, so that no device is ever opened (opening
    // some has effects); the check on the opened file below is the one that counts.
    struct stat st = {};
    if (::stat(path.c_str(), &st) != 0) {
        why = errno == ENOENT || errno == ENOTDIR
                  ? "no such file"
                  : fmt::format("it cannot be read ({})", std::strerror(errno));
        return std::nullopt;
    }
    if (why = not_regular(st.st_mode); !why.empty())
        return std::nullopt;
    // O_NONBLOCK: had the file been replaced by a FIFO since, opening it must not wait.
    const Descriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)};
    if (file.fd < 0 || ::fstat(file.fd, &st) != 0) {
        why = fmt::format("it cannot be read ({})", std::strerror(errno));
        return std::nullopt;
    }
    if (why = not_regular(st.st_mode); !why.empty())
        return std::nullopt;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > max_bytes) {
        why = too_large(size, max_bytes);
        return std::nullopt;
    }
    // The size may change while the file is read (and files in /proc say 0): read to the
    // end, but never past the limit.
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(size));
    std::vector<char> chunk(std::size_t{1} << 16);
    for (;;) {
        const ssize_t n = ::read(file.fd, chunk.data(), chunk.size());
        if (n == 0)
            return bytes;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            why = fmt::format("it cannot be read ({})", std::strerror(errno));
            return std::nullopt;
        }
        if (bytes.size() + static_cast<std::size_t>(n) > max_bytes) {
            why = too_large(bytes.size() + static_cast<std::size_t>(n), max_bytes);
            return std::nullopt;
        }
        bytes.append(chunk.data(), static_cast<std::size_t>(n));
    }
}

arma::Mat<double> load_npy(const std::filesystem::path& path, std::uint64_t max_bytes) {
    std::string why;
    const auto bytes = read_file(path, why, max_bytes);
    if (!bytes)
        throw std::runtime_error(fmt::format("cannot open '{}': {}", path.string(), why));
    return parse_npy(*bytes, path.string());
}

namespace {
const char* const kNpyTypes = "float32/float64, integers, bool";
}  // namespace

std::size_t NpyHeader::count() const {
    std::size_t n = 1;
    for (const std::size_t d : shape)
        n *= d;
    return n;
}

NpyHeader parse_npy_header(std::string_view bytes, const std::string& name) {
    const auto bad = [&](std::string_view why) {
        return std::runtime_error(fmt::format("'{}' is not a usable .npy file: {}", name, why));
    };
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
        throw bad("no .npy magic");
    const int major = static_cast<unsigned char>(bytes[6]);
    std::size_t header_len = 0, offset = 0;
    if (major == 1) {
        header_len =
            static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw bad("truncated header");
        for (int i = 0; i < 4; ++i)
            header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i]))
                          << (8 * i);
        offset = 12;
    } else {
        throw bad("unknown format version");
    }
    if (bytes.size() < offset + header_len)
        throw bad("truncated header");
    const std::string header(bytes.substr(offset, header_len));
    const std::string descr = header_value(header, "descr");
    NpyHeader h;
    h.fortran = header_value(header, "fortran_order").starts_with("True");
    // '<f4', '<i8', '|u1', '|b1': little-endian (or byte-sized) numbers only.
    if (descr.size() == 5 && (descr[1] == '<' || descr[1] == '|')
        && (descr[2] == 'f' || descr[2] == 'i' || descr[2] == 'u' || descr[2] == 'b')
        && (descr[3] == '1' || descr[3] == '2' || descr[3] == '4' || descr[3] == '8')) {
        h.kind = descr[2];
        h.elem = static_cast<std::size_t>(descr[3] - '0');
    }
    const bool known = h.kind == 'f'   ? h.elem == 4 || h.elem == 8
                       : h.kind == 'b' ? h.elem == 1
                                       : h.elem != 0;
    if (!known)
        throw bad(fmt::format("element type {} (only little-endian {})", descr, kNpyTypes));
    std::string digits;
    for (const char c : header_value(header, "shape")) {
        if (c >= '0' && c <= '9')
            digits.push_back(c);
        else if (!digits.empty()) {
            if (digits.size() > 12)
                throw bad("shape too large");
            h.shape.push_back(std::stoull(digits));
            digits.clear();
        }
    }
    if (h.shape.empty() || h.shape.size() > 8)
        throw bad("only arrays of 1 to 8 dimensions are supported");
    std::size_t n = 1;
    for (const std::size_t d : h.shape) {
        if (d != 0 && n > (std::size_t{1} << 40) / d)
            throw bad("shape too large");
        n *= d;
    }
    h.data = offset + header_len;
    if (bytes.size() - h.data != n * h.elem)
        throw bad("data size does not match the shape");
    return h;
}

namespace {

double npy_element(std::string_view bytes, const NpyHeader& h, std::size_t i) {
    const char* at = bytes.data() + h.data + h.elem * i;
    const auto read = [at]<typename S>(S) {
        S v;
        std::memcpy(&v, at, sizeof(S));
        return static_cast<double>(v);
    };
    switch (h.kind) {
        case 'f':
            return h.elem == 4 ? read(float{}) : read(double{});
        case 'b':
            return *at != 0 ? 1.0 : 0.0;
        case 'i':
            return h.elem == 1   ? read(std::int8_t{})
                   : h.elem == 2 ? read(std::int16_t{})
                   : h.elem == 4 ? read(std::int32_t{})
                                 : read(std::int64_t{});
        default:
            return h.elem == 1   ? read(std::uint8_t{})
                   : h.elem == 2 ? read(std::uint16_t{})
                   : h.elem == 4 ? read(std::uint32_t{})
                                 : read(std::uint64_t{});
    }
}

}  // namespace

std::vector<float> npy_values(std::string_view bytes, const NpyHeader& h) {
    const std::size_t n = h.count();
    std::vector<float> out(n);
    if (!h.fortran || h.shape.size() == 1) {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<float>(npy_element(bytes, h, i));
        return out;
    }
    // Fortran order: the first index varies fastest; walk the file and place each element
    // at its C-order position.
    std::vector<std::size_t> index(h.shape.size(), 0);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t c = 0;
        for (std::size_t d = 0; d < h.shape.size(); ++d)
            c = c * h.shape[d] + index[d];
        out[c] = static_cast<float>(npy_element(bytes, h, i));
        for (std::size_t d = 0; d < h.shape.size() && ++index[d] == h.shape[d]; ++d)
            index[d] = 0;
    }
    return out;
}

namespace {
// Where an .npy file's data lies and how it is laid out, for a matrix.
struct NpyLayout {
    std::size_t elem = 0;  // 4 (float32) or 8 (float64)
    std::size_t rows = 0, cols = 0;
    std::size_t ndim = 0;
    bool fortran = false;
    std::size_t data = 0;  // offset of the first element
};

NpyLayout parse_npy_layout(std::string_view bytes, const std::string& name) {
    const NpyHeader h = parse_npy_header(bytes, name);
    const auto bad = [&](std::string_view why) {
        return std::runtime_error(fmt::format("'{}' is not a usable .npy file: {}", name, why));
    };
    if (h.kind != 'f')
        throw bad(fmt::format("element type '<{}{}' (only little-endian float32/float64)", h.kind,
                              h.elem));
    if (h.shape.size() > 2)
        throw bad("only 1-D and 2-D arrays are supported");
    NpyLayout layout;
    layout.elem = h.elem;
    layout.fortran = h.fortran;
    layout.ndim = h.shape.size();
    layout.rows = h.shape[0];
    layout.cols = h.shape.size() == 2 ? h.shape[1] : 1;
    layout.data = h.data;
    return layout;
}

// Copies the elements (stored as S) into m, converting to T.
template <typename S, typename T>
void copy_npy_data(std::string_view bytes, const NpyLayout& layout, arma::Mat<T>& m) {
    const std::size_t n = layout.rows * layout.cols;
    for (std::size_t i = 0; i < n; ++i) {
        S v;
        std::memcpy(&v, bytes.data() + layout.data + sizeof(S) * i, sizeof(S));
        // Fortran order is Armadillo's own; C order is row-major.
        if (layout.fortran || layout.ndim == 1)
            m(i % layout.rows, i / layout.rows) = static_cast<T>(v);
        else
            m(i / layout.cols, i % layout.cols) = static_cast<T>(v);
    }
}
}  // namespace

arma::Mat<double> parse_npy(std::string_view bytes, const std::string& name) {
    const NpyLayout layout = parse_npy_layout(bytes, name);
    arma::Mat<double> m(layout.rows, layout.cols);
    if (layout.elem == 4)
        copy_npy_data<float>(bytes, layout, m);
    else
        copy_npy_data<double>(bytes, layout, m);
    return m;
}

template <typename T>
arma::Mat<T> parse_npy_exact(std::string_view bytes, const std::string& name) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    const NpyLayout layout = parse_npy_layout(bytes, name);
    if (layout.elem != sizeof(T))
        throw std::runtime_error(fmt::format("'{}' holds {} values, not {}", name,
                                             layout.elem == 4 ? "float32" : "float64",
                                             sizeof(T) == 4 ? "float32" : "float64"));
    arma::Mat<T> m(layout.rows, layout.cols);
    copy_npy_data<T>(bytes, layout, m);
    return m;
}

template arma::Mat<float> parse_npy_exact(std::string_view, const std::string&);
template arma::Mat<double> parse_npy_exact(std::string_view, const std::string&);

}  // namespace rnn::rt
