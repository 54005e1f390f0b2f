// HTML to facts: the whole extractor set (facts::ExtractPage) on a fake 200 text/html response whose
// body is the input. The charset comes from the body (BOM, <meta>) as for a server that names none.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "facts/extract.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/products/boots?id=7";
  r.status = 200;
  r.http_version = "1.1";
  r.headers = {{"content-type", "text/html"}};
  r.body.assign(reinterpret_cast<const char*>(data), size);
  r.decoded_bytes = r.body_transfer_bytes = r.transfer_bytes = size;
  const facts::PageFacts f = facts::ExtractPage(r);
  FUZZ_CHECK(text::IsValidUtf8(f.meta.title));
  return 0;
}
