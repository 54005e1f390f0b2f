// CheckBrandLogo, CheckBrandName, IsBrandLogoDataUri and a small SHA-256 for the logo's digest.
#include "report/branding.h"

#include <array>
#include <cstdint>
#include <cstdio>

#include "core/text.h"
#include "facts/image_header.h"

namespace mmaudit::report {
namespace {

constexpr const char* kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const std::uint32_t v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                            static_cast<unsigned char>(in[i + 2]);
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i < in.size()) {
    std::uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z'); }

// The first construct of `svg` (lowercased) that could run script or load something, or "".
std::string SvgHazard(const std::string& svg) {
  for (const char* s : {"<script", "<foreignobject", "<iframe", "<embed", "<object", "<!entity", "<?xml-stylesheet",
                        "javascript:", "vbscript:", "@import", "<handler", "<listener"})
    if (svg.find(s) != std::string::npos) return std::string("\"") + s + "\"";
  // Processing instructions other than the XML declaration.
  for (std::size_t p = svg.find("<?"); p != std::string::npos; p = svg.find("<?", p + 2))
    if (svg.compare(p, 5, "<?xml") != 0 || (p + 5 < svg.size() && !IsSpace(svg[p + 5])))
      return "a processing instruction";
  for (std::size_t i = 0; i + 2 < svg.size(); ++i) {
    // An attribute named on...: a space, "on", letters, optional spaces, "=".
    if (IsSpace(svg[i]) && svg[i + 1] == 'o' && svg[i + 2] == 'n') {
      std::size_t j = i + 3;
      while (j < svg.size() && (IsAlpha(svg[j]) || svg[j] == '-' || svg[j] == ':')) ++j;
      if (j > i + 3) {
        while (j < svg.size() && IsSpace(svg[j])) ++j;
        if (j < svg.size() && svg[j] == '=') return "an event handler attribute";
      }
    }
  }
  // href / xlink:href / src attributes and url(...) must point inside the file (#fragment).
  auto points_outside = [&](std::size_t value_start) {
    std::size_t j = value_start;
    while (j < svg.size() && (IsSpace(svg[j]) || svg[j] == '"' || svg[j] == '\'')) ++j;
    return j >= svg.size() || svg[j] != '#';
  };
  for (const char* attr : {"href", "src"}) {
    const std::size_t n = std::string_view(attr).size();
    for (std::size_t p = svg.find(attr); p != std::string::npos; p = svg.find(attr, p + n)) {
      std::size_t j = p + n;
      while (j < svg.size() && IsSpace(svg[j])) ++j;
      if (j < svg.size() && svg[j] == '=' && points_outside(j + 1)) return "a reference outside the file (" + std::string(attr) + ")";
    }
  }
  for (std::size_t p = svg.find("url("); p != std::string::npos; p = svg.find("url(", p + 4))
    if (points_outside(p + 4)) return "a reference outside the file (url())";
  return "";
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

// SHA-256 (FIPS 180-4).
constexpr std::array<std::uint32_t, 64> kK = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
    0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
    0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

std::uint32_t Rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

void Compress(std::array<std::uint32_t, 8>& h, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (int i = 0; i < 16; ++i)
    w[i] = (std::uint32_t{block[4 * i]} << 24) | (std::uint32_t{block[4 * i + 1]} << 16) |
           (std::uint32_t{block[4 * i + 2]} << 8) | std::uint32_t{block[4 * i + 3]};
  for (int i = 16; i < 64; ++i) {
    const std::uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const std::uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; ++i) {
    const std::uint32_t t1 = k + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
    const std::uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  std::array<std::uint32_t, 8> h = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::size_t i = 0;
  for (; i + 64 <= bytes.size(); i += 64) Compress(h, reinterpret_cast<const unsigned char*>(bytes.data() + i));
  std::array<unsigned char, 128> tail{};
  const std::size_t rest = bytes.size() - i;
  for (std::size_t j = 0; j < rest; ++j) tail[j] = static_cast<unsigned char>(bytes[i + j]);
  tail[rest] = 0x80;
  const std::size_t len = rest + 9 <= 64 ? 64 : 128;
  const std::uint64_t bits = static_cast<std::uint64_t>(bytes.size()) * 8;
  for (int j = 0; j < 8; ++j) tail[len - 1 - j] = static_cast<unsigned char>(bits >> (8 * j));
  Compress(h, tail.data());
  if (len == 128) Compress(h, tail.data() + 64);
  std::string out;
  char buf[9];
  for (std::uint32_t v : h) {
    std::snprintf(buf, sizeof buf, "%08x", v);
    out += buf;
  }
  return out;
}

bool CheckBrandLogo(std::string_view bytes, BrandLogo* logo, std::string* error) {
  if (bytes.empty()) {
    *error = "the logo file is empty";
    return false;
  }
  if (bytes.size() > kMaxBrandLogoBytes) {
    *error = "the logo is " + std::to_string(bytes.size()) + " bytes; at most " + std::to_string(kMaxBrandLogoBytes) +
             " (512 KiB) are embedded";
    return false;
  }
  const auto info = facts::ReadImageHeader(bytes);
  std::string media_type;
  if (info && info->format == "png") media_type = "image/png";
  else if (info && info->format == "jpeg") media_type = "image/jpeg";
  else if (info && info->format == "webp") media_type = "image/webp";
  else if (info && info->format == "svg") media_type = "image/svg+xml";
  if (media_type.empty()) {
    *error = info ? "a " + info->format + " image; the logo must be PNG, JPEG, WebP or SVG"
                  : "not a PNG, JPEG, WebP or SVG image (or a damaged one)";
    return false;
  }
  if (media_type == "image/svg+xml") {
    std::string lower(bytes);
    for (char& c : lower) c = Lower(c);
    if (const std::string hazard = SvgHazard(lower); !hazard.empty()) {
      *error = "an SVG logo may only draw, and this one holds " + hazard + "; use a PNG or a plain SVG";
      return false;
    }
  }
  logo->media_type = media_type;
  logo->bytes = bytes.size();
  logo->sha256 = Sha256Hex(bytes);
  logo->data_uri = "data:" + media_type + ";base64," + Base64(bytes);
  return true;
}

bool CheckBrandName(std::string_view raw, std::string* name, std::string* error) {
  const std::string_view t = text::Trim(raw);
  if (t.empty()) {
    *error = "the brand name is empty";
    return false;
  }
  if (!text::IsValidUtf8(t)) {
    *error = "the brand name is not valid UTF-8";
    return false;
  }
  for (char c : t)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      *error = "the brand name holds a control character";
      return false;
    }
  if (text::CodePointCount(t) > kMaxBrandNameChars) {
    *error = "the brand name is longer than " + std::to_string(kMaxBrandNameChars) + " characters";
    return false;
  }
  *name = std::string(t);
  return true;
}

bool IsBrandLogoDataUri(std::string_view uri) {
  std::string_view payload;
  bool known = false;
  for (const char* prefix : {"data:image/png;base64,", "data:image/jpeg;base64,", "data:image/webp;base64,",
                             "data:image/svg+xml;base64,"}) {
    const std::string_view p(prefix);
    if (uri.substr(0, p.size()) == p) {
      payload = uri.substr(p.size());
      known = true;
    }
  }
  if (!known || payload.empty() || payload.size() % 4 != 0) return false;
  for (char c : payload)
    if (!IsBase64Char(c)) return false;
  return true;
}

}  // namespace mmaudit::report
