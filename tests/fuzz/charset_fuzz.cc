// Charset detection and decoding: facts::DecodeToUtf8. The input's first line is the Content-Type
// header value, the rest the body. Invariant: the output is valid UTF-8 without NUL bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/text.h"
#include "facts/charset.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view content_type = nl == std::string_view::npos ? std::string_view() : in.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? in : in.substr(nl + 1);
  const facts::Decoded d = facts::DecodeToUtf8(body, content_type);
  FUZZ_CHECK(text::IsValidUtf8(d.utf8));
  FUZZ_CHECK(d.utf8.find('\0') == std::string::npos);
  FUZZ_CHECK(!d.charset.empty());
  (void)facts::CanonicalCharset(content_type);
  return 0;
}
