#include "tests/support/subprocess.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace mmaudit::testing {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct TempRoot {
  std::filesystem::path path;
  TempRoot() {
    char pattern[] = "/tmp/mmaudit-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    path = made ? made : "/tmp";
  }
  ~TempRoot() {
    std::error_code ec;
    if (path != "/tmp") std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

RunResult RunMmaudit(const std::vector<std::string>& args, const std::string& ci) {
  std::string cmd = "CI=" + Quote(ci) + " " + Quote(MMAUDIT_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>&1";
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TempDir() {
  static TempRoot root;
  static int counter = 0;
  const std::filesystem::path dir = root.path / std::to_string(++counter);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace mmaudit::testing
