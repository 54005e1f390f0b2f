#include "core/url.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mmaudit::url
