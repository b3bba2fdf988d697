// SHA-256 of bytes, as `sha256sum` prints it: how run directories record what they hold
// (cache entries and the manifest), so that a changed, truncated or swapped file is found.
// OpenSSL's libcrypto computes it (with the CPU's SHA instructions where it has them).
#pragma once

#include <string>
#include <string_view>

namespace rnn::rt {

// 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace rnn::rt
