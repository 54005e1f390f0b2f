// The intrinsic size of an image read from the start of its bytes, without decoding it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mmaudit::facts {

struct ImageInfo {
  std::string format;  // "png", "jpeg", "gif", "webp", "avif" or "svg"
  int width = 0;       // intrinsic pixels; 0 when the format names no size (an SVG without one)
  int height = 0;
};

// Reads the format and size from `bytes`, the start of an image file (64 KiB is plenty for every
// format here). PNG (IHDR), JPEG (the first SOFn marker), GIF (the logical screen), WebP (VP8,
// VP8L and VP8X chunks), AVIF (the ispe property of the primary item) and SVG (width/height or
// viewBox of the root element). Returns nullopt when the bytes are none of these or are cut or
// malformed before the size. Never reads outside `bytes`.
std::optional<ImageInfo> ReadImageHeader(std::string_view bytes);

}  // namespace mmaudit::facts
