// Microdata (and any JSON-LD in it): the input is a whole HTML page, read by
// facts::ExtractStructuredData (itemscope/itemprop/itemref trees) and then validated
// (facts::ValidateStructuredData).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "facts/sd_validation.h"
#include "html/document.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const html::Document doc =
      html::Document::Parse(text::SanitizeUtf8(std::string_view(reinterpret_cast<const char*>(data), size)));
  facts::Context ctx;
  ctx.base_url = "https://shop.example/products/boots";
  const facts::StructuredData sd = facts::ExtractStructuredData(doc, ctx);
  (void)facts::ValidateStructuredData(sd);
  return 0;
}
