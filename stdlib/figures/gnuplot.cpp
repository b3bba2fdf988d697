#include "stdlib/figures/gnuplot.hpp"

#include <cerrno>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "runtime/files.hpp"
#include "stdlib/figures/figure_files.hpp"

namespace rnn::stdlib {

namespace {

// What a double-quoted gnuplot string holds as written: ASCII letters, digits, space and
// harmless punctuation. Quotes, backslashes, backquotes (command substitution), '@'
// (macros), '$', control characters and bytes from 0x80 (which a multi-byte encoding such
// as `set encoding sjis` would join with the next byte, a closing quote say) are written
// as octal escapes.
bool plain_in_string(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return std::string_view(" !#%&()*+,-./:;<=>?[]^_{|}~").find(static_cast<char>(c))
           != std::string_view::npos;
}

}  // namespace

std::string gnuplot_quote(std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0)
            throw std::invalid_argument("a gnuplot string cannot hold a NUL byte");
        if (plain_in_string(c))
            out.push_back(ch);
        else if (c < 0100)
            // gnuplot reads up to four octal digits after a backslash and a 0: always write
            // four, so that a digit after the escape stays a digit (a newline then "3").
            out += fmt::format("\\0{:03o}", c);
        else
            out += fmt::format("\\{:03o}", c);
    }
    return out + "\"";
}

std::string gnuplot_file(std::string_view name) {
    const char first = name.empty() ? '\0' : name.front();
    const bool plain_start = (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')
                             || (first >= '0' && first <= '9') || first == '_';
    return gnuplot_quote(plain_start ? std::string(name) : "./" + std::string(name));
}

ImageFormat image_format(std::string_view file_name) {
    if (file_name.ends_with(".svg"))
        return ImageFormat::Svg;
    return file_name.ends_with(".pdf") ? ImageFormat::Pdf : ImageFormat::Png;
}

std::string_view image_extension(ImageFormat format) {
    switch (format) {
        case ImageFormat::Svg:
            return ".svg";
        case ImageFormat::Pdf:
            return ".pdf";
        case ImageFormat::Png:
            break;
    }
    return ".png";
}

bool figure_extension_ok(std::string_view file_name) {
    for (const auto format : {ImageFormat::Png, ImageFormat::Svg, ImageFormat::Pdf}) {
        const std::string_view ext = image_extension(format);
        if (file_name.size() > ext.size() && file_name.ends_with(ext))
            return true;
    }
    return false;
}

namespace {

// Terminal, palette line types and output: the head of both the saved and the piped script.
std::string terminal(ImageFormat format, int width, int height) {
    switch (format) {
        case ImageFormat::Svg:
            return fmt::format(
                "set terminal svg size {},{} noenhanced font 'sans,10' background rgb 'white'\n",
                width, height);
        case ImageFormat::Pdf:
            // Points are 1/72 inch: the picture a PNG of this size would be, as a vector.
            return fmt::format(
                "set terminal pdfcairo size {:.4g}in,{:.4g}in noenhanced font "
                "'sans,10'\n",
                width / 72.0, height / 72.0);
        case ImageFormat::Png:
            break;
    }
    return fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,10'\n", width,
                       height);
}

std::string script_head(ImageFormat format, int width, int height, const std::string& output) {
    std::string head = terminal(format, width, height);
    for (std::size_t i = 0; i < okabe_ito.size(); ++i)
        head += fmt::format("set linetype {} {} lw 1.5\n", i + 1, line_colour(i));
    head += fmt::format("set linetype cycle {}\n", okabe_ito.size());
    return head + fmt::format("set output {}\n", gnuplot_file(output));
}

// The first lines gnuplot wrote (its error).
std::string first_lines(const std::string& log, std::size_t count) {
    std::string out;
    std::size_t begin = 0, taken = 0;
    while (begin < log.size() && taken < count) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string::npos)
            end = log.size();
        const std::string line = log.substr(begin, end - begin);
        begin = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        out += (taken++ ? "\n  " : "  ") + line;
    }
    return out;
}

// Runs `gnuplot --default-settings <script>` in `dir` and returns its exit status (-1 when a
// signal ended it). The child changes into `dir` itself and no shell runs, so the folder's
// name reaches no command line and no gnuplot string; standard input and output are
// /dev/null, messages go to `log_fd`. Without the user's ~/.gnuplot every run draws alike.
int run_gnuplot(const rt::Directory& dir, const std::string& script, int log_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
    // gnuplot starts with no signal blocked, whichever thread of ours starts it.
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, log_fd, 2);
    posix_spawn_file_actions_addfchdir_np(&actions, dir.fd());
    std::string program = "gnuplot", defaults = "--default-settings", name = script;
    char* argv[] = {program.data(), defaults.data(), name.data(), nullptr};
    pid_t pid = 0;
    const int failed = ::posix_spawnp(&pid, "gnuplot", &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (failed != 0)
        throw std::runtime_error(
            fmt::format("cannot start gnuplot in '{}': {} (figures need gnuplot on the PATH; "
                        "Debian: gnuplot-nox)",
                        dir.path().string(), std::generic_category().message(failed)));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw std::runtime_error(
                fmt::format("cannot wait for gnuplot: {}", std::generic_category().message(errno)));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Whether a picture's bytes end as a complete PNG or SVG does: gnuplot exits 0 even when
// it could not write all of its output (a full disk), leaving a truncated picture.
bool complete_picture(std::string_view bytes, ImageFormat format) {
    if (format == ImageFormat::Svg)
        return bytes.find("</svg>") != std::string_view::npos;
    if (format == ImageFormat::Pdf)
        return bytes.starts_with("%PDF")
               && bytes.find("%%EOF", bytes.size() > 64 ? bytes.size() - 64 : 0)
                      != std::string_view::npos;
    static constexpr std::string_view kPngEnd("IEND\xae\x42\x60\x82", 8);
    return bytes.starts_with("\x89PNG") && bytes.ends_with(kPngEnd);
}

}  // namespace

