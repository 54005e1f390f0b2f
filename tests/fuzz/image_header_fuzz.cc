// Image header parsing: facts::ReadImageHeader (PNG, JPEG, GIF, WebP, AVIF/HEIF, SVG). Invariants:
// a size, when read, is within the documented bounds, and the format is one of the documented ones.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "facts/image_header.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::optional<facts::ImageInfo> info =
      facts::ReadImageHeader(std::string_view(reinterpret_cast<const char*>(data), size));
  if (info) {
    FUZZ_CHECK(info->width >= 0 && info->width <= (1 << 30));
    FUZZ_CHECK(info->height >= 0 && info->height <= (1 << 30));
    const std::string_view f = info->format;
    FUZZ_CHECK(f == "png" || f == "jpeg" || f == "gif" || f == "webp" || f == "avif" || f == "heif" || f == "svg");
    FUZZ_CHECK(f == "svg" || (info->width > 0 && info->height > 0));
  }
  return 0;
}
