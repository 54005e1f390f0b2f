// Config files (--config FILE, Boost.Program_options' format with mmaudit's line checks): the
// input is written to a file and read by `mmaudit audit --config FILE --help` through cli::Run,
// which parses and stores the whole file and then stops at --help, before any network or file
// access the settings could ask for. Invariant: Run returns an exit code (never throws), 0 or 2.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "fuzz_check.h"

namespace {

// One scratch file per process, rewritten for each input.
const std::string& ScratchPath() {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    std::string p = std::string(dir && *dir ? dir : "/tmp") + "/mmaudit-config-fuzz-XXXXXX";
    const int fd = mkstemp(p.data());
    if (fd < 0) std::abort();
    close(fd);
    std::atexit([] { std::remove(ScratchPath().c_str()); });
    return p;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string& path = ScratchPath();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  std::ostringstream out, err;
  const int code = cli::Run({"audit", "--config", path, "--help"}, out, err);
  FUZZ_CHECK(code == 0 || code == 2);
  return 0;
}
