// Checkpoint container, its crash-safe directory format, and the helpers that store
// optimizer and random-stream state in it. See checkpoint.hpp for the format.
#include "runtime/checkpoint.hpp"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <unistd.h>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "runtime/directory.hpp"
#include "runtime/files.hpp"
#include "runtime/hash.hpp"
#include "runtime/toml_input.hpp"

namespace rnn::rt {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kFormatName = "rnnlab-checkpoint";
constexpr std::string_view kIndexFile = "checkpoint.toml";
// An index lists names and scalars; no training writes one near this size.
constexpr std::size_t kIndexLimit = std::size_t{64} << 20;

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size())
            return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
        static constexpr std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += extra + 1;
    }
    return true;
}

void require_name(const std::string& name) {
    if (!Checkpoint::valid_name(name))
        throw std::invalid_argument(fmt::format(
            "checkpoint name '{}' is not 1-200 characters of [A-Za-z0-9_.-] without a leading "
            "dot",
            name));
}

// The checkpoint's name in its parent folder and its two siblings there.
struct Names {
    std::string dir, staging, old;
};

Names names_of(const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
        throw std::invalid_argument(
            fmt::format("'{}' cannot be a checkpoint directory: give it a name", name));
    return {name, "." + name + ".new", "." + name + ".old"};
}

bool is_dir(const Directory& parent, const std::string& rel) {
    return parent.kind(rel) == Directory::Kind::Folder;
}

bool is_file(const Directory& parent, const std::string& rel) {
    return parent.kind(rel) == Directory::Kind::File;
}

std::string index_of(const std::string& dir) {
    return dir + "/" + std::string(kIndexFile);
}

// Where a checkpoint can be read from: the directory itself, or after a kill between the
// two renames of save(), the complete staging directory (newer) or the old one.
std::optional<std::string> readable_source(const Directory& parent, const Names& n) {
    if (is_dir(parent, n.dir))
        return n.dir;
    if (is_file(parent, index_of(n.staging)))
        return n.staging;
    if (is_dir(parent, n.old))
        return n.old;
    return std::nullopt;
}

// The folder holding the checkpoint at `dir` and the checkpoint's name in it.
std::pair<Directory, std::string> split(const fs::path& dir_in, bool create) {
    fs::path dir = dir_in;
    if (dir.filename().empty())  // "a/b/" names b
        dir = dir.parent_path();
    const std::string name = dir.filename().string();
    names_of(name);
    return {Directory::open(dir.parent_path(), create), name};
}

template <typename T> constexpr const char* dtype_name() {
    return std::is_same_v<T, float> ? "float32" : "float64";
}

template <typename V> constexpr const char* kind_name() {
    if constexpr (std::is_same_v<V, std::int64_t>)
        return "an integer";
    else if constexpr (std::is_same_v<V, double>)
        return "a double";
    else if constexpr (std::is_same_v<V, std::string>)
        return "a string";
    else if constexpr (std::is_same_v<V, arma::Mat<float>>)
        return "a float32 array";
    else
        return "a float64 array";
}

// Writes one array into the staging directory; returns its entry in the index.
template <typename T>
toml::table write_array(const Directory& parent, const std::string& dir, const std::string& name,
                        const arma::Mat<T>& m) {
    const std::string bytes = npy_bytes(m);
    parent.write(dir + "/" + name + ".npy", bytes, true);
    return toml::table{{"dtype", dtype_name<T>()},
                       {"rows", static_cast<std::int64_t>(m.n_rows)},
                       {"cols", static_cast<std::int64_t>(m.n_cols)},
                       {"hash", hex64(hash64(bytes))}};
}

// Reads one array listed in the index and checks it against its entry there.
template <typename T>
arma::Mat<T> read_array(const std::string& bytes, const fs::path& file, std::int64_t rows,
                        std::int64_t cols, const std::string& hash, const std::string& index) {
    arma::Mat<T> m = parse_npy_exact<T>(bytes, file.string());
    if (static_cast<std::int64_t>(m.n_rows) != rows || static_cast<std::int64_t>(m.n_cols) != cols)
        throw std::runtime_error(fmt::format("'{}' is {} x {}, but '{}' lists {} x {}",
                                             file.string(), m.n_rows, m.n_cols, index, rows, cols));
    if (hex64(hash64(bytes)) != hash)
        throw std::runtime_error(fmt::format(
            "'{}' is corrupted: its contents do not match the hash in '{}'", file.string(), index));
    return m;
}

std::uint64_t parse_hex64(std::string_view text, bool& ok) {
    std::uint64_t v = 0;
    ok = false;
    if (text.size() != 16)
        return 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
    ok = ec == std::errc() && end == text.data() + text.size();
    return v;
}

}  // namespace

