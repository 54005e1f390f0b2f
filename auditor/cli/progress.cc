#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

namespace mmaudit::cli {
namespace {

class PrintingProgress final : public Progress {
 public:
  PrintingProgress(ProgressStyle style, std::FILE* out)
      : style_(style), out_(out), started_(std::chrono::steady_clock::now()) {}

  void Planned(std::size_t total) override {
    std::lock_guard<std::mutex> lock(mu_);
    total_ = total;
    Draw();
  }

  void Finished(std::string_view what, bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++done_;
    if (!ok) ++failed_;
    if (style_ == ProgressStyle::kLines) {
      // Plain output: a line every few seconds (and the first and last), so a log of a long crawl
      // stays readable.
      const auto now = std::chrono::steady_clock::now();
      if (done_ == 1 || done_ == total_ || now - last_line_ >= std::chrono::seconds(3)) {
        last_line_ = now;
        std::fprintf(out_, "mmaudit: %zu done, %zu queued, %zu failed, %.1f pages/s; last: %.*s\n", done_,
                     total_ > done_ ? total_ - done_ : 0, failed_, Rate(), static_cast<int>(what.size()),
                     what.data());
      }
    }
    Draw();
  }

  void Log(LogLevel level, std::string_view message) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (style_ == ProgressStyle::kQuiet && level != LogLevel::kError) return;
    if (level == LogLevel::kDebug) return;
    ClearBar();
    const char* tag = level == LogLevel::kError ? "error: " : level == LogLevel::kWarning ? "warning: " : "";
    std::fprintf(out_, "mmaudit: %s%.*s\n", tag, static_cast<int>(message.size()), message.data());
    Draw();
  }

  void Done() override {
    std::lock_guard<std::mutex> lock(mu_);
    ClearBar();
    std::fflush(out_);
  }

 private:
  void ClearBar() {
    if (style_ == ProgressStyle::kBar && drawn_) {
      std::fprintf(out_, "\r\033[K");
      drawn_ = false;
    }
  }

  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  double Rate() const {
    const double secs = Elapsed();
    return secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  }

  void Draw() {
    if (style_ != ProgressStyle::kBar) return;
    constexpr int kWidth = 24;
    const int filled = total_ == 0 ? 0 : static_cast<int>(kWidth * std::min(done_, total_) / total_);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '-');
    std::fprintf(out_, "\r\033[K[%s] %zu done, %zu queued, %zu failed, %.1f pages/s, %.0fs", bar.c_str(), done_,
                 total_ > done_ ? total_ - done_ : 0, failed_, Rate(), Elapsed());
    std::fflush(out_);
    drawn_ = true;
  }

  std::mutex mu_;
  ProgressStyle style_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_line_{};
  std::size_t total_ = 0, done_ = 0, failed_ = 0;
  bool drawn_ = false;
};

}  // namespace

ProgressStyle ChooseStyle(bool quiet, std::FILE* out) {
  const char* ci = std::getenv("CI");
  if (quiet || (ci != nullptr && (std::strcmp(ci, "true") == 0 || std::strcmp(ci, "1") == 0)))
    return ProgressStyle::kQuiet;
  return isatty(fileno(out)) ? ProgressStyle::kBar : ProgressStyle::kLines;
}

std::unique_ptr<Progress> MakeProgress(ProgressStyle style, std::FILE* out) {
  return std::make_unique<PrintingProgress>(style, out);
}

}  // namespace mmaudit::cli
