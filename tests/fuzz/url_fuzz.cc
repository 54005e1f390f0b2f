// URL normalisation: url::Normalize, url::Resolve (and url::Resolver) against a fixed base,
// url::Parse and the tracking-parameter stripping, on the input as a URL or reference.
// Invariants: a normalised URL normalises to itself; Resolver agrees with Resolve; a resolved URL
// is already normalised. (Not "it parses": url::Parse refuses a port beyond int, which uriparser
// and so Normalize accept, e.g. "x://h:55555555555"; docs/fuzzing.md.)
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/url.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (const std::optional<std::string> n = url::Normalize(in)) {
    const std::optional<std::string> again = url::Normalize(*n);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(*again == *n);
  }
  static const url::Resolver resolver("https://Shop.Example:443/a/b/c.html?q=1#top");
  const std::optional<std::string> r = url::Resolve("https://Shop.Example:443/a/b/c.html?q=1#top", in);
  const std::optional<std::string> r2 = resolver.Resolve(in);
  FUZZ_CHECK(r == r2);
  if (r) {
    const std::optional<std::string> n = url::Normalize(*r);
    FUZZ_CHECK(n.has_value());
    FUZZ_CHECK(*n == *r);
  }
  (void)url::IsHttp(in);
  (void)url::SchemeOf(in);
  (void)url::PercentDecode(in);
  (void)url::StripTrackingParams(in);
  if (const std::optional<url::Parts> p = url::Parse(in)) (void)url::RegistrableDomain(p->host);
  return 0;
}
