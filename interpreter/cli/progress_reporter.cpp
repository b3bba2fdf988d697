#include "interpreter/cli/progress_reporter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace rnn::interp {

namespace {

std::string eta_text(double s) {
    if (!(s >= 0.0))
        return "?";
    if (s < 60.0)
        return fmt::format("{:.0f} s", s);
    if (s < 3600.0)
        return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60.0), std::fmod(s, 60.0));
    return fmt::format("{:.0f} h {:02.0f} min", std::floor(s / 3600.0),
                       std::floor(std::fmod(s, 3600.0) / 60.0));
}

}  // namespace

void ProgressReporter::say(const std::string& line) {
    if (opt_.quiet || !opt_.log)
        return;
    const std::lock_guard lock(mutex_);
    erase();
    opt_.log(line);
    draw();
}

void ProgressReporter::epoch(const std::string& name, long epoch, long total, double loss,
                             double eta, const std::string& metrics) {
    if (opt_.quiet || !opt_.log)
        return;
    const std::lock_guard lock(mutex_);
    const std::string text = fmt::format("train {}: epoch {:>4}/{}  loss {:.5f}{}  ETA {}", name,
                                         epoch + 1, total, loss, metrics, eta_text(eta));
    if (opt_.progress_on_terminal) {
        live_[name] =
            text.substr(0, static_cast<std::size_t>(std::max(20, opt_.terminal_columns - 1)));
        if (seconds_since(last_draw_) < 0.1 && epoch + 1 != total)
            return;
        erase();
        draw();
        return;
    }
    // Every 1/15 of the training, and at least every 30 s.
    const long every = std::max<long>(1, total / 15);
    auto& last = last_line_[name];
    if ((epoch + 1) % every == 0 || epoch + 1 == total || seconds_since(last) >= 30.0) {
        opt_.log(text);
        last = Clock::now();
    }
}

void ProgressReporter::done(const std::string& name) {
    const std::lock_guard lock(mutex_);
    if (!live_.contains(name))
        return;
    erase();
    live_.erase(name);
    draw();
}

void ProgressReporter::plan(const std::string& text) {
    fmt::print("{}", text);
}

void ProgressReporter::erase() {
    if (!opt_.progress_on_terminal)
        return;
    for (int i = 0; i < drawn_; ++i)
        std::fputs("\033[1A\033[2K", stderr);
    drawn_ = 0;
}

void ProgressReporter::draw() {
    if (!opt_.progress_on_terminal)
        return;
    for (const auto& [name, text] : live_)
        std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
    drawn_ = static_cast<int>(live_.size());
    last_draw_ = Clock::now();
}

}  // namespace rnn::interp
