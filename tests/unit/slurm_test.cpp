// The Slurm executor's text (interpreter/engine/slurm): words quoted for the shell come back
// unchanged through /bin/sh, whatever they hold; the job script maps array indices to node
// keys and runs the driver's arguments; sbatch's %-patterns in the log path are escaped.
#include "interpreter/engine/slurm.hpp"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>

#include "interpreter/engine/schedule.hpp"
#include "runtime/files.hpp"

namespace i = rnn::interp;
namespace fs = std::filesystem;

TEST_CASE("shell_quote: hostile words come back unchanged through /bin/sh") {
    const std::vector<std::string> words = {"plain",
                                            "",
                                            "with space",
                                            "it's",
                                            "'",
                                            "''",
                                            "$(touch pwned)",
                                            "`id`",
                                            "a\nb",
                                            "\\'\\",
                                            "100% $HOME ${x} ;|&<>*?[]!#~",
                                            "--set",
                                            "fit.lr=\"x\""};
    const fs::path dir = fs::temp_directory_path() / ("rnn_quote_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string script = "cd " + i::shell_quote(dir.string()) + " || exit 1\n";
    for (std::size_t k = 0; k < words.size(); ++k)
        script += "printf %s " + i::shell_quote(words[k]) + " > w" + std::to_string(k) + "\n";
    rnn::rt::write_file_atomically(dir / "s.sh", script);
    REQUIRE(std::system(("/bin/sh " + i::shell_quote((dir / "s.sh").string())).c_str()) == 0);
    for (std::size_t k = 0; k < words.size(); ++k) {
        std::string why;
        const auto back = rnn::rt::read_file(dir / ("w" + std::to_string(k)), why);
        REQUIRE_MESSAGE(back, why);
        CHECK(*back == words[k]);
    }
    CHECK_FALSE(fs::exists(dir / "pwned"));
    fs::remove_all(dir);
}

TEST_CASE("slurm_job_script: one unit's keys per array index, the driver's arguments quoted") {
    i::SlurmOptions o;
    o.rnn = "/opt/rnn dir/rnn";
    o.blas_threads = 2;
    o.worker_args = {"/home/me/it's.rnn", "--out", "/scratch/o", "--set", "fit.epochs=3"};
    const std::string s =
        i::slurm_job_script(o, {{0x1ULL, 0xfedcba9876543210ULL}, {0x2ULL}, {0x3ULL, 0x4ULL}});
    CHECK(s.starts_with("#!/bin/bash\n"));
    CHECK(s.find("keys=(\n  0000000000000001,fedcba9876543210\n  0000000000000002\n  "
                 "0000000000000003,0000000000000004\n)")
          != std::string::npos);
    CHECK(s.find("key=${keys[$SLURM_ARRAY_TASK_ID]}") != std::string::npos);
    CHECK(s.find("export OPENBLAS_NUM_THREADS=2\n") != std::string::npos);
    CHECK(s.find("exec '/opt/rnn dir/rnn' run '/home/me/it'\\''s.rnn' '--out' '/scratch/o' "
                 "'--set' 'fit.epochs=3' --node \"$key\"\n")
          != std::string::npos);
}

TEST_CASE("sbatch_command: the array, sbatch's options, a literal % in the log path") {
    i::SlurmOptions o;
    o.partition = "short";
    o.time = "1:00:00";
    o.mem = "2G";
    const auto cmd =
        i::sbatch_command(o, 20, "/o/.slurm/job.sh", "/runs/100%/.slurm/logs", "rnn-s");
    const std::vector<std::string> expected = {"sbatch",
                                               "--parsable",
                                               "--array=0-19",
                                               "--job-name=rnn-s",
                                               "--output=/runs/100%%/.slurm/logs/%A_%a.out",
                                               "--cpus-per-task=1",
                                               "--partition=short",
                                               "--time=1:00:00",
                                               "--mem=2G",
                                               "/o/.slurm/job.sh"};
    CHECK(cmd == expected);
    o.cpus_per_task = 4;
    CHECK(i::sbatch_command(o, 1, "j", "l", "n")[5] == "--cpus-per-task=4");
}

TEST_CASE("remote_units: a training with what reads only it, the rest on the driver") {
    // Nodes in graph order: inputs come first.
    i::Graph g;
    auto add = [&](i::NodeKind kind, const char* name, std::vector<std::size_t> inputs) {
        g.nodes.push_back(i::GraphNode{kind, name, std::move(inputs), "", g.nodes.size() + 1});
        return g.nodes.size() - 1;
    };
    const auto task = add(i::NodeKind::Task, "m", {});
    const auto fit1 = add(i::NodeKind::Train, "fit[1]", {task});
    const auto fit2 = add(i::NodeKind::Train, "fit[2]", {task});
    const auto cut = add(i::NodeKind::Alter, "cut", {fit1, task});
    const auto test1 = add(i::NodeKind::Evaluate, "test[1]", {fit1, task});
    const auto test2 = add(i::NodeKind::Evaluate, "test[2]", {fit2, task});
    const auto held = add(i::NodeKind::Evaluate, "held", {cut, task});
    const auto pr1 = add(i::NodeKind::Analyze, "pr[1]", {test1});
    const auto both = add(i::NodeKind::Analyze, "table", {pr1, test2});
    const auto fig = add(i::NodeKind::Plot, "t.png", {test1});
    (void)both;
    (void)fig;
    std::vector<bool> cached(g.nodes.size(), false);
    using U = std::vector<std::vector<std::size_t>>;
    CHECK(i::remote_units(g, cached) == U{{fit1, cut, test1, held, pr1}, {fit2, test2}});
    // A cached training still sends what is missing of its own; cached nodes stay out.
    cached[fit1] = true;
    cached[test1] = true;
    cached[fit2] = true;
    cached[test2] = true;
    CHECK(i::remote_units(g, cached) == U{{cut, held, pr1}});
    std::fill(cached.begin(), cached.end(), true);
    CHECK(i::remote_units(g, cached).empty());
}
