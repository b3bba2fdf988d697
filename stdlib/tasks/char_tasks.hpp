// Seed 001's character-sequence tasks (docs/provenance.md §2.4, §2.5): next-character
// prediction on generated strings (key_recall, resequence, palindrome) or on a text file
// (corpus). The input at step t encodes character t, the target is character t + 1, and
// a trial's last character has no target (-1). All share the seed's input encodings.
#pragma once

#include <string_view>

#include "stdlib/task.hpp"

namespace rnn::stdlib {

namespace chars {

// The seed's charsets (utils.get_charset), in its order: a character's index is its class.
// The tinystories / baby_names / htest set.
inline constexpr std::string_view text_charset =
    " abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.;:'\"?!\n-";
// The synthetic tasks' set (long_range_memory_dataset, resequence, palindromes).
inline constexpr std::string_view synthetic_charset = "0?!123,. ";
// The `*_small_*` palindromes' set.
inline constexpr std::string_view small_charset = "23. ";

// The last position the sinusoidal encoding tells apart: later steps reuse its row (the
// seed's table has 2000 rows).
inline constexpr unsigned max_position = 1999;

}  // namespace chars

}  // namespace rnn::stdlib
