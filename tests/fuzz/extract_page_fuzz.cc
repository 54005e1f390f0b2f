// HTML to facts: the whole extractor set (facts::ExtractPage) on a fake 200 text/html response whose
// body is the input, then the page rules and the page's report JSON. The charset comes from the body
// (BOM, <meta>) as for a server that names none. Every text the report gets from the page is cut and
// quoted along the way, so the page's JSON must be valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "fuzz_check.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  static const rules::Catalogue catalogue = rules::DefaultCatalogue();
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/products/boots?id=7";
  r.status = 200;
  r.http_version = "1.1";
  r.headers = {{"content-type", "text/html"}};
  r.body.assign(reinterpret_cast<const char*>(data), size);
  r.decoded_bytes = r.body_transfer_bytes = r.transfer_bytes = size;
  report::PageResult page;
  page.facts = facts::ExtractPage(r);
  FUZZ_CHECK(text::IsValidUtf8(page.facts.meta.title));
  page.audited = page.facts.parsed;
  if (page.audited) {
    page.findings = rules::EvaluateAll(catalogue, page.facts);
    page.scores = rules::ScorePage(page.findings);
  }
  FUZZ_CHECK(text::IsValidUtf8(report::PageToJson(page)));
  return 0;
}
