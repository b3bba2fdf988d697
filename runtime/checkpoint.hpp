// Checkpoints: a container of named arrays and scalars that a training loop fills and
// later restores, so that a resumed run ends bit-identical to an uninterrupted one. Every
// value round-trips bit for bit: arrays as .npy files of their own element type, doubles
// as the hex of their bits, integers as TOML integers, strings as TOML strings.
//
// On disk a checkpoint is a directory:
//   checkpoint.toml   format name and version, the scalars, and per array its dtype,
//                     shape and a content hash (hash64 of the .npy bytes)
//   NAME.npy          one file per array
// save() writes a staging sibling (.NAME.new), flushes it to disk, then swaps it in
// (the old directory is renamed to .NAME.old, the new one renamed in, the old deleted):
// a kill at any moment leaves a complete old or new checkpoint. If the kill falls between
// the two renames the directory itself is missing for a moment; load() then reads the
// sibling and the next save() puts it back. One writer per checkpoint at a time.
//
// The optimizer and random streams stay independent of files: they export plain state
// (optimizer.hpp, random.hpp), which the helpers at the end store under a name prefix.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <armadillo>

#include "runtime/directory.hpp"
#include "runtime/optimizer.hpp"
#include "runtime/random.hpp"

namespace rnn::rt {

class Checkpoint {
public:
    static constexpr std::int64_t kFormatVersion = 1;

    // Names become file names: 1-200 characters of [A-Za-z0-9_.-], not starting with a
    // dot. Arrays and scalars share one namespace; setting a name again replaces its value,
    // whatever its kind. Throws std::invalid_argument for a bad name.
    void set_int(const std::string& name, std::int64_t value);
    void set_double(const std::string& name, double value);
    // TOML strings are UTF-8: invalid UTF-8 throws std::invalid_argument.
    void set_string(const std::string& name, std::string value);
    // T is float or double; the array keeps its element type.
    template <typename T> void set_array(const std::string& name, arma::Mat<T> value);

    // Throw std::runtime_error naming the entry if it is missing or of another kind
    // (including an array of the other element type).
    std::int64_t get_int(const std::string& name) const;
    double get_double(const std::string& name) const;
    const std::string& get_string(const std::string& name) const;
    template <typename T> const arma::Mat<T>& get_array(const std::string& name) const;

    bool contains(const std::string& name) const { return entries_.contains(name); }

    // Every name, sorted.
    std::vector<std::string> names() const;

    // Writes the checkpoint to `dir`, replacing a checkpoint already there (see above).
    // Refuses, with std::runtime_error, to replace a directory that is neither empty nor a
    // checkpoint, or a file. Throws std::runtime_error naming the path on I/O failure.
    void save(const std::filesystem::path& dir) const;
    // The same for the checkpoint `name` in `parent`, never following a link there.
    void save(const Directory& parent, const std::string& name) const;

    // Reads and validates a checkpoint: format and version, every listed array present,
    // parseable, of the listed dtype and shape and matching its hash. Throws
    // std::runtime_error naming the offending file.
    static Checkpoint load(const std::filesystem::path& dir);
    static Checkpoint load(const Directory& parent, const std::string& name);

    // Whether a checkpoint can be loaded from dir (including from an interrupted save).
    static bool exists(const std::filesystem::path& dir);
    static bool exists(const Directory& parent, const std::string& name);

    static bool valid_name(const std::string& name);

private:
    using Entry =
        std::variant<std::int64_t, double, std::string, arma::Mat<float>, arma::Mat<double>>;

    const Entry& entry(const std::string& name) const;

    std::map<std::string, Entry> entries_;
};

extern template void Checkpoint::set_array(const std::string&, arma::Mat<float>);
extern template void Checkpoint::set_array(const std::string&, arma::Mat<double>);
extern template const arma::Mat<float>& Checkpoint::get_array(const std::string&) const;
extern template const arma::Mat<double>& Checkpoint::get_array(const std::string&) const;

// A random stream's exact state as scalars: PREFIX.key and PREFIX.counter (16 hex digits,
// as keys are written elsewhere), PREFIX.block.0-3, PREFIX.buffered,
// PREFIX.has_spare_normal (0/1) and PREFIX.spare_normal. load_random_state throws
// std::runtime_error when an entry is missing or out of range.
void save_random_state(Checkpoint& c, const std::string& prefix, const RandomState& state);
RandomState load_random_state(const Checkpoint& c, const std::string& prefix);

// An optimizer's state under PREFIX.kind, PREFIX.steps, PREFIX.count and the arrays
// PREFIX.m.I, PREFIX.v.I. restore_optimizer throws std::runtime_error when the stored
// state is of another kind of optimizer or incomplete.
template <typename T>
void save_optimizer(Checkpoint& c, const std::string& prefix, const Optimizer<T>& optimizer);
template <typename T>
void restore_optimizer(const Checkpoint& c, const std::string& prefix, Optimizer<T>& optimizer);

extern template void save_optimizer(Checkpoint&, const std::string&, const Optimizer<float>&);
extern template void save_optimizer(Checkpoint&, const std::string&, const Optimizer<double>&);
extern template void restore_optimizer(const Checkpoint&, const std::string&, Optimizer<float>&);
extern template void restore_optimizer(const Checkpoint&, const std::string&, Optimizer<double>&);

}  // namespace rnn::rt
