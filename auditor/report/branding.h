// Branding of the HTML report for an agency's client: --brand-name and --brand-logo. The logo is
// checked here and carried in the report JSON (settings.branding) as a data URI, because the HTML is
// rendered from the JSON alone; the HTML renderer takes only a data URI that IsBrandLogoDataUri
// accepts, so a hand-edited report cannot make it load anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mmaudit::report {

inline constexpr std::size_t kMaxBrandLogoBytes = 512 * 1024;
inline constexpr std::size_t kMaxBrandNameChars = 120;  // code points

struct BrandLogo {
  std::string media_type;  // "image/png", "image/jpeg", "image/webp" or "image/svg+xml"
  std::size_t bytes = 0;   // the file's size
  std::string sha256;      // of the file, 64 lowercase hex digits
  std::string data_uri;    // "data:MEDIA_TYPE;base64,..."
};

// Checks a logo file's bytes and returns true with *logo filled. The format is read from the bytes
// (facts/image_header.h), never from the file name: PNG, JPEG, WebP or SVG. Returns false with
// *error (a phrase, without the file name) when the file is empty, larger than kMaxBrandLogoBytes,
// of another format or malformed, or an SVG that could act rather than just draw: one holding a
// script, an event handler attribute (on...=), foreignObject, an iframe/embed/object, an entity
// declaration or processing instruction, a javascript: URL, or a reference outside itself (an href,
// url() or @import to anything but a #fragment). Such an SVG is refused, not rewritten. (A logo is
// shown as an <img>, where browsers run no script and load nothing anyway; the refusal keeps the
// bytes clean for anyone who copies them out of the report.)
bool CheckBrandLogo(std::string_view bytes, BrandLogo* logo, std::string* error);

// Checks --brand-name: trimmed, 1 to kMaxBrandNameChars code points of valid UTF-8 without control
// characters. Returns true with *name set to the trimmed text, else false with *error.
bool CheckBrandName(std::string_view raw, std::string* name, std::string* error);

// True when `uri` is a base64 data URI of a logo media type ("data:image/png;base64," etc.) whose
// payload holds only base64 characters: what the HTML report agrees to put in an <img src>.
bool IsBrandLogoDataUri(std::string_view uri);

// The lowercase hex SHA-256 of `bytes` (FIPS 180-4).
std::string Sha256Hex(std::string_view bytes);

}  // namespace mmaudit::report
