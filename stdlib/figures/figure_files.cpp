#include "stdlib/figures/figure_files.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "stdlib/figures/figure_options.hpp"

namespace rnn::stdlib {

std::string data_file(std::string_view stem, std::string_view part) {
    return fmt::format("{}{}.dat", stem, part);
}

std::string argument_data_file(std::string_view stem, std::size_t k) {
    return fmt::format("{}_{}.dat", stem, k + 1);
}

std::string script_file(std::string_view stem) {
    return std::string(stem) + ".gp";
}

namespace {

// The data files of `entry` for `stem`, without a folder.
std::vector<std::string> data_files(const FigureEntry& entry, std::size_t arguments,
                                    std::string_view stem) {
    std::vector<std::string> out;
    for (const auto& part : entry.data.parts)
        out.push_back(data_file(stem, part));
    if (entry.data.per_argument)
        for (std::size_t k = 0; k < arguments; ++k)
            out.push_back(argument_data_file(stem, k));
    return out;
}

}  // namespace

FigureFiles figure_files(const FigureEntry& entry, std::size_t arguments, std::string_view file) {
    // The folder and stem as the engine splits the picture's path (std::filesystem).
    const std::filesystem::path path{std::string(file)};
    const std::filesystem::path folder = path.parent_path();
    const std::string stem = path.stem().string();
    FigureFiles out;
    out.picture = std::string(file);
    out.script = (folder / script_file(stem)).string();
    for (const auto& name : data_files(entry, arguments, stem))
        out.data.push_back((folder / name).string());
    return out;
}

FigureScript FigureEntry::draw(const std::vector<ArgValue>& arguments, const Params& options,
                               const std::string& stem) const {
    FigureScript fig = script(arguments, options, stem);
    apply_size(options, fig);
    const std::vector<std::string> declared = data_files(*this, arguments.size(), stem);
    for (const auto& d : fig.data)
        if (std::find(declared.begin(), declared.end(), d.name) == declared.end())
            throw std::logic_error(fmt::format(
                "figure '{}' writes '{}', which its DataFiles do not declare", name, d.name));
    return fig;
}

}  // namespace rnn::stdlib