void render(const std::filesystem::path& dir, const std::string& stem, ImageFormat format,
            const FigureScript& script) {
    render(rt::Directory::open(dir), stem, format, script);
}

void render(const rt::Directory& dir, const std::string& stem, ImageFormat format,
            const FigureScript& script) {
    for (const auto& d : script.data)
        dir.write(d.name, d.text);
    // The hidden helpers are named after the picture, so a.png and a.svg drawn into one
    // folder share none of them.
    const std::string picture = stem + std::string(image_extension(format));
    const std::string partial = "." + picture + ".partial";
    const std::string piped = "." + picture + ".render.gp";
    const std::string log = "." + picture + ".log";
    // The saved script renders by hand with `gnuplot <stem>.gp` from the run directory; the
    // piped one differs only in its output, a temporary name.
    dir.write(script_file(stem), script_head(format, script.width, script.height, picture)
                                     + script.body + "\nunset output\n");
    dir.write(piped, script_head(format, script.width, script.height, partial) + script.body
                         + "\nunset output\n");
    dir.remove(partial);
    dir.remove(log);
    const int fd =
        ::openat(dir.fd(), log.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error(fmt::format("cannot write '{}': {}", (dir.path() / log).string(),
                                             std::generic_category().message(errno)));
    int status = -1;
    try {
        status = run_gnuplot(dir, piped, fd);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    std::string why;
    const std::string messages = dir.read(log, why, std::size_t{1} << 20).value_or("");
    dir.remove(piped);
    const auto drawn = dir.read(partial, why);
    if (status != 0 || !drawn || !complete_picture(*drawn, format)) {
        dir.remove(partial);
        const std::string said = first_lines(messages, 6);
        throw std::runtime_error(fmt::format(
            "gnuplot could not draw '{}'{}\n(run 'gnuplot ./{}' in '{}' to see it again)", picture,
            said.empty()
                ? (drawn && status == 0 ? std::string(": the picture it wrote is incomplete "
                                                      "(is the disk full?)")
                                        : std::string())
                : ":\n" + said,
            script_file(stem), dir.path().string()));
    }
    dir.rename(partial, picture);
}

std::string line_colour(std::size_t i) {
    return fmt::format("lc rgb '{}'", okabe_ito[i % okabe_ito.size()]);
}

ParamSpec title_param() {
    return {"title",
            ParamType::String,
            Value{std::string()},
            std::nullopt,
            std::nullopt,
            "",
            "figure title; empty for the default"};
}

std::string figure_title(const Params& options, const std::string& fallback) {
    const std::string& t = options.text("title");
    return gnuplot_quote(t.empty() ? fallback : t);
}

std::string column_name(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u <= 0x20 || u == 0x7f ? '_' : c);
    }
    return out.empty() ? "_" : out;
}

std::string data_header(const std::vector<std::string>& columns) {
    std::string out = "#";
    for (const auto& c : columns)
        out += " " + column_name(c);
    return out + "\n";
}

std::string data_rows(const arma::mat& values) {
    std::string out;
    for (arma::uword i = 0; i < values.n_rows; ++i) {
        for (arma::uword j = 0; j < values.n_cols; ++j) {
            const double v = values(i, j);
            out += j ? " " : "";
            out += std::isnan(v) ? std::string("NaN") : fmt::format("{:.9g}", v);
        }
        out += "\n";
    }
    return out;
}

std::string data_table(const std::vector<std::string>& columns, const arma::mat& values) {
    return data_header(columns) + data_rows(values);
}

std::string period_marks(const std::vector<Period>& periods) {
    std::string out;
    int object = 1;
    for (const auto& p : periods) {
        if (object % 2 == 1)
            out += fmt::format(
                "set object {} rect from {},graph 0 to {},graph 1 behind fc rgb '#eeeeee' fs solid "
                "noborder\n",
                object, p.begin, p.end);
        out += fmt::format("set label {} {} at {},graph 0.96 left\n", object, gnuplot_quote(p.name),
                           p.begin + 2);
        ++object;
    }
    return out;
}

}  // namespace rnn::stdlib
