#include "core/url.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/test_paths.h"

namespace mmaudit::url {
namespace {

TEST(Url, ResolvesRelativeReferencesAndDropsFragments) {
  EXPECT_EQ(Resolve("https://shop.example/c/shoes/", "../p/1#reviews"), "https://shop.example/c/p/1");
  EXPECT_EQ(Resolve("https://shop.example/a", "//cdn.example/x.js"), "https://cdn.example/x.js");
  EXPECT_EQ(Resolve("https://shop.example/a", "  /b?q=1 "), "https://shop.example/b?q=1");
  EXPECT_EQ(Resolve("https://shop.example/a", "tel:+4930"), "tel:+4930");
}

TEST(Url, NormalisesSchemeHostCaseAndDefaultPorts) {
  EXPECT_EQ(Normalize("HTTPS://Shop.Example:443/P/1"), "https://shop.example/P/1");
  EXPECT_EQ(Normalize("http://shop.example:80"), "http://shop.example/");
  EXPECT_EQ(Normalize("http://127.0.0.1:8080/x"), "http://127.0.0.1:8080/x");
}

// Found by fuzzing (docs/fuzzing.md): removing the dot segments of "http:/..//x" left the path "//x",
// written out as "http://x", so the path became a host and normalising again changed the URL.
TEST(Url, KeepsAPathThatStartsWithTwoSlashesAfterDotSegmentsAPath) {
  EXPECT_EQ(Normalize("HTTP:/..//evil.example/c"), "http:/.//evil.example/c");
  EXPECT_EQ(Normalize("http:/.//evil.example/c"), "http:/.//evil.example/c");
  EXPECT_FALSE(IsHttp("http:/..//evil.example/c"));
  EXPECT_EQ(Resolve("https://shop.example/a/", "https:/..//cdn.example/x"), "https:/.//cdn.example/x");
  EXPECT_EQ(Normalize("https://shop.example/..//x"), "https://shop.example//x");
  for (const char* file : {"fixtures/fuzz-regressions/url-dot-segments-make-authority-1.txt",
                           "fixtures/fuzz-regressions/url-dot-segments-make-authority-2.txt"}) {
    const std::optional<std::string> once = Normalize(testing::ReadFixture(file));
    ASSERT_TRUE(once.has_value()) << file;
    EXPECT_EQ(Normalize(*once), once) << file;
  }
}

// Found by fuzzing too: Resolve(base, "http:./") gave "http:", which Normalize then made "http:/".
TEST(Url, LeavesAHostlessHttpUrlWithoutAPathAsItIs) {
  EXPECT_EQ(Resolve("https://shop.example/a/b.html", "http:./"), "http:");
  const std::optional<std::string> resolved =
      Resolve("https://shop.example/a/b.html", testing::ReadFixture("fixtures/fuzz-regressions/url-resolved-hostless-http.txt"));
  ASSERT_TRUE(resolved.has_value());
  EXPECT_EQ(Normalize(*resolved), resolved);
  EXPECT_EQ(Normalize("http:"), "http:");
  EXPECT_EQ(Normalize("http://shop.example"), "http://shop.example/");
}

TEST(Url, RejectsWhatIsNotAnAbsoluteHttpUrl) {
  EXPECT_FALSE(IsHttp("/relative"));
  EXPECT_FALSE(IsHttp("file:///etc/passwd"));
  EXPECT_FALSE(IsHttp("javascript:alert(1)"));
  EXPECT_FALSE(IsHttp("http://[broken"));
  EXPECT_TRUE(IsHttp("https://shop.example"));
  EXPECT_FALSE(Resolve("not a base", "/x").has_value());
}

TEST(Url, SplitsIntoParts) {
  auto p = Parse("https://Shop.example:8443/a/b?x=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->scheme, "https");
  EXPECT_EQ(p->host, "shop.example");
  EXPECT_EQ(p->port, 8443);
  EXPECT_EQ(p->path, "/a/b");
  EXPECT_EQ(p->query, "x=1");
  EXPECT_EQ(SchemeOf(" MailTo:x@y"), "mailto");
  EXPECT_EQ(SchemeOf("/p/1"), "");
}

}  // namespace
}  // namespace mmaudit::url

namespace mmaudit::url {
namespace {

TEST(Url, NormalisesPercentEncodingInPathAndQuery) {
  EXPECT_EQ(Normalize("https://shop.example/%7ejan/a%2fb?q=%6Bot"), "https://shop.example/~jan/a%2Fb?q=kot");
}

TEST(Url, StripsTrackingParametersAndKeepsTheRest) {
  EXPECT_EQ(StripTrackingParams("https://s.example/p/1?utm_source=nl&size=42&gclid=abc&UTM_Medium=x"),
            "https://s.example/p/1?size=42");
  EXPECT_EQ(StripTrackingParams("https://s.example/p/1?fbclid=1"), "https://s.example/p/1");
  EXPECT_EQ(StripTrackingParams("https://s.example/p/1"), "https://s.example/p/1");
  EXPECT_TRUE(IsTrackingParam("utm_campaign"));
  EXPECT_FALSE(IsTrackingParam("page"));
}

TEST(Url, FindsTheRegistrableDomainWithThePublicSuffixList) {
  EXPECT_EQ(RegistrableDomain("www.shop.co.uk"), "shop.co.uk");
  EXPECT_EQ(RegistrableDomain("static.sklep.com.pl"), "sklep.com.pl");
  EXPECT_EQ(RegistrableDomain("cdn.magazin.ru"), "magazin.ru");
  EXPECT_EQ(RegistrableDomain("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(RegistrableDomain("localhost"), "localhost");
}

TEST(Url, ResolverParsesTheBaseOnceWithTheSameResults) {
  const std::vector<std::string> refs = {"../x/./y?q=1#f", "/A/B/../C", "HTTPS://Other.EXAMPLE:443/p", "?only=query",
                                         "#frag", "", "  sp ace ", "//cdn.example.com/a.js", "../../../../up",
                                         "caf\xC3\xA9/%7e", "mailto:x@y.z", "https://[::1]:8080/v6"};
  for (std::string base : {"HTTP://Shop.Example.COM:80/a/B/../c/d.html?x=1#top", "https://example.com",
                           "relative/only", ""}) {
    const Resolver resolver(base);
    for (int pass = 0; pass < 2; ++pass)  // the shared base is not changed by resolving against it
      for (const std::string& ref : refs) EXPECT_EQ(resolver.Resolve(ref), Resolve(base, ref)) << base << " + " << ref;
  }
  EXPECT_EQ(Resolver("https://example.com/a/b").Resolve("../c"), std::optional<std::string>("https://example.com/c"));
  EXPECT_EQ(Resolver("not a url").Resolve("/x"), std::nullopt);
}

}  // namespace
}  // namespace mmaudit::url
