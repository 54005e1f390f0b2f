// Lighthouse budget files (--budget budget.json): perf::ParseBudgets. Invariant: a refusal says why.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "perf/budget.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  std::string error;
  const std::optional<perf::Budgets> budgets =
      perf::ParseBudgets(std::string_view(reinterpret_cast<const char*>(data), size), &error);
  if (!budgets) FUZZ_CHECK(!error.empty());
  return 0;
}
