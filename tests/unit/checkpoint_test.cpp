// Checkpoints (runtime/checkpoint.hpp): bit-exact round trips of arrays and scalars, exact
// continuation of random streams and optimizers after a restore, clear errors for damaged
// checkpoints and bad names, and the replace / interrupted-save behaviour of save().
#include "runtime/checkpoint.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/files.hpp"
#include "tests/unit/temp_dir.hpp"

namespace rt = rnn::rt;
namespace fs = std::filesystem;

namespace {

using rnn::test::TempDir;

template <typename T> bool same_bits(const arma::Mat<T>& a, const arma::Mat<T>& b) {
    return a.n_rows == b.n_rows && a.n_cols == b.n_cols
           && std::memcmp(a.memptr(), b.memptr(), a.n_elem * sizeof(T)) == 0;
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

std::string load_error(const fs::path& dir) {
    try {
        rt::Checkpoint::load(dir);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "no error";
}

std::string slurp(const fs::path& p) {
    std::string why;
    auto bytes = rt::read_file(p, why);
    REQUIRE(bytes);
    return *bytes;
}

void overwrite(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

rt::Checkpoint small_checkpoint(std::int64_t tag) {
    rt::Checkpoint c;
    c.set_int("tag", tag);
    c.set_array("W", arma::fmat(2, 3, arma::fill::value(static_cast<float>(tag))));
    c.set_array("b", arma::mat(3, 1, arma::fill::value(0.5)));
    return c;
}

}  // namespace

TEST_CASE("checkpoint arrays and scalars round-trip bit for bit") {
    const TempDir tmp("roundtrip");
    const float fsnan = std::bit_cast<float>(0x7f800001U);  // signalling NaN
    const float fqnan = std::bit_cast<float>(0xffc0beefU);  // negative quiet NaN, payload
    const double dsnan = std::bit_cast<double>(0x7ff0000000000001ULL);
    const double dqnan = std::bit_cast<double>(0x7ff8deadbeef0001ULL);
    arma::fmat f = {{-0.0F, std::numeric_limits<float>::denorm_min(), 1.0F / 3.0F},
                    {fsnan, fqnan, -std::numeric_limits<float>::infinity()},
                    {1e-40F, std::numeric_limits<float>::max(), 1.0F}};
    arma::mat d = {{-0.0, std::numeric_limits<double>::denorm_min(), 1.0 / 3.0, dsnan},
                   {dqnan, std::numeric_limits<double>::infinity(), 4.9e-320, -1e308}};
    rt::Checkpoint c;
    c.set_array("f32", f);
    c.set_array("f64", d);
    c.set_array("empty", arma::mat(0, 3));
    c.set_array("row-vector_1.x", arma::fmat(1, 5, arma::fill::value(2.5F)));
    c.set_int("min", std::numeric_limits<std::int64_t>::min());
    c.set_int("max", std::numeric_limits<std::int64_t>::max());
    c.set_int("minus_one", -1);
    c.set_double("neg_zero", -0.0);
    c.set_double("denorm", std::numeric_limits<double>::denorm_min());
    c.set_double("third", 1.0 / 3.0);
    c.set_double("snan", dsnan);
    c.set_double("qnan", dqnan);
    c.set_double("inf", -std::numeric_limits<double>::infinity());
    const std::string tricky = std::string("quote \" backslash \\ newline \n tab \t del \x7f nul ")
                               + '\0' + " unicode \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 '''\"\"\"";
    c.set_string("tricky", tricky);
    c.set_string("empty_string", "");
    c.save(tmp.path / "ckpt");

    const rt::Checkpoint back = rt::Checkpoint::load(tmp.path / "ckpt");
    CHECK(back.names() == c.names());
    CHECK(same_bits(back.get_array<float>("f32"), f));
    CHECK(same_bits(back.get_array<double>("f64"), d));
    CHECK(back.get_array<double>("empty").n_rows == 0);
    CHECK(back.get_array<double>("empty").n_cols == 3);
    CHECK(same_bits(back.get_array<float>("row-vector_1.x"), c.get_array<float>("row-vector_1.x")));
    CHECK(back.get_int("min") == std::numeric_limits<std::int64_t>::min());
    CHECK(back.get_int("max") == std::numeric_limits<std::int64_t>::max());
    CHECK(back.get_int("minus_one") == -1);
    for (const char* name : {"neg_zero", "denorm", "third", "snan", "qnan", "inf"}) {
        INFO(name);
        CHECK(same_bits(back.get_double(name), c.get_double(name)));
    }
    CHECK(back.get_string("tricky") == tricky);
    CHECK(back.get_string("empty_string").empty());
    // Arrays keep their element type; asking for the other one is an error, as is a name
    // that is not there.
    CHECK_THROWS_AS(back.get_array<double>("f32"), std::runtime_error);
    CHECK_THROWS_AS(back.get_int("third"), std::runtime_error);
    CHECK_THROWS_AS(back.get_int("nothing"), std::runtime_error);
    // The arrays are plain .npy files that numpy (and parse_npy) read.
    const arma::mat plain = rt::load_npy(tmp.path / "ckpt" / "f64.npy");
    CHECK(plain(0, 2) == 1.0 / 3.0);
}

TEST_CASE("a random stream restored from a checkpoint continues with the same numbers") {
    const TempDir tmp("random");
    rt::RandomStream original(rt::stream_key(3, "checkpoint / stream"));
    // An odd number of normals leaves a spare buffered; one more word leaves a block
    // partly used.
    for (int i = 0; i < 7; ++i)
        original.normal();
    original.next_u32();
    const rt::RandomState saved = original.state();
    REQUIRE(saved.has_spare_normal);
    REQUIRE(saved.buffered > 0);
    REQUIRE(saved.buffered < 4);
    rt::Checkpoint c;
    rt::save_random_state(c, "streams.init", saved);
    c.save(tmp.path / "ckpt");
    const rt::RandomState loaded =
        rt::load_random_state(rt::Checkpoint::load(tmp.path / "ckpt"), "streams.init");
    CHECK(loaded == saved);

    rt::RandomStream resumed(0);
    resumed.restore(loaded);
    // Restoring the counter alone would lose the spare normal and the buffered words.
    rt::RandomStream by_counter(saved.key);
    by_counter.set_position(saved.counter);
    bool counter_only_differs = false;
    for (int i = 0; i < 300; ++i) {
        const double a = original.normal(), b = resumed.normal();
        CHECK(same_bits(a, b));
        counter_only_differs |= !same_bits(a, by_counter.normal());
        CHECK(original.next_u32() == resumed.next_u32());
        CHECK(original.uniform_float() == resumed.uniform_float());
        by_counter.next_u32();
        by_counter.uniform_float();
    }
    CHECK(counter_only_differs);
    CHECK(original.state() == resumed.state());

    rt::RandomState broken = saved;
    broken.buffered = 5;
    CHECK_THROWS_AS(resumed.restore(broken), std::invalid_argument);
    rt::Checkpoint bad;
    rt::save_random_state(bad, "s", saved);
    bad.set_int("s.buffered", 9);
    CHECK_THROWS_AS(rt::load_random_state(bad, "s"), std::runtime_error);
}

namespace {

// A deterministic, non-trivial gradient of the parameters, so that every bit of the
// parameters and optimizer state feeds the next step.
void gradients(const arma::fmat& w, const arma::fmat& b, arma::fmat& gw, arma::fmat& gb) {
    gw = w - 0.5F * arma::square(w) + 0.1F;
    gb = arma::sin(b) * 1.3F - 0.2F;
}

struct Params {
    arma::fmat w, b;
};

Params initial_params() {
    rt::RandomStream s(rt::stream_key(11, "checkpoint / params"));
    Params p{arma::fmat(3, 4), arma::fmat(3, 1)};
    s.fill_normal(p.w, 0.0, 1.0);
    s.fill_normal(p.b, 0.0, 1.0);
    return p;
}

void train(rt::Optimizer<float>& opt, Params& p, int steps) {
    arma::fmat gw, gb;
    for (int i = 0; i < steps; ++i) {
        gradients(p.w, p.b, gw, gb);
        opt.step({&p.w, &p.b}, {&gw, &gb});
    }
}

}  // namespace

TEST_CASE("a restored optimizer continues bit for bit: N + save + restore + M == N + M") {
    const TempDir tmp("optimizer");
    rt::OptimizerConfig adam;
    adam.kind = rt::OptimizerKind::Adam;
    adam.lr = 0.01;
    adam.weight_decay = 0.01;
    rt::OptimizerConfig adamw = adam;
    adamw.kind = rt::OptimizerKind::AdamW;
    rt::OptimizerConfig sgd;
    sgd.kind = rt::OptimizerKind::Sgd;
    sgd.lr = 0.05;
    sgd.momentum = 0.9;
    sgd.dampening = 0.1;
    rt::OptimizerConfig nesterov = sgd;
    nesterov.dampening = 0.0;
    nesterov.nesterov = true;
    const int n = 5, m = 7;
    for (const auto& [label, config] :
         {std::pair{"adam", adam}, std::pair{"adamw", adamw}, std::pair{"sgd momentum", sgd},
          std::pair{"sgd nesterov", nesterov}}) {
        INFO(label);
        Params straight = initial_params();
        rt::Optimizer<float> uninterrupted(config);
        train(uninterrupted, straight, n + m);

        Params first = initial_params();
        rt::Optimizer<float> before(config);
        train(before, first, n);
        rt::Checkpoint c;
        c.set_array("params.w", first.w);
        c.set_array("params.b", first.b);
        rt::save_optimizer(c, "opt", before);
        c.save(tmp.path / "ckpt");

        const rt::Checkpoint loaded = rt::Checkpoint::load(tmp.path / "ckpt");
        Params resumed{loaded.get_array<float>("params.w"), loaded.get_array<float>("params.b")};
        rt::Optimizer<float> after(config);
        rt::restore_optimizer(loaded, "opt", after);
        CHECK(after.steps_taken() == n);
        train(after, resumed, m);
        CHECK(same_bits(resumed.w, straight.w));
        CHECK(same_bits(resumed.b, straight.b));
        const auto s1 = after.state(), s2 = uninterrupted.state();
        REQUIRE(s1.m.size() == s2.m.size());
        for (std::size_t i = 0; i < s1.m.size(); ++i) {
            CHECK(same_bits(s1.m[i], s2.m[i]));
            CHECK(same_bits(s1.v[i], s2.v[i]));
        }

        // Without the optimizer state the same parameters end elsewhere: the check above
        // can tell.
        Params fresh{loaded.get_array<float>("params.w"), loaded.get_array<float>("params.b")};
        rt::Optimizer<float> cold(config);
        train(cold, fresh, m);
        CHECK_FALSE(same_bits(fresh.w, straight.w));
    }
}

TEST_CASE("optimizer state is checked when restored") {
    rt::OptimizerConfig adam;
    rt::OptimizerConfig sgd;
    sgd.kind = rt::OptimizerKind::Sgd;
    Params p = initial_params();
    rt::Optimizer<float> trained(adam);
    train(trained, p, 2);
    rt::Checkpoint c;
    rt::save_optimizer(c, "opt", trained);
    rt::Optimizer<float> other_kind(sgd);
    CHECK_THROWS_AS(rt::restore_optimizer(c, "opt", other_kind), std::runtime_error);
    rt::Optimizer<double> other_type(adam);
    CHECK_THROWS_AS(rt::restore_optimizer(c, "opt", other_type), std::runtime_error);
    // Buffers that do not fit the parameters are refused at the next step, not used.
    rt::Optimizer<float> restored(adam);
    rt::restore_optimizer(c, "opt", restored);
    arma::fmat w(2, 2, arma::fill::ones), b(3, 1, arma::fill::ones);
    arma::fmat gw = w, gb = b;
    CHECK_THROWS_AS(restored.step({&w, &b}, {&gw, &gb}), std::invalid_argument);
    c.set_array("opt.v.1", arma::fmat(7, 7));
    CHECK_THROWS_AS(rt::restore_optimizer(c, "opt", restored), std::runtime_error);
}

TEST_CASE("a damaged checkpoint gives an error naming the file") {
    const TempDir tmp("damaged");
    const fs::path dir = tmp.path / "ckpt";
    rt::Checkpoint c;
    c.set_array("W", arma::fmat(4, 4, arma::fill::value(1.5F)));
    c.set_array("b", arma::mat(4, 1, arma::fill::value(-2.0)));
    c.set_int("step", 10);
    c.save(dir);
    REQUIRE(load_error(dir) == "no error");

    const std::string w = slurp(dir / "W.npy");
    const std::string index = slurp(dir / "checkpoint.toml");
    // A missing array.
    fs::remove(dir / "W.npy");
    CHECK(load_error(dir).find("W.npy") != std::string::npos);
    // A truncated array.
    overwrite(dir / "W.npy", w.substr(0, w.size() - 3));
    CHECK(load_error(dir).find("W.npy") != std::string::npos);
    // Flipped bits in the data, still a well-formed .npy: caught by the hash.
    std::string flipped = w;
    flipped[flipped.size() - 2] ^= 0x10;
    overwrite(dir / "W.npy", flipped);
    CHECK(load_error(dir).find("W.npy") != std::string::npos);
    CHECK(load_error(dir).find("corrupted") != std::string::npos);
    // An array of the other element type.
    overwrite(dir / "W.npy", rt::npy_bytes(arma::mat(4, 4, arma::fill::value(1.5))));
    CHECK(load_error(dir).find("W.npy") != std::string::npos);
    overwrite(dir / "W.npy", w);
    CHECK(load_error(dir) == "no error");

    // The index: garbage, another format version, a missing entry, a bad name.
    overwrite(dir / "checkpoint.toml", "this is [not toml");
    CHECK(load_error(dir).find("checkpoint.toml") != std::string::npos);
    std::string v2 = index;
    v2.replace(v2.find("format_version = 1"), 18, "format_version = 2");
    overwrite(dir / "checkpoint.toml", v2);
    CHECK(load_error(dir).find("format version 2") != std::string::npos);
    std::string no_hash = index;
    no_hash.replace(no_hash.find("hash ="), 6, "hush =");
    overwrite(dir / "checkpoint.toml", no_hash);
    CHECK(load_error(dir).find("checkpoint.toml") != std::string::npos);
    overwrite(dir / "checkpoint.toml", index + "\n[int.extra]\n");
    CHECK(load_error(dir) != "no error");
    std::string evil = index;
    evil.replace(evil.find("step = 10"), 9, "\"../step\" = 10");
    overwrite(dir / "checkpoint.toml", evil);
    CHECK(load_error(dir).find("../step") != std::string::npos);
    fs::remove(dir / "checkpoint.toml");
    CHECK(load_error(dir).find("checkpoint.toml") != std::string::npos);
    fs::remove_all(dir);
    CHECK(load_error(dir).find("no checkpoint") != std::string::npos);
    CHECK_FALSE(rt::Checkpoint::exists(dir));
}

TEST_CASE("names that are not safe file names are rejected") {
    rt::Checkpoint c;
    for (const std::string& bad :
         {std::string(), std::string(".hidden"), std::string("a/b"), std::string("../x"),
          std::string("a b"), std::string("\xc3\xa9"), std::string("x\\y"),
          std::string("nul") + '\0', std::string(201, 'a')}) {
        INFO(bad);
        CHECK_FALSE(rt::Checkpoint::valid_name(bad));
        CHECK_THROWS_AS(c.set_array(bad, arma::fmat(1, 1)), std::invalid_argument);
        CHECK_THROWS_AS(c.set_int(bad, 1), std::invalid_argument);
    }
    for (const std::string& good : {std::string("opt.m.0"), std::string("W_self-1"),
                                    std::string("a"), std::string(200, 'z')}) {
        INFO(good);
        CHECK(rt::Checkpoint::valid_name(good));
        CHECK_NOTHROW(c.set_double(good, 1.0));
    }
    CHECK(c.names().size() == 4);
    // TOML strings must be UTF-8.
    CHECK_THROWS_AS(c.set_string("s", "\xff"), std::invalid_argument);
    CHECK_THROWS_AS(c.set_string("s", "\xc0\xaf"), std::invalid_argument);      // overlong '/'
    CHECK_THROWS_AS(c.set_string("s", "\xed\xa0\x80"), std::invalid_argument);  // surrogate
    CHECK_THROWS_AS(c.set_string("s", "\xe2\x82"), std::invalid_argument);      // truncated
    CHECK_NOTHROW(c.set_string("s", "\xe2\x82\xac"));
    // One namespace: a name set again changes kind.
    c.set_int("a", 3);
    c.set_string("a", "text");
    CHECK(c.get_string("a") == "text");
    CHECK_THROWS_AS(c.get_int("a"), std::runtime_error);
}

TEST_CASE("saving over a checkpoint replaces it and leaves nothing else behind") {
    const TempDir tmp("replace");
    const fs::path dir = tmp.path / "runs" / "ckpt";  // parents are created
    rt::Checkpoint first = small_checkpoint(1);
    first.set_array("only_in_first", arma::mat(2, 2, arma::fill::ones));
    first.save(dir);
    small_checkpoint(2).save(dir / "");  // a trailing separator names the same directory
    const rt::Checkpoint back = rt::Checkpoint::load(dir);
    CHECK(back.get_int("tag") == 2);
    CHECK_FALSE(back.contains("only_in_first"));
    CHECK_FALSE(fs::exists(dir / "only_in_first.npy"));
    CHECK(back.get_array<float>("W")(1, 2) == 2.0F);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp.path / "runs"))
        ++entries;
    CHECK(entries == 1);  // no staging or old sibling left

    // Something that is not a checkpoint is never replaced.
    const fs::path run = tmp.path / "run";
    fs::create_directories(run);
    overwrite(run / "metrics.toml", "x = 1\n");
    CHECK_THROWS_AS(small_checkpoint(3).save(run), std::runtime_error);
    CHECK(fs::exists(run / "metrics.toml"));
    overwrite(tmp.path / "file", "data");
    CHECK_THROWS_AS(small_checkpoint(3).save(tmp.path / "file"), std::runtime_error);
    CHECK(slurp(tmp.path / "file") == "data");
    // An empty directory may become a checkpoint.
    fs::create_directories(tmp.path / "empty");
    small_checkpoint(4).save(tmp.path / "empty");
    CHECK(rt::Checkpoint::load(tmp.path / "empty").get_int("tag") == 4);
}

TEST_CASE("a save killed at any point leaves the old or the new checkpoint readable") {
    const TempDir tmp("interrupted");
    const fs::path dir = tmp.path / "ckpt";
    const fs::path staging = tmp.path / ".ckpt.new", old = tmp.path / ".ckpt.old";
    const auto reset = [&] {
        for (const auto& p : {dir, staging, old})
            fs::remove_all(p);
    };

    // Killed while writing the staging directory: the index is not there yet.
    small_checkpoint(1).save(dir);
    fs::create_directories(staging);
    overwrite(staging / "W.npy", "partial");
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 1);
    small_checkpoint(2).save(dir);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 2);
    CHECK_FALSE(fs::exists(staging));

    // Killed between the two renames: the old checkpoint moved aside, the new one complete
    // in staging. The newer one is read, and the next save starts from it.
    reset();
    small_checkpoint(1).save(old);
    small_checkpoint(2).save(staging);
    CHECK(rt::Checkpoint::exists(dir));
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 2);
    small_checkpoint(3).save(dir);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 3);
    CHECK_FALSE(fs::exists(staging));
    CHECK_FALSE(fs::exists(old));

    // Only the old one complete (the directory gone, staging without an index): the old
    // one is read.
    reset();
    small_checkpoint(1).save(old);
    fs::create_directories(staging);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 1);

    // A first save killed while writing: there is no checkpoint yet, and the next save
    // writes one.
    reset();
    fs::create_directories(staging);
    overwrite(staging / "W.npy", "partial");
    CHECK_FALSE(rt::Checkpoint::exists(dir));
    small_checkpoint(5).save(dir);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 5);
    CHECK_FALSE(fs::exists(staging));

    // Killed after the new one was renamed in, before the old one was deleted.
    reset();
    small_checkpoint(2).save(dir);
    small_checkpoint(1).save(old);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 2);
    small_checkpoint(3).save(dir);
    CHECK(rt::Checkpoint::load(dir).get_int("tag") == 3);
    CHECK_FALSE(fs::exists(old));
}
