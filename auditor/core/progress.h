// The one interface for progress and log output. Stages never print: they call a Progress. The CLI
// picks an implementation (a terminal bar, plain lines, or errors only for CI). Implementations must
// be safe to call from several threads.
#pragma once

#include <cstddef>
#include <string_view>

namespace mmaudit {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

class Progress {
 public:
  virtual ~Progress() = default;
  // A unit of work (usually a page) has been queued; `total` is the number known so far.
  virtual void Planned(std::size_t total) = 0;
  // One unit finished; `ok` is false when it ended in an error.
  virtual void Finished(std::string_view what, bool ok) = 0;
  // A log line. Implementations decide which levels they show.
  virtual void Log(LogLevel level, std::string_view message) = 0;
  // All work is done; a terminal implementation clears its bar here.
  virtual void Done() = 0;
};

// Discards everything. Useful in tests and library callers that want silence.
class NullProgress final : public Progress {
 public:
  void Planned(std::size_t) override {}
  void Finished(std::string_view, bool) override {}
  void Log(LogLevel, std::string_view) override {}
  void Done() override {}
};

}  // namespace mmaudit
