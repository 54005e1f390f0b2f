// URL helpers over uriparser. Pure and thread-safe. All functions take and return UTF-8 strings and
// never throw; an unparseable input yields std::nullopt (or false).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mmaudit::url {

struct Parts {
  std::string scheme;  // lower case, e.g. "https"
  std::string host;    // lower case, without brackets for IPv6
  int port = 0;        // explicit port, or the scheme's default (80/443), or 0 when unknown
  std::string path;    // "/" when empty
  std::string query;   // without "?"
};

// Splits an absolute URL. nullopt when `u` is not an absolute URL uriparser accepts.
std::optional<Parts> Parse(std::string_view u);

// `ref` resolved against the absolute URL `base` (RFC 3986 section 5), with the fragment dropped,
// scheme and host lower-cased and a default port removed. nullopt when either fails to parse or the
// result is not absolute. Surrounding whitespace in `ref` is ignored, as browsers do.
std::optional<std::string> Resolve(std::string_view base, std::string_view ref);

// Resolves many references against one base, parsing the base once: Resolver(base).Resolve(ref)
// == Resolve(base, ref).
class Resolver {
 public:
  explicit Resolver(std::string_view base);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;
  std::optional<std::string> Resolve(std::string_view ref) const;

 private:
  struct Base;
  std::unique_ptr<Base> base_;  // null when `base` is not an absolute URL
};

// `u` normalised the same way as Resolve does (fragment dropped, case and default port fixed).
std::optional<std::string> Normalize(std::string_view u);

// True for absolute http:// and https:// URLs, the only schemes mmaudit fetches.
bool IsHttp(std::string_view u);

// True when both URLs parse and have the same host (case-insensitive).
bool SameHost(std::string_view a, std::string_view b);

// The scheme of `ref` if it has one ("tel", "mailto", "javascript" ...), lower case; "" otherwise.
std::string SchemeOf(std::string_view ref);

// Percent-decodes `s` (no '+' handling). Invalid escapes are kept as they are.
std::string PercentDecode(std::string_view s);

// True for query parameters that only track campaigns and clicks: utm_*, gclid, fbclid, msclkid,
// yclid and their like. Case-insensitive.
bool IsTrackingParam(std::string_view name);
// `u` without tracking parameters; the order of the other parameters is kept.
std::string StripTrackingParams(std::string_view u);

// The registrable domain of `host` by the Public Suffix List (libpsl's built-in copy):
// "www.shop.co.uk" -> "shop.co.uk". IP addresses and single-label hosts are returned as they are.
std::string RegistrableDomain(std::string_view host);

}  // namespace mmaudit::url
