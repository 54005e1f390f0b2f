// JSON-LD: the input is the text of one <script type="application/ld+json"> block, read by
// facts::ExtractStructuredData (RapidJSON, @graph flattening, depth and size limits) and then
// validated (facts::ValidateStructuredData).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "facts/sd_validation.h"
#include "fuzz_check.h"
#include "html/document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  std::string page = "<!doctype html><html><head><script type=\"application/ld+json\">";
  page += text::SanitizeUtf8(std::string_view(reinterpret_cast<const char*>(data), size));
  page += "</script></head><body></body></html>";
  const html::Document doc = html::Document::Parse(std::move(page));
  facts::Context ctx;
  ctx.base_url = "https://shop.example/products/boots";
  const facts::StructuredData sd = facts::ExtractStructuredData(doc, ctx);
  FUZZ_CHECK(sd.json_ld_blocks <= 1);
  (void)facts::ValidateStructuredData(sd);
  return 0;
}