bool Checkpoint::valid_name(const std::string& name) {
    if (name.empty() || name.size() > 200 || name.front() == '.')
        return false;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '_' || c == '.' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

void Checkpoint::set_int(const std::string& name, std::int64_t value) {
    require_name(name);
    entries_[name] = value;
}

void Checkpoint::set_double(const std::string& name, double value) {
    require_name(name);
    entries_[name] = value;
}

void Checkpoint::set_string(const std::string& name, std::string value) {
    require_name(name);
    if (!valid_utf8(value))
        throw std::invalid_argument(fmt::format("checkpoint string '{}' is not valid UTF-8", name));
    entries_[name] = std::move(value);
}

template <typename T> void Checkpoint::set_array(const std::string& name, arma::Mat<T> value) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    require_name(name);
    entries_[name] = std::move(value);
}

template void Checkpoint::set_array(const std::string&, arma::Mat<float>);
template void Checkpoint::set_array(const std::string&, arma::Mat<double>);

const Checkpoint::Entry& Checkpoint::entry(const std::string& name) const {
    const auto it = entries_.find(name);
    if (it == entries_.end())
        throw std::runtime_error(fmt::format("the checkpoint has no entry '{}'", name));
    return it->second;
}

namespace {
template <typename V, typename E> const V& entry_as(const E& e, const std::string& name) {
    if (const V* v = std::get_if<V>(&e))
        return *v;
    const char* actual =
        std::visit([](const auto& x) { return kind_name<std::decay_t<decltype(x)>>(); }, e);
    throw std::runtime_error(
        fmt::format("checkpoint entry '{}' is {}, not {}", name, actual, kind_name<V>()));
}
}  // namespace

std::int64_t Checkpoint::get_int(const std::string& name) const {
    return entry_as<std::int64_t>(entry(name), name);
}

double Checkpoint::get_double(const std::string& name) const {
    return entry_as<double>(entry(name), name);
}

const std::string& Checkpoint::get_string(const std::string& name) const {
    return entry_as<std::string>(entry(name), name);
}

template <typename T> const arma::Mat<T>& Checkpoint::get_array(const std::string& name) const {
    return entry_as<arma::Mat<T>>(entry(name), name);
}

template const arma::Mat<float>& Checkpoint::get_array(const std::string&) const;
template const arma::Mat<double>& Checkpoint::get_array(const std::string&) const;

std::vector<std::string> Checkpoint::names() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [name, e] : entries_)
        out.push_back(name);
    return out;
}

void Checkpoint::save(const fs::path& dir) const {
    const auto [parent, name] = split(dir, true);
    save(parent, name);
}

void Checkpoint::save(const Directory& parent, const std::string& checkpoint) const {
    const Names p = names_of(checkpoint);
    // Finish a swap that a kill interrupted, so the staging area can be reused without
    // losing the newest complete checkpoint.
    if (parent.kind(p.dir) == Directory::Kind::Missing) {
        if (is_file(parent, index_of(p.staging)))
            parent.rename(p.staging, p.dir);
        else if (is_dir(parent, p.old))
            parent.rename(p.old, p.dir);
    }
    const Directory::Kind existing = parent.kind(p.dir);
    const bool replacing = existing != Directory::Kind::Missing;
    // Never rename away and delete something that is not ours (a run directory passed by
    // mistake, a link).
    if (replacing
        && (existing != Directory::Kind::Folder
            || (!parent.list(p.dir).empty() && !is_file(parent, index_of(p.dir)))))
        throw std::runtime_error(
            fmt::format("'{}' exists and is not a checkpoint; refusing to replace it",
                        (parent.path() / p.dir).string()));
    parent.remove(p.staging);
    parent.folder(p.staging, true);

    toml::table ints, doubles, strings, arrays;
    for (const auto& [name, e] : entries_) {
        if (const auto* i = std::get_if<std::int64_t>(&e)) {
            ints.insert(name, *i);
        } else if (const auto* d = std::get_if<double>(&e)) {
            doubles.insert(name, hex64(std::bit_cast<std::uint64_t>(*d)));
        } else if (const auto* s = std::get_if<std::string>(&e)) {
            strings.insert(name, *s);
        } else if (const auto* f = std::get_if<arma::Mat<float>>(&e)) {
            arrays.insert(name, write_array(parent, p.staging, name, *f));
        } else {
            arrays.insert(name,
                          write_array(parent, p.staging, name, std::get<arma::Mat<double>>(e)));
        }
    }
    toml::table root{{"format", std::string(kFormatName)},
                     {"format_version", kFormatVersion},
                     {"int", std::move(ints)},
                     {"double", std::move(doubles)},
                     {"string", std::move(strings)},
                     {"arrays", std::move(arrays)}};
    std::ostringstream text;
    text << "# rnnlab checkpoint: doubles are the hex of their IEEE-754 bits; arrays are "
            "NAME.npy\n";
    text << root << "\n";
    // The index goes last: a staging directory with an index is complete.
    parent.write(index_of(p.staging), text.str(), true);
    parent.folder(p.staging).sync();

    if (replacing) {
        parent.remove(p.old);
        parent.rename(p.dir, p.old);
        parent.rename(p.staging, p.dir);
        parent.sync();
        parent.remove(p.old);
    } else {
        parent.rename(p.staging, p.dir);
        parent.sync();
        parent.remove(p.old);
    }
}

