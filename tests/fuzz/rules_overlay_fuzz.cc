// Rule overlays (--rules FILE): rules::ApplyOverlay of the input onto the built-in catalogue.
// Invariant: all or nothing; a refused overlay leaves the catalogue as it was and says why.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "rules/catalogue.h"
#include "rules/overlay.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  static const rules::Catalogue base = rules::DefaultCatalogue();
  rules::Catalogue catalogue = base;
  std::vector<rules::RuleChange> changes;
  std::vector<rules::OverlayError> errors;
  const bool ok = rules::ApplyOverlay("fuzz.json", std::string_view(reinterpret_cast<const char*>(data), size),
                                      &catalogue, &changes, &errors);
  if (ok) {
    FUZZ_CHECK(errors.empty());
    for (const rules::RuleChange& c : changes) (void)c.Describe();
  } else {
    FUZZ_CHECK(!errors.empty());
    FUZZ_CHECK(changes.empty());
    FUZZ_CHECK(catalogue.rules.size() == base.rules.size());
    for (const rules::OverlayError& e : errors) (void)e.Text();
  }
  return 0;
}
