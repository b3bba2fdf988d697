// A fresh directory per test case, removed afterwards. Named by a label and the process
// id, since ctest runs the cases of one binary in parallel processes.
#pragma once

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace rnn::test {

struct TempDir {
    std::filesystem::path path;

    explicit TempDir(const std::string& label)
        : path(std::filesystem::temp_directory_path()
               / ("rnnlab_" + label + "_" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace rnn::test