bool Checkpoint::exists(const fs::path& dir) {
    try {
        const auto [parent, name] = split(dir, false);
        return exists(parent, name);
    } catch (const std::runtime_error&) {
        return false;  // its folder is missing
    }
}

bool Checkpoint::exists(const Directory& parent, const std::string& name) {
    const auto source = readable_source(parent, names_of(name));
    return source && is_file(parent, index_of(*source));
}

Checkpoint Checkpoint::load(const fs::path& dir) {
    const auto [parent, name] = split(dir, false);
    return load(parent, name);
}

Checkpoint Checkpoint::load(const Directory& parent, const std::string& checkpoint) {
    const auto source = readable_source(parent, names_of(checkpoint));
    if (!source)
        throw std::runtime_error(
            fmt::format("no checkpoint at '{}'", (parent.path() / checkpoint).string()));
    const std::string index = index_of(*source);
    const std::string where = (parent.path() / index).string();
    std::string why;
    const auto text = parent.read(index, why, kIndexLimit);
    if (!text)
        throw std::runtime_error(fmt::format("cannot read checkpoint '{}': {}", where, why));
    auto parsed = parse_toml(*text, where, why, {kIndexLimit});
    if (!parsed)
        throw std::runtime_error(fmt::format("checkpoint '{}' is not valid TOML: {}", where, why));
    const toml::table& root = *parsed;
    const auto bad = [&](const std::string& what) {
        return std::runtime_error(fmt::format("checkpoint '{}': {}", where, what));
    };
    if (root["format"].value<std::string>() != std::string(kFormatName))
        throw bad(fmt::format("not an rnnlab checkpoint (format is not \"{}\")", kFormatName));
    const auto version = root["format_version"].value<std::int64_t>();
    if (!version)
        throw bad("no format_version");
    if (*version != kFormatVersion)
        throw bad(fmt::format("format version {}; this build reads version {}", *version,
                              kFormatVersion));

    Checkpoint c;
    const auto section = [&](const char* key) -> const toml::table* {
        const toml::node* n = root.get(key);
        if (!n)
            return nullptr;
        if (!n->is_table())
            throw bad(fmt::format("'{}' is not a table", key));
        return n->as_table();
    };
    const auto add_name = [&](const std::string& name, const char* table) {
        if (!valid_name(name))
            throw bad(fmt::format("bad entry name '{}' in [{}]", name, table));
        if (c.entries_.contains(name))
            throw bad(fmt::format("entry '{}' appears twice", name));
    };
    if (const toml::table* t = section("int"))
        for (const auto& [key, node] : *t) {
            const std::string name(key.str());
            add_name(name, "int");
            const auto v = node.value_exact<std::int64_t>();
            if (!v)
                throw bad(fmt::format("int.{} is not an integer", name));
            c.entries_[name] = *v;
        }
    if (const toml::table* t = section("double"))
        for (const auto& [key, node] : *t) {
            const std::string name(key.str());
            add_name(name, "double");
            const auto s = node.value_exact<std::string>();
            bool ok = false;
            const std::uint64_t bits = s ? parse_hex64(*s, ok) : 0;
            if (!ok)
                throw bad(fmt::format("double.{} is not 16 hex digits", name));
            c.entries_[name] = std::bit_cast<double>(bits);
        }
    if (const toml::table* t = section("string"))
        for (const auto& [key, node] : *t) {
            const std::string name(key.str());
            add_name(name, "string");
            const auto s = node.value_exact<std::string>();
            if (!s)
                throw bad(fmt::format("string.{} is not a string", name));
            c.entries_[name] = *s;
        }
    if (const toml::table* t = section("arrays"))
        for (const auto& [key, node] : *t) {
            const std::string name(key.str());
            add_name(name, "arrays");
            const toml::table* a = node.as_table();
            const auto dtype = a ? (*a)["dtype"].value_exact<std::string>() : std::nullopt;
            const auto rows = a ? (*a)["rows"].value_exact<std::int64_t>() : std::nullopt;
            const auto cols = a ? (*a)["cols"].value_exact<std::int64_t>() : std::nullopt;
            const auto hash = a ? (*a)["hash"].value_exact<std::string>() : std::nullopt;
            if (!dtype || (*dtype != "float32" && *dtype != "float64") || !rows || !cols || !hash)
                throw bad(fmt::format(
                    "arrays.{} needs dtype (float32 or float64), rows, cols and hash", name));
            const std::string file_rel = *source + "/" + name + ".npy";
            const fs::path file = parent.path() / file_rel;
            const auto bytes = parent.read(file_rel, why);
            if (!bytes)
                throw std::runtime_error(
                    fmt::format("checkpoint array '{}' is missing: cannot read '{}': {}", name,
                                file.string(), why));
            if (*dtype == "float32")
                c.entries_[name] = read_array<float>(*bytes, file, *rows, *cols, *hash, where);
            else
                c.entries_[name] = read_array<double>(*bytes, file, *rows, *cols, *hash, where);
        }
    return c;
}

