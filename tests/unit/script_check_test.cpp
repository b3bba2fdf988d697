// Which saved gnuplot scripts rnnlab vouches for (stdlib/figures/script_check.hpp): the
// scripts its figures write pass (figures_test.cpp checks every one it renders), and
// every way a shared script could run a command, write a file or read one outside its
// folder is refused, with the line named. rnn plot --edited is the only way to run those.
#include "stdlib/figures/script_check.hpp"

#include <doctest/doctest.h>

namespace s = rnn::stdlib;

namespace {

const std::string kHead =
    "set terminal pngcairo size 900,600 noenhanced font 'sans,10'\n"
    "set linetype 1 lc rgb '#000000' lw 1.5\n"
    "set output \"a.png\"\n";

std::string problem(const std::string& body) {
    return s::check_script(kHead + body + "\nunset output\n", "a").problem;
}

}  // namespace

TEST_CASE("a script as rnnlab writes it is vouched for, with its picture and data files") {
    const s::ScriptCheck c = s::check_script(
        kHead
            + "set title \"it\\0047s \\0140ok\\0140\"\nset grid\nset key outside right\n"
              "set palette defined (0 '#ffffff', 1 '#2166ac')\n"
              "set object 1 rect from 0,graph 0 to 3,graph 1 behind fc rgb '#eeeeee'\n"
              "plot \"a.dat\" using 1:2 with lines lw 1.5 title \"loss\", \"./-x.dat\" using "
              "1:($2 > 0.5 ? $3 : NaN) with points title 'stable', NaN notitle\n"
              "unset output\n",
        "a");
    CHECK(c.problem == "");
    CHECK(c.picture == "a.png");
    CHECK(c.data == std::vector<std::string>{"a.dat", "-x.dat"});
}

TEST_CASE("an edit within the rules is vouched for") {
    CHECK(problem("set xrange [0:100]\nset logscale y\nset ylabel 'my loss'\n"
                  "plot [0:10] \"a.dat\" using 1:(log10(column(2))) with lines lc rgb '#ff0000' "
                  "title \"x\"; set key top left")
          == "");
}

TEST_CASE("every way to run a command, write or read elsewhere is refused, naming the line") {
    const std::vector<std::pair<std::string, std::string>> hostile = {
        {"set title system(\"touch PWNED\")", "line 4: 'system'"},
        {"set title \"`touch PWNED`\"",
         "line 4: the character '`' (command or macro substitution)"},
        {"set title `touch PWNED`", "line 4: the character '`' (command or macro substitution)"},
        {"!touch PWNED", "line 4: a shell command ('!')"},
        {"set grid; !touch PWNED", "line 4: a shell command ('!')"},
        {"load \"x.gp\"",
         "line 4: 'load' is not a command rnnlab writes (set, unset, plot, splot)"},
        {"call \"x.gp\"",
         "line 4: 'call' is not a command rnnlab writes (set, unset, plot, splot)"},
        {"set print \"x\"", "line 4: 'print'"},
        {"set table \"x\"", "line 4: 'table'"},
        {"set out \"x\"", "line 4: 'set out' is not a setting rnnlab writes"},
        {"set output \"../x.png\"",
         "line 4: a second 'set output', or one that is not one file name"},
        {"plot \"<touch PWNED\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"|touch PWNED\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"a.dat\", \"../../etc/passwd\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"/etc/passwd\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"<\".\"touch PWNED\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot (\"<touch PWNED\")", "line 4: the function 'plot'"},
        {"plot f", "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"f = \"<touch PWNED\"",
         "line 4: 'f' is not a command rnnlab writes (set, unset, plot, splot)"},
        {"set title x = 3", "line 4: an assignment"},
        {"plot for [f in \"<x\"] f", "line 4: 'for'"},
        {"set title @m", "line 4: the character '@' (command or macro substitution)"},
        {"set title \"@m\"", "line 4: the character '@' (command or macro substitution)"},
        {"set title $x", "line 4: '$' other than a column number ($2)"},
        {"set title \"a\" \\", "line 4: a line continued with '\\'"},
        {"# a comment \\", "line 4: a line continued with '\\'"},
        {"set palette file \"<touch PWNED\"", "line 4: 'file'"},
        {"set title sprintf(\"%s\", \"x\")", "line 4: 'sprintf'"},
        {"set title \"\\x41\"", "line 4: a '\\' in a string other than an octal escape"},
        {"set title 'a''b'", "line 4: a quote doubled inside a single-quoted string"},
        {"set encoding sjis", "line 4: 'encoding'"},
        {"if (1) { set grid }", "line 4: the character '{'"},
        {"set title \"a\r\"", "line 4: a control character"},
        {"set terminal dumb", "line 4: a terminal other than pngcairo, svg or pdfcairo"},
        // A file name gnuplot would compute rather than read as written.
        {"plot \"a\" eq \"a\" ? \"<touch PWNED1\" : \"b\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"a<touch PWNED2\"[2:]",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"b\" using 1:2, \"a\" ne \"b\" ? \"<touch PWNED3\" : \"b\"",
         "line 4: a plot of something other than a data file beside the script, or NaN"},
        {"plot \"b\" using 1:2) , \"<touch X\"", "line 4: a bracket closed that was not opened"},
        {"plot \"b\" using (1:2", "line 4: a bracket not closed"},
        // Work without end: a shared script must not hang rnn plot or exhaust memory.
        {"set samples 2000000000", "line 4: 'set samples' with a number above 10000"},
        {"set isosamples 100000, 10", "line 4: 'set isosamples' with a number above 10000"},
        {"set pointsize 1e9", "line 4: 'set pointsize' with a number above 8000"},
    };
    for (const auto& [line, why] : hostile)
        CHECK_MESSAGE(problem(line) == why, line);
}

TEST_CASE("the picture is set by the one line rnnlab writes, which rnn plot redirects") {
    // Any other form would have gnuplot write the picture's name itself, through a link
    // a shared folder may hold there.
    const std::string rest = "plot \"a.dat\"\nunset output\n";
    const std::string terminal = "set terminal pngcairo size 900,600\n";
    CHECK(s::check_script(terminal + "set output 'a.png'\n" + rest, "a").problem
          == "its 'set output' is not the line rnnlab writes, set output \"a.png\"");
    CHECK(s::check_script(terminal + "set output \"a.png\"; set grid\n" + rest, "a").problem
          == "its 'set output' is not the line rnnlab writes, set output \"a.png\"");
    CHECK(s::check_script(terminal + "set output \"a.png\"\n" + rest, "a").problem == "");
    CHECK(
        s::check_script("set terminal pngcairo size 90000,600\nset output \"a.png\"\n" + rest, "a")
            .problem
        == "line 1: 'set terminal' with a number above 8000");
}

TEST_CASE("a script must draw its own picture, once") {
    CHECK(s::check_script(kHead, "b").problem
          == "it does not draw one picture b.png, .svg or .pdf beside it");
    CHECK(s::check_script("set output \"a.png\"\n", "a").problem
          == "it does not draw one picture a.png, .svg or .pdf beside it");
}
