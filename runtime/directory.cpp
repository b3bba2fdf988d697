#include "runtime/directory.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>

namespace rnn::rt {

namespace fs = std::filesystem;

std::string system_reason(int err) {
    return std::error_code(err, std::generic_category()).message();
}

namespace {

// A descriptor closed when it goes out of scope.
struct Fd {
    int fd = -1;

    explicit Fd(int f) : fd(f) {}

    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }

    int release() { return std::exchange(fd, -1); }
};

// The components of a relative path; std::invalid_argument when it is not one.
std::vector<std::string_view> components(std::string_view rel) {
    std::vector<std::string_view> out;
    if (rel.empty())
        return out;
    if (rel.front() == '/')
        throw std::invalid_argument(fmt::format("'{}' is not a relative path", rel));
    std::size_t start = 0;
    while (start <= rel.size()) {
        const std::size_t slash = std::min(rel.find('/', start), rel.size());
        const std::string_view part = rel.substr(start, slash - start);
        if (part.empty() || part == "." || part == "..")
            throw std::invalid_argument(
                fmt::format("'{}' is not a plain relative path (empty, '.' or '..' part)", rel));
        out.push_back(part);
        start = slash + 1;
    }
    return out;
}

std::string joined(const fs::path& root, std::string_view rel) {
    return rel.empty() ? root.string() : (root / std::string(rel)).string();
}

Directory::Kind kind_at(int dirfd, const std::string& name) {
    struct stat st {};

    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return Directory::Kind::Missing;
    if (S_ISREG(st.st_mode))
        return Directory::Kind::File;
    if (S_ISDIR(st.st_mode))
        return Directory::Kind::Folder;
    return Directory::Kind::Other;
}

std::string describe_other(int dirfd, const std::string& name) {
    struct stat st {};

    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return "missing";
    if (S_ISLNK(st.st_mode))
        return "a symbolic link";
    if (S_ISFIFO(st.st_mode))
        return "a FIFO";
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
        return "a device";
    if (S_ISSOCK(st.st_mode))
        return "a socket";
    if (S_ISREG(st.st_mode))
        return "a file";
    if (S_ISDIR(st.st_mode))
        return "a folder";
    return "of an unknown kind";
}

// Why the entry described by `what` (describe_other) cannot stay where it is.
std::string_view unsafe_because(std::string_view what) {
    if (what == "a symbolic link")
        return "; rnnlab never follows links inside a run directory: remove it";
    if (what == "a folder")
        return ", where rnnlab writes a file: remove or rename it";
    if (what == "a file")
        return ", where rnnlab needs a folder: remove or rename it";
    return ", which rnnlab never writes there: remove it";
}

[[noreturn]] void throw_unsafe(const fs::path& root, std::string_view rel, int dirfd,
                               const std::string& name) {
    const std::string what = describe_other(dirfd, name);
    throw UnsafeEntry(fmt::format("'{}' is {}{}", joined(root, rel), what, unsafe_because(what)));
}

// Opens the folder `name` in dirfd without following a link; -1 with errno when missing.
int open_folder_at(int dirfd, const std::string& name) {
    return ::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

std::atomic<unsigned> g_temporary_counter{0};

}  // namespace

Directory Directory::open(const fs::path& path, bool create) {
    if (create) {
        std::error_code ec;
        fs::create_directories(path, ec);
        if (ec)
            throw std::runtime_error(
                fmt::format("cannot create the folder '{}': {}", path.string(), ec.message()));
    }
    const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(
            fmt::format("cannot open the folder '{}': {}", path.string(), system_reason(errno)));
    return Directory(fd, path);
}

Directory::Directory(Directory&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

Directory& Directory::operator=(Directory&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

Directory::~Directory() {
    if (fd_ >= 0)
        ::close(fd_);
}

Directory Directory::folder(std::string_view rel, bool create) const {
    int current = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (current < 0)
        throw std::runtime_error(
            fmt::format("cannot open '{}': {}", path_.string(), system_reason(errno)));
    Fd holder(current);
    std::string walked;
    for (const std::string_view part : components(rel)) {
        const std::string name(part);
        walked += (walked.empty() ? "" : "/") + name;
        int next = open_folder_at(holder.fd, name);
        if (next < 0 && errno == ENOENT && create) {
            if (::mkdirat(holder.fd, name.c_str(), 0755) != 0 && errno != EEXIST)
                throw std::runtime_error(fmt::format("cannot create the folder '{}': {}",
                                                     joined(path_, walked), system_reason(errno)));
            next = open_folder_at(holder.fd, name);
        }
        if (next < 0) {
            const int err = errno;
            if (err == ELOOP || err == ENOTDIR)
                throw_unsafe(path_, walked, holder.fd, name);
            throw std::runtime_error(fmt::format("cannot open the folder '{}': {}",
                                                 joined(path_, walked), system_reason(err)));
        }
        ::close(holder.release());
        holder.fd = next;
    }
    return Directory(holder.release(), rel.empty() ? path_ : path_ / std::string(rel));
}

Directory::Located Directory::locate(std::string_view rel, bool create) const {
    const auto parts = components(rel);
    if (parts.empty())
        throw std::invalid_argument("an empty path names no file");
    const std::string_view leaf = parts.back();
    const std::string_view parent = rel.substr(0, rel.size() - leaf.size());
    Located out{parent.empty() ? folder({}) : folder(parent.substr(0, parent.size() - 1), create),
                std::string(leaf)};
    return out;
}

std::optional<Directory> Directory::find_folder(std::string_view rel) const {
    if (kind(rel) == Kind::Missing)
        return std::nullopt;
    return folder(rel);
}

Directory::Kind Directory::kind(std::string_view rel) const {
    if (components(rel).empty())
        return Kind::Folder;
    try {
        const Located at = locate(rel, false);
        return kind_at(at.parent.fd(), at.name);
    } catch (const UnsafeEntry&) {
        throw;
    } catch (const std::runtime_error&) {
        return Kind::Missing;  // a folder on the way is missing
    }
}

namespace {

// Writes all of `bytes` to fd; false with errno set on failure.
bool write_all(int fd, std::string_view bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

void Directory::write(std::string_view rel, std::string_view bytes, bool durable) const {
    const Located at = locate(rel, true);
    const int dirfd = at.parent.fd();
    if (const Kind k = kind_at(dirfd, at.name); k == Kind::Other || k == Kind::Folder)
        throw_unsafe(path_, rel, dirfd, at.name);
    // The temporary name says whose it is, so a later run removes one a crash left behind.
    const std::string temporary = fmt::format("{}{}-{}-{}", kTemporaryPrefix, ::getpid(),
                                              g_temporary_counter.fetch_add(1), at.name);
    const auto fail = [&](int err, const std::string& what) {
        ::unlinkat(dirfd, temporary.c_str(), 0);
        throw std::runtime_error(
            fmt::format("cannot {} '{}': {}", what, joined(path_, rel), system_reason(err)));
    };
    Fd file(::openat(dirfd, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0644));
    if (file.fd < 0)
        throw std::runtime_error(
            fmt::format("cannot write '{}': {}", joined(path_, rel), system_reason(errno)));
    if (!write_all(file.fd, bytes) || (durable && ::fsync(file.fd) != 0))
        fail(errno, "write");
    if (::close(file.release()) != 0)
        fail(errno, "write");
    if (::renameat(dirfd, temporary.c_str(), dirfd, at.name.c_str()) != 0)
        fail(errno, "write");
}

std::optional<std::string> Directory::read(std::string_view rel, std::string& why,
                                           std::size_t limit) const {
    std::optional<Located> at;
    try {
        at.emplace(locate(rel, false));
    } catch (const UnsafeEntry& e) {
        why = e.what();
        return std::nullopt;
    } catch (const std::runtime_error&) {
        why = "no such file";
        return std::nullopt;
    }
    const int dirfd = at->parent.fd();
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    Fd file(::openat(dirfd, at->name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (file.fd < 0) {
        const int err = errno;
        why = err == ENOENT                    ? "no such file"
              : err == ELOOP || err == ENOTDIR ? "it is " + describe_other(dirfd, at->name)
                                               : system_reason(err);
        return std::nullopt;
    }

    struct stat st {};

    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        why = S_ISDIR(st.st_mode) ? "it is a folder" : "it is " + describe_other(dirfd, at->name);
        return std::nullopt;
    }
    if (static_cast<std::size_t>(st.st_size) > limit) {
        why = fmt::format("it holds {} bytes, more than the {} a file here may hold", st.st_size,
                          limit);
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::read(file.fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            why = system_reason(errno);
            return std::nullopt;
        }
        if (n == 0)
            break;  // it shrank while being read
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

namespace {

// The names in the open folder fd, but '.' and '..', read through a descriptor of its own
// (a duplicate would share the read position with fd).
std::vector<std::string> names_in(int fd, const fs::path& where) {
    const int listing = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = listing >= 0 ? ::fdopendir(listing) : nullptr;
    if (d == nullptr) {
        if (listing >= 0)
            ::close(listing);
        throw std::runtime_error(
            fmt::format("cannot list '{}': {}", where.string(), system_reason(errno)));
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..")
            names.push_back(name);
    }
    ::closedir(d);
    return names;
}

// Removes the entry `name` of the open folder dirfd (a folder with all it holds), never
// following a link: a link is removed itself. `where` is its path, for messages.
void remove_entry(int dirfd, const std::string& name, const fs::path& where, int depth) {
    if (kind_at(dirfd, name) == Directory::Kind::Folder) {
        if (depth > Directory::kMaxDepth)
            throw UnsafeEntry(fmt::format("'{}' is nested more than {} folders deep",
                                          where.string(), Directory::kMaxDepth));
        Fd sub(open_folder_at(dirfd, name));
        if (sub.fd >= 0)
            for (const auto& inner : names_in(sub.fd, where))
                remove_entry(sub.fd, inner, where / inner, depth + 1);
        if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
            throw std::runtime_error(
                fmt::format("cannot remove '{}': {}", where.string(), system_reason(errno)));
    } else if (::unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) {
        throw std::runtime_error(
            fmt::format("cannot remove '{}': {}", where.string(), system_reason(errno)));
    }
}

}  // namespace

void Directory::remove(std::string_view rel) const {
    std::optional<Located> found;
    try {
        found.emplace(locate(rel, false));
    } catch (const UnsafeEntry&) {
        throw;
    } catch (const std::runtime_error&) {
        return;  // a folder on the way is missing
    }
    remove_entry(found->parent.fd(), found->name, joined(path_, rel), 1);
}

void Directory::rename(std::string_view from, std::string_view to) const {
    const Located a = locate(from, false);
    const Located b = locate(to, true);
    if (::renameat(a.parent.fd(), a.name.c_str(), b.parent.fd(), b.name.c_str()) != 0)
        throw std::runtime_error(fmt::format("cannot rename '{}' to '{}': {}", joined(path_, from),
                                             joined(path_, to), system_reason(errno)));
}

std::vector<std::string> Directory::list(std::string_view rel) const {
    std::vector<std::string> names = names_in(folder(rel).fd(), joined(path_, rel));
    std::sort(names.begin(), names.end());
    return names;
}

namespace {

void collect_files(const Directory& d, const std::string& prefix, int depth,
                   std::vector<std::string>& out) {
    if (depth > Directory::kMaxDepth)
        throw UnsafeEntry(fmt::format("'{}' is nested more than {} folders deep", d.path().string(),
                                      Directory::kMaxDepth));
    for (const auto& name : d.list()) {
        switch (kind_at(d.fd(), name)) {
            case Directory::Kind::File:
                out.push_back(prefix + name);
                break;
            case Directory::Kind::Folder:
                collect_files(d.folder(name), prefix + name + "/", depth + 1, out);
                break;
            case Directory::Kind::Missing:
                break;  // removed meanwhile
            case Directory::Kind::Other:
                throw_unsafe(d.path(), name, d.fd(), name);
        }
    }
}

}  // namespace

std::vector<std::string> Directory::files(std::string_view rel) const {
    std::vector<std::string> out;
    collect_files(folder(rel), "", 0, out);
    std::sort(out.begin(), out.end());
    return out;
}

void Directory::sync() const {
    [[maybe_unused]] const int synced = ::fsync(fd_);
}

}  // namespace rnn::rt