void save_random_state(Checkpoint& c, const std::string& prefix, const RandomState& s) {
    c.set_string(prefix + ".key", hex64(s.key));
    c.set_string(prefix + ".counter", hex64(s.counter));
    for (std::size_t i = 0; i < s.block.size(); ++i)
        c.set_int(fmt::format("{}.block.{}", prefix, i), s.block[i]);
    c.set_int(prefix + ".buffered", s.buffered);
    c.set_int(prefix + ".has_spare_normal", s.has_spare_normal ? 1 : 0);
    c.set_double(prefix + ".spare_normal", s.spare_normal);
}

RandomState load_random_state(const Checkpoint& c, const std::string& prefix) {
    const auto hex = [&](const std::string& name) {
        bool ok = false;
        const std::uint64_t v = parse_hex64(c.get_string(name), ok);
        if (!ok)
            throw std::runtime_error(
                fmt::format("checkpoint entry '{}' is not 16 hex digits", name));
        return v;
    };
    const auto ranged = [&](const std::string& name, std::int64_t high) {
        const std::int64_t v = c.get_int(name);
        if (v < 0 || v > high)
            throw std::runtime_error(
                fmt::format("checkpoint entry '{}' is {}, outside [0, {}]", name, v, high));
        return v;
    };
    RandomState s;
    s.key = hex(prefix + ".key");
    s.counter = hex(prefix + ".counter");
    for (std::size_t i = 0; i < s.block.size(); ++i)
        s.block[i] =
            static_cast<std::uint32_t>(ranged(fmt::format("{}.block.{}", prefix, i), UINT32_MAX));
    s.buffered = static_cast<unsigned>(ranged(prefix + ".buffered", 4));
    s.has_spare_normal = ranged(prefix + ".has_spare_normal", 1) == 1;
    s.spare_normal = c.get_double(prefix + ".spare_normal");
    return s;
}

template <typename T>
void save_optimizer(Checkpoint& c, const std::string& prefix, const Optimizer<T>& optimizer) {
    OptimizerState<T> s = optimizer.state();
    c.set_string(prefix + ".kind", std::string(optimizer_name(s.kind)));
    c.set_int(prefix + ".steps", s.steps);
    c.set_int(prefix + ".count", static_cast<std::int64_t>(s.m.size()));
    for (std::size_t i = 0; i < s.m.size(); ++i) {
        c.set_array(fmt::format("{}.m.{}", prefix, i), std::move(s.m[i]));
        c.set_array(fmt::format("{}.v.{}", prefix, i), std::move(s.v[i]));
    }
}

template <typename T>
void restore_optimizer(const Checkpoint& c, const std::string& prefix, Optimizer<T>& optimizer) {
    const std::string& kind = c.get_string(prefix + ".kind");
    if (kind != optimizer_name(optimizer.config().kind))
        throw std::runtime_error(fmt::format("checkpoint '{}' holds the state of {}, not of {}",
                                             prefix, kind,
                                             optimizer_name(optimizer.config().kind)));
    OptimizerState<T> s;
    s.kind = optimizer.config().kind;
    s.steps = static_cast<long>(c.get_int(prefix + ".steps"));
    const std::int64_t count = c.get_int(prefix + ".count");
    if (count < 0)
        throw std::runtime_error(fmt::format("checkpoint '{}.count' is negative", prefix));
    for (std::int64_t i = 0; i < count; ++i) {
        s.m.push_back(c.get_array<T>(fmt::format("{}.m.{}", prefix, i)));
        s.v.push_back(c.get_array<T>(fmt::format("{}.v.{}", prefix, i)));
    }
    try {
        optimizer.restore(std::move(s));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(fmt::format("checkpoint '{}': {}", prefix, e.what()));
    }
}

template void save_optimizer(Checkpoint&, const std::string&, const Optimizer<float>&);
template void save_optimizer(Checkpoint&, const std::string&, const Optimizer<double>&);
template void restore_optimizer(const Checkpoint&, const std::string&, Optimizer<float>&);
template void restore_optimizer(const Checkpoint&, const std::string&, Optimizer<double>&);

}  // namespace rnn::rt
