#include "interpreter/version.hpp"

#include <armadillo>
#include <fmt/format.h>

extern "C" char* openblas_get_config();

namespace rnn::interp {

toml::table library_versions() {
    toml::table t;
    t.insert("armadillo", arma::arma_version::as_string());
    t.insert("fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100,
                                FMT_VERSION % 100));
    t.insert("tomlplusplus",
             fmt::format("{}.{}.{}", TOML_LIB_MAJOR, TOML_LIB_MINOR, TOML_LIB_PATCH));
    t.insert("pegtl", "3.2.7");
    t.insert("openblas", std::string(openblas_get_config()));
    t.insert("compiler",
             fmt::format("gcc {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__));
    return t;
}

}  // namespace rnn::interp
