#include "stdlib/figures/script_check.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "stdlib/figures/figure_options.hpp"
#include "stdlib/figures/gnuplot.hpp"

namespace rnn::stdlib {

namespace {

enum class Tok { Word, Number, String, Punct, Column };

struct Token {
    Tok kind;
    std::string text;  // a string's content, decoded
};

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

// The settings rnnlab's figures use; `set X` and `unset X` take these alone.
bool known_setting(std::string_view w) {
    return one_of(
        w,
        {"title",      "xlabel",    "ylabel",    "zlabel",   "x2label",   "y2label",  "cblabel",
         "grid",       "key",       "xrange",    "yrange",   "zrange",    "x2range",  "y2range",
         "cbrange",    "logscale",  "xtics",     "ytics",    "ztics",     "x2tics",   "y2tics",
         "cbtics",     "mxtics",    "mytics",    "tics",     "label",     "arrow",    "object",
         "palette",    "size",      "multiplot", "style",    "border",    "colorbox", "format",
         "view",       "xyplane",   "lmargin",   "rmargin",  "tmargin",   "bmargin",  "margins",
         "autoscale",  "offsets",   "linetype",  "boxwidth", "pointsize", "samples",  "origin",
         "xzeroaxis",  "yzeroaxis", "zeroaxis",  "datafile", "clip",      "bars",     "ticslevel",
         "isosamples", "pm3d",      "hidden3d",  "contour",  "terminal",  "output"});
}

// Numeric functions (and the tic labels taken from a column): none runs or opens anything.
bool known_function(std::string_view w) {
    return one_of(w, {"column", "valid", "abs", "sqrt", "log", "log10", "exp", "int", "floor",
                      "ceil", "sgn", "sin", "cos", "tan", "atan2", "real", "imag", "norm", "xtic",
                      "ytic", "x2tic", "y2tic", "ztic", "stringcolumn", "strcol", "columnhead",
                      // Not functions, but written before a bracket: `set palette defined (...)`
                      // a tic list, `set xtics ("tanh" 1, "relu" 2)`, and a column expression,
                      // `using ($1+0.08):2`.
                      "defined", "xtics", "ytics", "x2tics", "y2tics", "ztics", "cbtics", "using"});
}

// Words that run, read or write something, or loop, wherever they stand: refused even where
// the rules above would not let them act (defence in depth).
bool forbidden_word(std::string_view w) {
    return one_of(
        w, {"system",   "load",        "call",     "eval",     "evaluate", "save",    "print",
            "printerr", "shell",       "cd",       "pipe",     "exit",     "quit",    "reread",
            "import",   "table",       "loadpath", "fontpath", "fontfile", "history", "fit",
            "macros",   "encoding",    "file",     "for",      "do",       "while",   "if",
            "else",     "pause",       "bind",     "test",     "replot",   "refresh", "sprintf",
            "gprintf",  "strftime",    "word",     "words",    "substr",   "value",   "exists",
            "locale",   "decimalsign", "psdir",    "binary",   "volatile"});
}

// What may follow a plot element's file name (its modifiers, in gnuplot's order).
bool plot_keyword(std::string_view w) {
    return one_of(
        w, {"matrix", "index", "every", "using", "smooth", "axes", "title", "notitle", "with"});
}

// Settings whose numbers decide how much gnuplot computes or allocates, and the largest
// each may ask: a shared script must not hang `rnn plot` or exhaust memory.
double setting_limit(std::string_view setting) {
    if (setting == "samples" || setting == "isosamples")
        return 10000.0;
    if (setting == "terminal" || setting == "size" || setting == "pointsize")
        return kMaxFigureSide;
    return 0.0;  // not limited
}

bool letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool digit(char c) {
    return c >= '0' && c <= '9';
}

// What gnuplot_quote writes as itself inside double quotes.
bool plain_in_string(char c) {
    return letter(c) || digit(c)
           || std::string_view(" !#%&()*+,-./:;<=>?[]^{|}~").find(c) != std::string_view::npos;
}

class LineReader {
public:
    explicit LineReader(std::string_view line) : line_(line) {}

