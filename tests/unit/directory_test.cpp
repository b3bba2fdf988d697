// rt::Directory: the one place that writes and deletes inside a run directory. Links placed
// inside must never be followed, and nothing outside may be touched.
#include "runtime/directory.hpp"

#include <csignal>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "runtime/sha256.hpp"
#include "tests/unit/temp_dir.hpp"

namespace fs = std::filesystem;
using rnn::rt::Directory;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("Directory writes atomically beneath its root and reads regular files only") {
    rnn::test::TempDir tmp("directory_write");
    const Directory root = Directory::open(tmp.path / "run", true);
    root.write("a/b/c.txt", "hello");
    CHECK(slurp(tmp.path / "run/a/b/c.txt") == "hello");
    root.write("a/b/c.txt", "again");
    CHECK(slurp(tmp.path / "run/a/b/c.txt") == "again");
    CHECK(root.kind("a/b") == Directory::Kind::Folder);
    CHECK(root.kind("a/b/c.txt") == Directory::Kind::File);
    CHECK(root.kind("a/x/y") == Directory::Kind::Missing);
    std::string why;
    CHECK(root.read("a/b/c.txt", why) == std::optional<std::string>("again"));
    CHECK_FALSE(root.read("a/b/c.txt", why, 3));
    CHECK(why.find("5 bytes") != std::string::npos);
    CHECK_FALSE(root.read("a/b", why));
    CHECK(why == "it is a folder");
    REQUIRE(::mkfifo((tmp.path / "run/fifo").c_str(), 0644) == 0);
    CHECK_FALSE(root.read("fifo", why));  // returns at once, no writer needed
    CHECK(why.find("FIFO") != std::string::npos);
    CHECK_THROWS_AS(root.files(), rnn::rt::UnsafeEntry);  // a FIFO is not a file rnnlab wrote
}

TEST_CASE("a folder where a file goes, or a file where a folder goes, says which it found") {
    rnn::test::TempDir tmp("directory_kinds");
    const Directory root = Directory::open(tmp.path / "run", true);
    root.write("a/b.txt", "x");
    CHECK_THROWS_WITH_AS(root.write("a", "y"),
                         doctest::Contains("is a folder, where rnnlab writes a file"),
                         rnn::rt::UnsafeEntry);
    CHECK_THROWS_WITH_AS(root.write("a/b.txt/c", "y"),
                         doctest::Contains("is a file, where rnnlab needs a folder"),
                         rnn::rt::UnsafeEntry);
    CHECK(slurp(tmp.path / "run/a/b.txt") == "x");
}

TEST_CASE("Directory refuses malformed relative paths") {
    rnn::test::TempDir tmp("directory_paths");
    const Directory root = Directory::open(tmp.path, true);
    for (const char* bad : {"/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/"})
        CHECK_THROWS_AS(root.write(bad, "x"), std::invalid_argument);
}

TEST_CASE("Directory never follows a link inside its root") {
    rnn::test::TempDir tmp("directory_links");
    fs::create_directories(tmp.path / "outside");
    { std::ofstream(tmp.path / "outside/keep.txt") << "precious"; }
    const Directory root = Directory::open(tmp.path / "run", true);
    fs::create_directory_symlink(tmp.path / "outside", tmp.path / "run/sub");
    fs::create_symlink(tmp.path / "outside/keep.txt", tmp.path / "run/file.txt");
    CHECK_THROWS_AS(root.write("sub/new.txt", "x"), rnn::rt::UnsafeEntry);
    CHECK_THROWS_AS(root.write("file.txt", "x"), rnn::rt::UnsafeEntry);
    CHECK_THROWS_AS(root.folder("sub"), rnn::rt::UnsafeEntry);
    CHECK_THROWS_AS(root.files(), rnn::rt::UnsafeEntry);
    std::string why;
    CHECK_FALSE(root.read("file.txt", why));
    CHECK(why.find("symbolic link") != std::string::npos);
    CHECK_FALSE(root.read("sub/keep.txt", why));
    CHECK(root.kind("file.txt") == Directory::Kind::Other);
    // Removing the links removes them, not what they point to.
    root.remove("sub");
    root.remove("file.txt");
    CHECK(slurp(tmp.path / "outside/keep.txt") == "precious");
    CHECK_FALSE(fs::exists(fs::symlink_status(tmp.path / "run/sub")));
    // A tree holding a link: the link goes, its target stays.
    fs::create_directories(tmp.path / "run/tree/deeper");
    fs::create_directory_symlink(tmp.path / "outside", tmp.path / "run/tree/deeper/link");
    root.remove("tree");
    CHECK_FALSE(fs::exists(fs::symlink_status(tmp.path / "run/tree")));
    CHECK(slurp(tmp.path / "outside/keep.txt") == "precious");
    CHECK_NOTHROW(root.remove("not/there"));
    CHECK(!fs::exists(tmp.path / "outside/new.txt"));
}

TEST_CASE("Directory::write leaves no temporary file when it fails") {
    rnn::test::TempDir tmp("directory_fail");
    const Directory root = Directory::open(tmp.path, true);
    fs::create_directories(tmp.path / "taken");
    // A folder where the file should be: refused before anything is written.
    CHECK_THROWS(root.write("taken", "x"));
    // A file size limit makes write() fail part-way with EFBIG, as a full disk fails it
    // with ENOSPC: the message has the path and the reason, and no temporary file stays.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit before{};
    ::getrlimit(RLIMIT_FSIZE, &before);
    rlimit small = before;
    small.rlim_cur = 1000;
    ::setrlimit(RLIMIT_FSIZE, &small);
    std::string message;
    try {
        root.write("big.bin", std::string(5000, 'x'));
    } catch (const std::runtime_error& e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, SIG_DFL);
    CHECK(message.find("big.bin") != std::string::npos);
    CHECK(message.find("too large") != std::string::npos);
    CHECK(root.kind("big.bin") == Directory::Kind::Missing);
    for (const auto& name : root.list())
        CHECK_FALSE(name.starts_with(Directory::kTemporaryPrefix));
}

TEST_CASE("Directory::files lists regular files below a folder, sorted") {
    rnn::test::TempDir tmp("directory_files");
    const Directory root = Directory::open(tmp.path, true);
    root.write("b.txt", "1");
    root.write("a/z.npy", "2");
    root.write("a/c/d.csv", "3");
    CHECK(root.files() == std::vector<std::string>{"a/c/d.csv", "a/z.npy", "b.txt"});
    CHECK(root.files("a") == std::vector<std::string>{"c/d.csv", "z.npy"});
    // Listing twice lists the same (each listing reads the folder afresh).
    CHECK(root.list() == root.list());
    CHECK(root.list().size() == 2);
    root.rename("a", "moved");
    CHECK(root.files("moved") == std::vector<std::string>{"c/d.csv", "z.npy"});
}

TEST_CASE("sha256_hex agrees with sha256sum") {
    CHECK(rnn::rt::sha256_hex("")
          == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(rnn::rt::sha256_hex("abc")
          == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
