#include "stdlib/figures/gnuplot.hpp"

#include <algorithm>
#include <cmath>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

#include "runtime/files.hpp"

// gnuplot-iostream pulls in Boost headers that trip our warning flags.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#include <gnuplot-iostream.h>
#pragma GCC diagnostic pop

namespace rnn::stdlib {

std::string gnuplot_quote(std::string_view text) {
    std::string content;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            continue;
        if (c == '`')
            content.push_back('\'');
        else if (c == '@')
            content += "(at)";
        else
            content.push_back(c);
    }
    // gnuplot reads a literal that opens with a doubled quote ('''a') as the empty string ''
    // followed by junk, so leading quotes go into a double-quoted string holding only them,
    // joined to the rest: ("'".'a'). gnuplot takes that expression wherever it takes a string.
    const std::size_t quotes = std::min(content.size(), content.find_first_not_of('\''));
    std::string out = "'";
    for (std::size_t i = quotes; i < content.size(); ++i)
        out += content[i] == '\'' ? std::string("''") : std::string(1, content[i]);
    out += "'";
    if (quotes == 0)
        return out;
    return "(\"" + std::string(quotes, '\'') + "\"." + out + ")";
}

ImageFormat image_format(std::string_view file_name) {
    return file_name.ends_with(".svg") ? ImageFormat::Svg : ImageFormat::Png;
}

std::string_view image_extension(ImageFormat format) {
    return format == ImageFormat::Svg ? ".svg" : ".png";
}

namespace {

// Terminal, palette line types and output: the head of both the saved and the piped script.
std::string script_head(ImageFormat format, int width, int height, const std::string& output) {
    std::string head =
        format == ImageFormat::Svg
            ? fmt::format(
                "set terminal svg size {},{} noenhanced font 'sans,10' background rgb 'white'\n",
                width, height)
            : fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,10'\n", width,
                          height);
    for (std::size_t i = 0; i < okabe_ito.size(); ++i)
        head += fmt::format("set linetype {} {} lw 1.5\n", i + 1, line_colour(i));
    head += fmt::format("set linetype cycle {}\n", okabe_ito.size());
    return head + fmt::format("set output {}\n", gnuplot_quote(output));
}

// The first lines gnuplot wrote (its error), without the status line the shell adds.
std::string first_lines(const std::string& log, std::size_t count) {
    std::string out;
    std::size_t begin = 0, taken = 0;
    while (begin < log.size() && taken < count) {
        std::size_t end = log.find('\n', begin);
        if (end == std::string::npos)
            end = log.size();
        const std::string line = log.substr(begin, end - begin);
        begin = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string::npos
            || line.starts_with("rnn-gnuplot-status"))
            continue;
        out += (taken++ ? "\n  " : "  ") + line;
    }
    return out;
}

}  // namespace

void render(const std::filesystem::path& dir, const std::string& stem, ImageFormat format,
            const FigureScript& script) {
    for (const auto& d : script.data)
        rt::write_file_atomically(dir / d.name, d.text);
    const std::string picture = stem + std::string(image_extension(format));
    const std::string partial = "." + picture + ".partial";
    const std::string piped = "." + stem + ".render.gp";
    const std::filesystem::path log = dir / ("." + stem + ".log");
    // The saved script renders by hand with `gnuplot <stem>.gp` from the run directory; the
    // piped one differs only in its output, a temporary name.
    rt::write_file_atomically(dir / (stem + ".gp"),
                              script_head(format, script.width, script.height, picture)
                                  + script.body + "\nunset output\n");
    rt::write_file_atomically(dir / piped, script_head(format, script.width, script.height, partial)
                                               + script.body + "\nunset output\n");
    std::filesystem::remove(dir / partial);
    // gnuplot's messages go to the log through an inherited descriptor, so the shell
    // command popen runs holds no path: only a number we chose. The shell appends gnuplot's
    // exit status (its own status would reach pclose, which gnuplot-iostream ignores).
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        throw std::runtime_error(fmt::format("cannot write '{}'", log.string()));
    try {
        // Only fixed commands and quoted names go through the pipe: a few bytes, all
        // written before gnuplot can fail, so an early exit cannot break the pipe.
        Gnuplot gp(
            fmt::format("gnuplot >/dev/null 2>&{0}; echo \"rnn-gnuplot-status $?\" >&{0}", fd));
        gp << "cd " << gnuplot_quote(dir.string()) << "\n";
        gp << "load " << gnuplot_quote(piped) << "\n";
        gp << "exit\n";
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    std::string why;
    const std::string messages = rt::read_file(log, why).value_or("");
    std::filesystem::remove(dir / piped);
    const bool failed = messages.find("rnn-gnuplot-status 0\n") == std::string::npos;
    std::error_code ec;
    if (failed || !std::filesystem::exists(dir / partial, ec)
        || std::filesystem::file_size(dir / partial, ec) == 0) {
        std::filesystem::remove(dir / partial, ec);
        const std::string said = first_lines(messages, 6);
        throw std::runtime_error(fmt::format(
            "gnuplot could not draw '{}'{}\n(run 'gnuplot {}.gp' in '{}' to see it again)", picture,
            said.empty() ? std::string() : ":\n" + said, stem, dir.string()));
    }
    std::filesystem::rename(dir / partial, dir / picture, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot write '{}'", (dir / picture).string()));
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
