// Decoding a page to UTF-8 (Gumbo reads only UTF-8) with iconv, choosing the charset by the
// precedence of the HTML standard's encoding sniffing, simplified:
//   1. a byte order mark (UTF-8, UTF-16LE, UTF-16BE);
//   2. the charset parameter of the HTTP Content-Type header;
//   3. <meta charset> or <meta http-equiv="Content-Type" content="...charset=..."> in the first
//      1024 bytes;
//   4. valid UTF-8 as it is; otherwise windows-1252.
// Labels are mapped as the WHATWG Encoding standard does (e.g. "latin1" and "iso-8859-1" both mean
// windows-1252; "utf8" means UTF-8). Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mmaudit::facts {

struct Decoded {
  std::string utf8;            // the text, valid UTF-8 without NUL bytes
  std::string charset;         // the canonical name used, e.g. "windows-1251"
  std::string source;          // "bom", "http", "meta", "utf-8", "fallback"
  std::string declared_http;   // the header's label as written (lower case), "" when none
  std::string declared_meta;   // the meta label as written (lower case), "" when none
  bool declared_wrong = false; // a declared charset did not fit the bytes (see mismatch)
  std::string mismatch;        // for people: "declared iso-8859-2 but the bytes are UTF-8"
  std::size_t replaced = 0;    // characters that could not be decoded and became U+FFFD
  std::string error;           // an unknown label, or iconv failing to open; the text is then best effort
};

// Decodes `bytes` using `content_type` (the Content-Type header value, may be ""). Never fails:
// undecodable input becomes U+FFFD and is counted in `replaced`.
Decoded DecodeToUtf8(std::string_view bytes, std::string_view content_type);

// The canonical charset name for a label, or "" when the label is unknown ("cp1251" ->
// "windows-1251", "latin2" -> "iso-8859-2", "sjis" -> "shift_jis").
std::string CanonicalCharset(std::string_view label);

}  // namespace mmaudit::facts
