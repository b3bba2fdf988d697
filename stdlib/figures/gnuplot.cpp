#include "stdlib/figures/gnuplot.hpp"

#include <cstdlib>
#include <stdexcept>

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
    std::string out = "'";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            continue;
        if (c == '\'')
            out += "''";
        else if (c == '`')
            out += "''";
        else if (c == '@')
            out += "(at)";
        else
            out.push_back(c);
    }
    return out + "'";
}

void render_png(const std::filesystem::path& dir, const std::string& stem,
                const FigureScript& script) {
    for (const auto& d : script.data)
        rt::write_file_atomically(dir / d.name, d.text);
    const std::string png = stem + ".png";
    const std::string partial = "." + stem + ".png.partial";
    // The saved script renders by hand with `gnuplot <stem>.gp` from the run directory.
    const std::string saved = fmt::format(
        "set terminal pngcairo size {},{} noenhanced font 'sans,10'\nset output {}\n{}\nunset "
        "output\n",
        script.width, script.height, gnuplot_quote(png), script.body);
    rt::write_file_atomically(dir / (stem + ".gp"), saved);
    std::filesystem::remove(dir / partial);
    {
        // gnuplot reads commands from the pipe; only fixed commands and quoted strings are
        // sent. The child's own messages go to a log beside the script.
        Gnuplot gp(fmt::format("gnuplot > {} 2>&1", "/dev/null"));
        gp << "cd " << gnuplot_quote(dir.string()) << "\n";
        gp << fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,10'\n",
                          script.width, script.height);
        gp << "set output " << gnuplot_quote(partial) << "\n";
        gp << script.body << "\n";
        gp << "unset output\n";
        gp << "exit\n";
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir / partial, ec)
        || std::filesystem::file_size(dir / partial, ec) == 0)
        throw std::runtime_error(
            fmt::format("gnuplot did not draw '{}' (run 'gnuplot {}.gp' in '{}' to see why)", png,
                        stem, dir.string()));
    std::filesystem::rename(dir / partial, dir / png, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot write '{}'", (dir / png).string()));
}

}  // namespace rnn::stdlib
