// The intrinsic size of an image read from the start of its bytes, without decoding it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mmaudit::facts {

struct ImageInfo {
  std::string format;  // "png", "jpeg", "gif", "webp", "avif", "heif" (HEIF without an AVIF brand) or "svg"
  int width = 0;       // intrinsic pixels; 0 when the format names no size (an SVG without one)
  int height = 0;
};

// Reads the format and size from `bytes`, the start of an image file (64 KiB is plenty for every
// format here). PNG (IHDR), JPEG (the first SOFn marker), GIF (the logical screen), WebP (VP8,
// VP8L and VP8X chunks), AVIF (the ispe property of the primary item) and SVG (width/height or
// viewBox of the root element). Returns nullopt when the bytes are none of these or are cut or
// malformed before the size. Never reads outside `bytes`.
// Details: JPEG takes the first SOF0..SOF15 marker (not DHT, JPG, DAC) before any scan; AVIF/HEIF
// follow ftyp (brand avif, avis, mif1, msf1, heic, heix or hevc) -> meta -> iprp -> ipco/ipma and
// take the primary item's (pitm) ispe, or the largest ispe when the association cannot be read.
// SVG: the first element must be <svg> (after an XML declaration, comments, a doctype); width and
// height count in px or unitless only; one of them with the viewBox's aspect gives the other; else
// the viewBox's size; else 0 x 0 (still an "svg"). Sizes of 0 or above 2^30 are refused as corrupt.
std::optional<ImageInfo> ReadImageHeader(std::string_view bytes);

// The ImageInfo::format named by a Content-Type ("image/webp; q=1" -> "webp", "image/jpg" ->
// "jpeg", "image/svg+xml" -> "svg"); "" for any other type.
std::string ImageFormatFromMediaType(std::string_view media_type);

}  // namespace mmaudit::facts
