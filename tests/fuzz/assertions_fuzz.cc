// Assertion files (--assert FILE, Lighthouse CI's shape) and --fail-under values:
// report::ParseAssertions and report::ParseFailUnder. Invariant: all or nothing; a refused file
// leaves the config unchanged and lists at least one mistake.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "report/gates.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string json(reinterpret_cast<const char*>(data), size);
  report::GateConfig config;
  std::vector<report::GateConfigError> errors;
  if (report::ParseAssertions(json, &config, &errors)) {
    FUZZ_CHECK(errors.empty());
  } else {
    FUZZ_CHECK(!errors.empty());
    FUZZ_CHECK(config.sets.empty());
    for (const report::GateConfigError& e : errors) (void)e.Text("fuzz.json");
  }
  if (size < 64) {
    report::FailUnder fu;
    std::string error;
    if (!report::ParseFailUnder(json, &fu, &error)) FUZZ_CHECK(!error.empty());
  }
  return 0;
}
