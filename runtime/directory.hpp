// A folder that rnnlab writes, held open by a file descriptor: every path below it is
// resolved one component at a time with openat(O_NOFOLLOW), so a symbolic link placed
// inside (by anyone who handed over the folder) is an error that names it, never a way
// out. Every write and delete in a run directory goes through this class
// (docs/run_directory.md, "What a shared file can do").
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rnn::rt {

// Something inside a folder rnnlab writes is not what rnnlab writes there: a symbolic link,
// a device, a FIFO, or a folder nested beyond any depth rnnlab makes.
class UnsafeEntry : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Directory {
public:
    // What a path inside the folder holds, looked at without following a link.
    enum class Kind { Missing, File, Folder, Other };

    // Opens the folder at `path` (links in `path` itself are followed: the user chose it),
    // creating it and its parents first when `create`. Throws std::runtime_error with the
    // system's reason.
    static Directory open(const std::filesystem::path& path, bool create = false);

    Directory(Directory&& other) noexcept;
    Directory& operator=(Directory&& other) noexcept;
    Directory(const Directory&) = delete;
    Directory& operator=(const Directory&) = delete;
    ~Directory();

    // The path it was opened by (for messages).
    const std::filesystem::path& path() const { return path_; }

    int fd() const { return fd_; }

    // `rel` below: one or more components joined by '/', none empty, '.' or '..'. A
    // malformed `rel` throws std::invalid_argument; a link or a non-folder on the way
    // throws UnsafeEntry naming it.

    // The folder `rel`, created (with its parents) when `create`.
    Directory folder(std::string_view rel, bool create = false) const;
    // The folder `rel`, or nothing when it does not exist.
    std::optional<Directory> find_folder(std::string_view rel) const;

    Kind kind(std::string_view rel) const;

    // Replaces the file `rel` atomically (a temporary file beside it, then a rename),
    // creating its folders; flushed to disk first when `durable`. On failure the temporary
    // file is removed and the message holds the path and the system's reason.
    void write(std::string_view rel, std::string_view bytes, bool durable = false) const;

    // The bytes of the regular file `rel`; nothing, with the reason in `why`, when it is
    // missing, not a regular file (a link, a FIFO, a device, a folder) or over `limit` bytes.
    std::optional<std::string> read(std::string_view rel, std::string& why,
                                    std::size_t limit = kDefaultReadLimit) const;

    // Removes the file or folder tree `rel` (nothing when it is missing). A link inside is
    // removed itself; what it points to is never touched.
    void remove(std::string_view rel) const;

    // Renames `from` to `to`, both below this folder (replacing a file or an empty folder).
    void rename(std::string_view from, std::string_view to) const;

    // The names in folder `rel` ("" for this folder), sorted.
    std::vector<std::string> list(std::string_view rel = {}) const;

    // Every regular file below folder `rel` as a path relative to it ("a/b.npy"), sorted.
    // Anything that is neither a regular file nor a folder throws UnsafeEntry naming it.
    std::vector<std::string> files(std::string_view rel = {}) const;

    // Flushes the folder's entries (renames) to disk; best effort.
    void sync() const;

    // Folder trees deeper than this are refused (a hostile run directory could hold one
    // deep enough to exhaust descriptors or the stack).
    static constexpr int kMaxDepth = 64;
    static constexpr std::size_t kDefaultReadLimit = std::size_t{4} << 30;

    // Temporary files of write() start with this; a crash can leave one behind, which the
    // next run removes.
    static constexpr std::string_view kTemporaryPrefix = ".rnnlab-tmp-";

private:
    Directory(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

    // The folder holding `rel` (created when `create`) and the last component's name.
    struct Located;
    Located locate(std::string_view rel, bool create) const;

    int fd_ = -1;
    std::filesystem::path path_;
};

struct Directory::Located {
    Directory parent;
    std::string name;
};

// The system's description of errno value `err` ("No space left on device").
std::string system_reason(int err);

}  // namespace rnn::rt
