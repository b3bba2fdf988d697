// Files a script or config makes rnnlab read (issue 23, class 4): regular files only,
// within a size limit checked before reading; a FIFO never blocks, a device is never read,
// and an include or array that is neither is a located check-time error.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include "interpreter/load.hpp"
#include "runtime/files.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace rt = rnn::rt;
namespace i = rnn::interp;

namespace {

void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

// The read of `path` on another thread, failed if it does not end within 10 s.
std::optional<std::string> read_in_time(const fs::path& path, std::string& why,
                                        std::uint64_t max_bytes = rt::kAnySize) {
    auto done = std::async(std::launch::async, [&] { return rt::read_file(path, why, max_bytes); });
    REQUIRE(done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return done.get();
}

}  // namespace

TEST_CASE("read_file reads a regular file and refuses a FIFO, a folder and a device at once") {
    rnn::test::TempDir dir("read_file");
    write(dir.path / "a.txt", "hello");
    std::string why;
    CHECK(read_in_time(dir.path / "a.txt", why) == std::optional<std::string>("hello"));
    // A FIFO with no writer: opening it for reading would wait for one forever.
    REQUIRE(::mkfifo((dir.path / "pipe").c_str(), 0600) == 0);
    CHECK_FALSE(read_in_time(dir.path / "pipe", why));
    CHECK(why == "it is a named pipe (FIFO), not a regular file");
    CHECK_FALSE(read_in_time(dir.path, why));
    CHECK(why == "it is a directory");
    // /dev/zero has no end: reached directly or through '..', it is refused, not read.
    CHECK_FALSE(read_in_time("/dev/zero", why));
    CHECK(why == "it is a device, not a regular file");
    CHECK_FALSE(read_in_time(dir.path / "../../../../../../../../../../../../dev/zero", why));
    CHECK(why == "it is a device, not a regular file");
    CHECK_FALSE(read_in_time(dir.path / "missing", why));
    CHECK(why == "no such file");
    // A link to a regular file is read; one to a FIFO is refused like the FIFO.
    fs::create_symlink(dir.path / "a.txt", dir.path / "link");
    CHECK(read_in_time(dir.path / "link", why) == std::optional<std::string>("hello"));
    fs::create_symlink(dir.path / "pipe", dir.path / "pipe_link");
    CHECK_FALSE(read_in_time(dir.path / "pipe_link", why));
}

TEST_CASE("read_file refuses a file over its limit before reading it, and says both sizes") {
    rnn::test::TempDir dir("read_limit");
    write(dir.path / "five", "12345");
    std::string why;
    CHECK(rt::read_file(dir.path / "five", why, 5) == std::optional<std::string>("12345"));
    CHECK_FALSE(rt::read_file(dir.path / "five", why, 4));
    CHECK(why == "it is 5 bytes (5 bytes), over the limit of 4 bytes");
    // A sparse file of 17 MiB costs no disk and no reading: refused from its size.
    { std::ofstream(dir.path / "big.rnn"); }
    fs::resize_file(dir.path / "big.rnn", (std::uintmax_t{17} << 20));
    CHECK_FALSE(rt::read_file(dir.path / "big.rnn", why, rt::kMaxScriptBytes));
    CHECK(why == "it is 17 MiB (17825792 bytes), over the limit of 16 MiB");
    CHECK(rt::describe_size(1536) == "1.5 KiB");
    CHECK(rt::describe_size(std::uint64_t{1} << 30) == "1 GiB");
}

TEST_CASE("an include or an array that is not a regular file is an error at its path") {
    rnn::test::TempDir dir("not_regular");
    REQUIRE(::mkfifo((dir.path / "pipe.rnn").c_str(), 0600) == 0);
    REQUIRE(::mkfifo((dir.path / "pipe.npy").c_str(), 0600) == 0);
    write(dir.path / "main.rnn", "include \"pipe.rnn\"\n");
    auto done = std::async(std::launch::async,
                           [&] { return i::load_file((dir.path / "main.rnn").string()); });
    REQUIRE(done.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    const i::Loaded included = done.get();
    REQUIRE(included.diagnostics.all().size() == 1);
    const auto& d = included.diagnostics.all()[0];
    CHECK(d.code == i::Code::IncludeMissing);
    CHECK(d.message.find("it is a named pipe (FIFO)") != std::string::npos);
    CHECK(d.span.line == 1);
    CHECK(d.span.column == 9);  // the path's string

    write(dir.path / "arrays.rnn",
          "network n = rnn {\n  units = 2\n  inputs = 2\n  W_self : init load(\"pipe.npy\")\n}\n");
    auto loaded = std::async(std::launch::async,
                             [&] { return i::load_file((dir.path / "arrays.rnn").string()); });
    REQUIRE(loaded.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    const i::Loaded arrays = loaded.get();
    REQUIRE(arrays.diagnostics.error_count() == 1);
    CHECK(arrays.diagnostics.all()[0].code == i::Code::ArrayFile);
    CHECK(arrays.diagnostics.all()[0].span.line == 4);
    CHECK(arrays.diagnostics.all()[0].span.column == 22);
}

TEST_CASE("an include over the size limit, and includes over the total limit, are refused") {
    rnn::test::TempDir dir("include_limits");
    { std::ofstream(dir.path / "huge.rnn"); }
    fs::resize_file(dir.path / "huge.rnn", rt::kMaxScriptBytes + 1);
    write(dir.path / "main.rnn", "include \"huge.rnn\"\n");
    const i::Loaded one = i::load_file((dir.path / "main.rnn").string());
    REQUIRE(one.diagnostics.error_count() == 1);
    CHECK(one.diagnostics.all()[0].message.find("over the limit of 16 MiB") != std::string::npos);

    // Five files of 15 MiB (comments) pass one by one, not together: the fifth is refused.
    const std::string comment = "#" + std::string((std::size_t{15} << 20) - 2, 'x') + "\n";
    std::string main;
    for (int k = 0; k < 5; ++k) {
        write(dir.path / ("part" + std::to_string(k) + ".rnn"), comment);
        main += "include \"part" + std::to_string(k) + ".rnn\"\n";
    }
    write(dir.path / "many.rnn", main);
    const i::Loaded many = i::load_file((dir.path / "many.rnn").string());
    REQUIRE(many.diagnostics.error_count() == 1);
    CHECK(many.diagnostics.all()[0].span.line == 5);
    CHECK(many.diagnostics.all()[0].message.find("more than 64 MiB") != std::string::npos);
}

TEST_CASE(
    "an .npy array is refused before reading when over 1 GiB, and never allocates past "
    "its bytes") {
    rnn::test::TempDir dir("npy_limits");
    { std::ofstream(dir.path / "huge.npy"); }
    fs::resize_file(dir.path / "huge.npy", rt::kMaxArrayBytes + 1);
    std::string why;
    CHECK_FALSE(rt::read_file(dir.path / "huge.npy", why, rt::kMaxArrayBytes));
    CHECK(why.find("over the limit of 1 GiB") != std::string::npos);
    // A header that claims a huge shape over a few bytes of data is refused by comparing
    // the shape with the bytes present, before any matrix is allocated.
    std::string bytes = rt::npy_bytes(arma::mat(2, 2, arma::fill::ones));
    const auto shape = bytes.find("(2, 2)");
    REQUIRE(shape != std::string::npos);
    bytes.replace(shape, 6, "(99999, 99999)");
    CHECK_THROWS_WITH_AS(rt::parse_npy(bytes, "x.npy"),
                         doctest::Contains("data size does not match the shape"),
                         std::runtime_error);
    bytes = rt::npy_bytes(arma::mat(2, 2, arma::fill::ones));
    bytes.replace(bytes.find("(2, 2)"), 6, "(999999999999, 999999999999)");
    CHECK_THROWS_AS(rt::parse_npy(bytes, "x.npy"), std::runtime_error);
    // Cut anywhere, a valid file is refused, never read past its end.
    const std::string good = rt::npy_bytes(arma::mat(3, 2, arma::fill::ones));
    for (std::size_t n = 0; n < good.size(); ++n)
        CHECK_THROWS_AS(rt::parse_npy(good.substr(0, n), "cut.npy"), std::runtime_error);
    CHECK(rt::parse_npy(good, "good.npy").n_rows == 3);
}
