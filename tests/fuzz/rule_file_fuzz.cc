// Rule files (rules/*.json, --rules-dir): rules::ParseRuleFile on the input. Invariant: a file that
// is refused appends nothing; an accepted one appends each entry as a rule or as a problem.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "rules/catalogue.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  rules::Catalogue catalogue;
  std::string error;
  const bool ok = rules::ParseRuleFile("fuzz.json", std::string_view(reinterpret_cast<const char*>(data), size),
                                       &catalogue, &error);
  if (!ok) {
    FUZZ_CHECK(!error.empty());
    FUZZ_CHECK(catalogue.rules.empty() && catalogue.problems.empty());
  }
  for (const rules::RuleSpec& r : catalogue.rules) FUZZ_CHECK(catalogue.Find(r.id) != nullptr);
  return 0;
}