    // The line's tokens, or nothing with `why` set.
    std::optional<std::vector<Token>> tokens(std::string& why) {
        std::vector<Token> out;
        while (i_ < line_.size()) {
            const char c = line_[i_];
            if (c == ' ' || c == '\t') {
                ++i_;
            } else if (c == '#') {
                break;  // a comment: its characters were checked with the line's
            } else if (c == '"' || c == '\'') {
                auto s = c == '"' ? double_quoted(why) : single_quoted(why);
                if (!s)
                    return std::nullopt;
                out.push_back({Tok::String, std::move(*s)});
            } else if (letter(c)) {
                const std::size_t b = i_;
                while (i_ < line_.size() && (letter(line_[i_]) || digit(line_[i_])))
                    ++i_;
                out.push_back({Tok::Word, std::string(line_.substr(b, i_ - b))});
            } else if (digit(c) || (c == '.' && i_ + 1 < line_.size() && digit(line_[i_ + 1]))) {
                out.push_back({Tok::Number, number()});
            } else if (c == '$') {
                ++i_;
                if (i_ >= line_.size() || !digit(line_[i_])) {
                    why = "'$' other than a column number ($2)";
                    return std::nullopt;
                }
                out.push_back({Tok::Column, number()});
            } else if (std::string_view(",:;()[]+-*/<>=?.!&|^%~").find(c)
                       != std::string_view::npos) {
                out.push_back({Tok::Punct, std::string(1, c)});
                ++i_;
            } else {
                why = fmt::format("the character '{}'", c);
                return std::nullopt;
            }
        }
        return out;
    }

private:
    std::string number() {
        const std::size_t b = i_;
        while (i_ < line_.size() && (digit(line_[i_]) || line_[i_] == '.'))
            ++i_;
        if (i_ < line_.size() && (line_[i_] == 'e' || line_[i_] == 'E')) {
            std::size_t j = i_ + 1;
            if (j < line_.size() && (line_[j] == '+' || line_[j] == '-'))
                ++j;
            if (j < line_.size() && digit(line_[j])) {
                i_ = j;
                while (i_ < line_.size() && digit(line_[i_]))
                    ++i_;
            }
        }
        return std::string(line_.substr(b, i_ - b));
    }

    // A string as gnuplot_quote writes it: plain characters and octal escapes.
    std::optional<std::string> double_quoted(std::string& why) {
        std::string out;
        for (++i_; i_ < line_.size(); ++i_) {
            const char c = line_[i_];
            if (c == '"') {
                ++i_;
                return out;
            }
            if (c == '\\') {
                int value = 0, n = 0;
                while (n < 4 && i_ + 1 < line_.size() && line_[i_ + 1] >= '0'
                       && line_[i_ + 1] <= '7') {
                    value = value * 8 + (line_[++i_] - '0');
                    ++n;
                }
                if (n == 0 || value == 0 || value > 255) {
                    why = "a '\\' in a string other than an octal escape";
                    return std::nullopt;
                }
                out.push_back(static_cast<char>(value));
            } else if (plain_in_string(c)) {
                out.push_back(c);
            } else {
                why = fmt::format("the character '{}' unescaped in a string", c);
                return std::nullopt;
            }
        }
        why = "a string not closed on its line";
        return std::nullopt;
    }

    // Single quotes: no escapes at all in gnuplot; '$' and '\' are refused here as well.
    std::optional<std::string> single_quoted(std::string& why) {
        std::string out;
        for (++i_; i_ < line_.size(); ++i_) {
            const char c = line_[i_];
            if (c == '\'') {
                ++i_;
                if (i_ < line_.size() && line_[i_] == '\'') {
                    why = "a quote doubled inside a single-quoted string";
                    return std::nullopt;
                }
                return out;
            }
            if (c == '$' || c == '\\') {
                why = fmt::format("the character '{}' in a string", c);
                return std::nullopt;
            }
            out.push_back(c);
        }
        why = "a string not closed on its line";
        return std::nullopt;
    }

    std::string_view line_;
    std::size_t i_ = 0;
};

// A data file beside the script: "name" or "./name", with no folder; "" (the previous
// file) passes and names nothing.
bool data_file_name(const std::string& name, std::vector<std::string>& data) {
    if (name.empty())
        return true;
    const bool dotted = name.starts_with("./");
    const std::string bare = dotted ? name.substr(2) : name;
    if (bare.empty() || bare == "." || bare == ".." || bare.find('/') != std::string::npos)
        return false;
    if (!dotted && !(letter(bare[0]) || digit(bare[0])))
        return false;
    data.push_back(bare);
    return true;
}

// Checks one command (tokens between ';'); records the picture and the data files.
std::string check_command(const std::vector<Token>& t, ScriptCheck& out, int& terminals) {
    if (t.empty())
        return "";
    if (t[0].kind != Tok::Word || !one_of(t[0].text, {"set", "unset", "plot", "splot"}))
        return fmt::format("'{}' is not a command rnnlab writes (set, unset, plot, splot)",
                           t[0].text);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const Token& k = t[i];
        const bool next_paren =
            i + 1 < t.size() && t[i + 1].kind == Tok::Punct && t[i + 1].text == "(";
        if (k.kind == Tok::Word && forbidden_word(k.text))
            return fmt::format("'{}'", k.text);
        if (k.kind == Tok::Word && next_paren && !known_function(k.text))
            return fmt::format("the function '{}'", k.text);
        if (k.kind == Tok::Word && one_of(k.text, {"output", "terminal"}) && i != 1)
            return fmt::format("'{}' other than as the setting", k.text);
        if (k.kind == Tok::Punct && k.text == "=") {
            const bool after =
                i > 0 && t[i - 1].kind == Tok::Punct && one_of(t[i - 1].text, {"=", "!", "<", ">"});
            const bool before =
                i + 1 < t.size() && t[i + 1].kind == Tok::Punct && t[i + 1].text == "=";
            if (!after && !before)
                return "an assignment";
        }
    }
    const std::string& command = t[0].text;
    if (command == "set" || command == "unset") {
        if (t.size() < 2 || t[1].kind != Tok::Word || !known_setting(t[1].text))
            return fmt::format("'{} {}' is not a setting rnnlab writes", command,
                               t.size() < 2 ? std::string() : t[1].text);
        if (const double limit = setting_limit(t[1].text); limit > 0.0)
            for (const auto& k : t)
                if (k.kind == Tok::Number && !(std::strtod(k.text.c_str(), nullptr) <= limit))
                    return fmt::format("'set {}' with a number above {}", t[1].text, limit);
        if (command == "set" && t[1].text == "output") {
            if (t.size() != 3 || t[2].kind != Tok::String || !out.picture.empty())
                return "a second 'set output', or one that is not one file name";
            out.picture = t[2].text.starts_with("./") ? t[2].text.substr(2) : t[2].text;
        }
        if (command == "set" && t[1].text == "terminal") {
            if (t.size() < 3 || !one_of(t[2].text, {"pngcairo", "svg", "pdfcairo"}))
                return "a terminal other than pngcairo, svg or pdfcairo";
            ++terminals;
        }
        return "";
    }
    // plot/splot: leading ranges, then elements between top-level commas, each a data file.
    std::size_t i = 1;
    while (i < t.size() && t[i].kind == Tok::Punct && t[i].text == "[") {
        while (i < t.size() && !(t[i].kind == Tok::Punct && t[i].text == "]"))
            ++i;
        ++i;
    }
    int depth = 0;
    bool start = true;
    for (; i < t.size(); ++i) {
        const Token& k = t[i];
        if (start) {
            start = false;
            if (k.kind == Tok::Word && k.text == "NaN")
                continue;
            // The file name must stand alone: what follows it is the end, the next element or
            // a plot keyword, never an operator, a slice or a ternary that would make gnuplot
            // compute another name ("a" eq "a" ? "<cmd" : "b", "a<cmd"[2:]).
            const bool alone = i + 1 == t.size()
                               || (t[i + 1].kind == Tok::Punct && t[i + 1].text == ",")
                               || (t[i + 1].kind == Tok::Word && plot_keyword(t[i + 1].text));
            if (k.kind != Tok::String || !alone || !data_file_name(k.text, out.data))
                return "a plot of something other than a data file beside the script, or NaN";
            continue;
        }
        if (k.kind == Tok::Punct && (k.text == "(" || k.text == "["))
            ++depth;
        else if (k.kind == Tok::Punct && (k.text == ")" || k.text == "]"))
            --depth;
        else if (k.kind == Tok::Punct && k.text == "," && depth == 0)
            start = true;
        if (depth < 0)
            return "a bracket closed that was not opened";
    }
    return depth == 0 ? "" : "a bracket not closed";
}

// The problem with one line, or "".
std::string check_line(std::string_view line, ScriptCheck& out, int& terminals) {
    for (const char c : line) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return "a control character";
        if (c == '`' || c == '@')
            return fmt::format("the character '{}' (command or macro substitution)", c);
    }
    if (line.ends_with("\\"))
        return "a line continued with '\\'";
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '!')
        return "a shell command ('!')";
    std::string why;
    const auto tokens = LineReader(line).tokens(why);
    if (!tokens)
        return why;
    std::vector<Token> command;
    for (std::size_t i = 0; i <= tokens->size(); ++i) {
        if (i == tokens->size() || ((*tokens)[i].kind == Tok::Punct && (*tokens)[i].text == ";")) {
            if (!command.empty() && command[0].kind == Tok::Punct && command[0].text == "!")
                return "a shell command ('!')";
            if (std::string p = check_command(command, out, terminals); !p.empty())
                return p;
            command.clear();
        } else {
            command.push_back((*tokens)[i]);
        }
    }
    return "";
}

}  // namespace

ScriptCheck check_script(std::string_view text, std::string_view stem) {
    ScriptCheck out;
    int terminals = 0;
    std::size_t begin = 0;
    for (int number = 1; begin <= text.size(); ++number) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string p = check_line(text.substr(begin, end - begin), out, terminals);
        if (!p.empty()) {
            out.problem = fmt::format("line {}: {}", number, p);
            return out;
        }
        begin = end + 1;
    }
    // rnn plot points the output at a temporary name by finding this exact line; in any other
    // form gnuplot would write the picture's name itself, through whatever lies there.
    const std::string output = fmt::format("set output {}\n", gnuplot_file(out.picture));
    const std::size_t at = std::string(text).find(output);
    if (!out.picture.empty() && (at == std::string::npos || (at > 0 && text[at - 1] != '\n'))) {
        out.problem = fmt::format("its 'set output' is not the line rnnlab writes, {}",
                                  output.substr(0, output.size() - 1));
        return out;
    }
    if (terminals != 1 || !figure_extension_ok(out.picture)
        || out.picture
               != std::string(stem) + std::string(image_extension(image_format(out.picture))))
        out.problem =
            fmt::format("it does not draw one picture {}.png, .svg or .pdf beside it", stem);
    return out;
}

}  // namespace rnn::stdlib
