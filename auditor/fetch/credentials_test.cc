// Credentials (--header, --cookie, --cookie-file, --user): parsing the options, which URLs they go
// to, and, over real loopback HTTP, that the fetchers send them to the audited origin and never to a
// third-party host on another port, not even after a redirect.
#include "fetch/credentials.h"

#include <gtest/gtest.h>

#include "fetch/curl_fetcher.h"
#include "fetch/resource_loader.h"
#include "fetch/session.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

std::string HeaderOf(const testing::RecordedRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

TEST(CredentialOptions, AHeaderIsSplitAtTheFirstColonAndTrimmed) {
  std::pair<std::string, std::string> h;
  std::string error;
  ASSERT_TRUE(ParseHeaderOption("X-Staging-Token:  a:b:c ", &h, &error)) << error;
  EXPECT_EQ(h.first, "X-Staging-Token");
  EXPECT_EQ(h.second, "a:b:c");
  ASSERT_TRUE(ParseHeaderOption("X-Empty:", &h, &error)) << error;
  EXPECT_EQ(h.second, "");
}

TEST(CredentialOptions, AHeaderWithoutColonOrWithABadNameIsRefusedWithoutEchoingTheValue) {
  std::pair<std::string, std::string> h;
  std::string error;
  EXPECT_FALSE(ParseHeaderOption("X-Token sekrit-value", &h, &error));
  EXPECT_NE(error.find("no \":\""), std::string::npos) << error;
  EXPECT_EQ(error.find("sekrit"), std::string::npos) << error;
  EXPECT_FALSE(ParseHeaderOption("X Token: v", &h, &error));
  EXPECT_NE(error.find("\"X Token\""), std::string::npos) << error;
  EXPECT_FALSE(ParseHeaderOption("X(Token): v", &h, &error));
  EXPECT_FALSE(ParseHeaderOption("cookie: sid=1", &h, &error));
  EXPECT_NE(error.find("--cookie"), std::string::npos) << error;
  EXPECT_FALSE(ParseHeaderOption("Host: other.example", &h, &error));
  EXPECT_TRUE(ParseHeaderOption("Authorization: Bearer t", &h, &error)) << error;
  EXPECT_FALSE(ParseHeaderOption(": v", &h, &error));
  EXPECT_NE(error.find("empty name"), std::string::npos) << error;
}

TEST(CredentialOptions, LineBreaksInAHeaderValueAreRefusedAsHeaderInjection) {
  std::pair<std::string, std::string> h;
  std::string error;
  EXPECT_FALSE(ParseHeaderOption("X-Token: a\r\nX-Admin: 1", &h, &error));
  EXPECT_NE(error.find("inject"), std::string::npos) << error;
  EXPECT_EQ(error.find("X-Admin"), std::string::npos) << error;
  EXPECT_FALSE(ParseHeaderOption("X-Token: a\nb", &h, &error));
  EXPECT_FALSE(ParseHeaderOption(std::string("X-Token: a\0b", 12), &h, &error));
  EXPECT_FALSE(ParseHeaderOption("X-Token: a\x01", &h, &error));
  EXPECT_TRUE(ParseHeaderOption("X-Token: a\tb", &h, &error)) << error;
}

TEST(CredentialOptions, ACookieNeedsANameAndAValueWithoutSemicolonsOrLineBreaks) {
  std::pair<std::string, std::string> c;
  std::string error;
  ASSERT_TRUE(ParseCookieOption("sid=abc=def", &c, &error)) << error;
  EXPECT_EQ(c.first, "sid");
  EXPECT_EQ(c.second, "abc=def");
  EXPECT_FALSE(ParseCookieOption("sid", &c, &error));
  EXPECT_NE(error.find("no \"=\""), std::string::npos) << error;
  EXPECT_FALSE(ParseCookieOption("=v", &c, &error));
  EXPECT_FALSE(ParseCookieOption("sid=a; admin=1", &c, &error));
  EXPECT_FALSE(ParseCookieOption("sid=a\r\nX: y", &c, &error));
  EXPECT_NE(error.find("line break"), std::string::npos) << error;
}

TEST(CredentialOptions, UserNeedsAColonAndANonEmptyName) {
  std::pair<std::string, std::string> u;
  std::string error;
  ASSERT_TRUE(ParseUserOption("stage:pa:ss", &u, &error)) << error;
  EXPECT_EQ(u.first, "stage");
  EXPECT_EQ(u.second, "pa:ss");
  EXPECT_FALSE(ParseUserOption("stagepass", &u, &error));
  EXPECT_NE(error.find("no \":\""), std::string::npos) << error;
  EXPECT_EQ(error.find("stagepass"), std::string::npos) << error;
  EXPECT_FALSE(ParseUserOption(":pass", &u, &error));
}

TEST(CookieFile, ReadsNetscapeLinesWithHttpOnlyPrefixAndSkipsComments) {
  const std::string text =
      "# Netscape HTTP Cookie File\n"
      "\n"
      ".shop.example\tTRUE\t/\tFALSE\t0\tsid\tabc\n"
      "#HttpOnly_shop.example\tFALSE\t/account\tTRUE\t4102444800\ttoken\txyz\r\n"
      "shop.example\tFALSE\t/\tFALSE\t0\tempty\n";
  std::vector<FileCookie> cookies;
  std::string error;
  ASSERT_TRUE(ParseCookieFile(text, &cookies, &error)) << error;
  ASSERT_EQ(cookies.size(), 3u);
  EXPECT_EQ(cookies[0].domain, "shop.example");
  EXPECT_TRUE(cookies[0].include_subdomains);
  EXPECT_EQ(cookies[0].name, "sid");
  EXPECT_EQ(cookies[1].path, "/account");
  EXPECT_TRUE(cookies[1].secure);
  EXPECT_EQ(cookies[1].expires, 4102444800);
  EXPECT_EQ(cookies[1].value, "xyz");
  EXPECT_EQ(cookies[2].value, "");
}

TEST(CookieFile, AMalformedLineIsAnErrorNamingItsLine) {
  std::vector<FileCookie> cookies;
  std::string error;
  EXPECT_FALSE(ParseCookieFile("# c\nshop.example FALSE / FALSE 0 sid abc\n", &cookies, &error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(ParseCookieFile("shop.example\tMAYBE\t/\tFALSE\t0\tsid\tabc\n", &cookies, &error));
  EXPECT_FALSE(ParseCookieFile("shop.example\tFALSE\t/\tFALSE\tsoon\tsid\tabc\n", &cookies, &error));
  EXPECT_NE(error.find("expiry"), std::string::npos) << error;
  EXPECT_FALSE(ParseCookieFile("# only comments\n\n", &cookies, &error));
  EXPECT_NE(error.find("no cookie"), std::string::npos) << error;
}

TEST(CredentialScope, OnlyTheStartUrlsOriginsAndTheirHttpsUpgradeGetCredentials) {
  Credentials c;
  c.basic = std::make_pair(std::string("u"), std::string("p"));
  c.origins = CredentialOrigins({"http://Shop.example/products", "http://127.0.0.1:8080/"});
  EXPECT_TRUE(c.AppliesTo("http://shop.example/cart"));
  EXPECT_TRUE(c.AppliesTo("https://shop.example/checkout"));  // the upgrade redirect
  EXPECT_TRUE(c.AppliesTo("http://127.0.0.1:8080/robots.txt"));
  EXPECT_FALSE(c.AppliesTo("https://127.0.0.1:8080/"));  // no upgrade from a non-default port
  EXPECT_FALSE(c.AppliesTo("http://127.0.0.1:8081/"));   // another port is another site
  EXPECT_FALSE(c.AppliesTo("http://cdn.shop.example/app.js"));
  EXPECT_FALSE(c.AppliesTo("http://shop.example.evil.test/"));
  EXPECT_FALSE(c.AppliesTo("not a url"));
}

TEST(CredentialScope, FileCookiesMatchDomainPathSecureAndExpiry) {
  Credentials c;
  c.origins = CredentialOrigins({"https://shop.example/", "https://www.shop.example/"});
  c.cookies = {{"given", "1"}};
  c.file_cookies = {
      {"shop.example", false, "/", false, 0, "host_only", "a"},
      {"shop.example", true, "/", false, 0, "all_hosts", "b"},
      {"shop.example", false, "/account", false, 0, "account", "c"},
      {"shop.example", false, "/", true, 0, "secure", "d"},
      {"shop.example", false, "/", false, 1000, "expired", "e"},
  };
  EXPECT_EQ(c.CookieHeaderFor("https://shop.example/", 2000), "given=1; host_only=a; all_hosts=b; secure=d");
  EXPECT_EQ(c.CookieHeaderFor("https://shop.example/account/orders", 2000),
            "given=1; host_only=a; all_hosts=b; account=c; secure=d");
  EXPECT_EQ(c.CookieHeaderFor("https://shop.example/accounting", 2000), "given=1; host_only=a; all_hosts=b; secure=d");
  EXPECT_EQ(c.CookieHeaderFor("https://www.shop.example/", 2000), "given=1; all_hosts=b");
  EXPECT_EQ(c.CookieHeaderFor("https://shop.example/", 500), "given=1; host_only=a; all_hosts=b; secure=d; expired=e");
  EXPECT_EQ(c.CookieHeaderFor("https://third.example/", 2000), "");
}

TEST(CredentialScope, TheSummaryHoldsNamesButNoValue) {
  Credentials c;
  c.headers = {{"X-Token", "hdr-secret"}};
  c.cookies = {{"sid", "cookie-secret"}};
  c.basic = std::make_pair(std::string("user-secret"), std::string("pw-secret"));
  const auto s = Summarize(c);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->header_names, std::vector<std::string>{"X-Token"});
  EXPECT_EQ(s->cookie_names, std::vector<std::string>{"sid"});
  EXPECT_TRUE(s->basic_auth);
  EXPECT_FALSE(Summarize(Credentials{}).has_value());
}

// A site and a third party on two loopback ports. The site redirects /away to the third party.
class CredentialsOverHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    site.Route("/page", [](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") != "Basic c3RhZ2U6cGFzcw==") {  // stage:pass
        res.status = 401;
        res.set_header("WWW-Authenticate", "Basic realm=\"staging\"");
        res.set_content("no", "text/plain");
        return;
      }
      res.set_content("<title>ok</title>", "text/html");
    });
    std::string error;
    ASSERT_TRUE(third.Start(&error)) << error;
    const std::string target = third.Url("/landing");
    site.Route("/away", [target](const httplib::Request&, httplib::Response& res) { res.set_redirect(target, 302); });
    ASSERT_TRUE(site.Start(&error)) << error;
    options.credentials.headers = {{"X-Staging-Token", "hdr-secret"}, {"Accept-Language", "de"}};
    options.credentials.cookies = {{"sid", "cookie-secret"}};
    options.credentials.basic = std::make_pair(std::string("stage"), std::string("pass"));
    options.credentials.origins = CredentialOrigins({site.Url("/")});
  }

  // Every request `server` received carried the credentials (or, with `expected` false, none).
  void ExpectCredentials(const testing::FixtureServer& server, bool expected) {
    const auto requests = server.Requests();
    ASSERT_FALSE(requests.empty());
    for (const auto& r : requests) {
      SCOPED_TRACE(r.path);
      if (expected) {
        EXPECT_EQ(HeaderOf(r, "authorization"), "Basic c3RhZ2U6cGFzcw==");
        EXPECT_EQ(HeaderOf(r, "x-staging-token"), "hdr-secret");
        EXPECT_EQ(HeaderOf(r, "accept-language"), "de") << "the user's header replaces ours";
        EXPECT_NE(r.cookie.find("sid=cookie-secret"), std::string::npos) << r.cookie;
      } else {
        EXPECT_EQ(HeaderOf(r, "authorization"), "");
        EXPECT_EQ(HeaderOf(r, "x-staging-token"), "");
        EXPECT_NE(HeaderOf(r, "accept-language"), "de");
        EXPECT_EQ(r.cookie.find("sid="), std::string::npos) << r.cookie;
        for (const auto& [name, value] : r.headers)
          EXPECT_EQ(value.find("secret"), std::string::npos) << name << ": " << value;
      }
    }
  }

  testing::FixtureServer site{""};
  testing::FixtureServer third{""};
  FetchOptions options;
};

TEST_F(CredentialsOverHttp, BasicAuthOpensTheStagingPageAndIsMissedWithout) {
  CurlFetcher with(options);
  EXPECT_EQ(with.Fetch(site.Url("/page")).status, 200);
  CurlFetcher without{FetchOptions{}};
  EXPECT_EQ(without.Fetch(site.Url("/page")).status, 401);
}

TEST_F(CredentialsOverHttp, ARedirectToAnotherHostCarriesNoCredentials) {
  CurlFetcher fetcher(options);
  const Response r = fetcher.Fetch(site.Url("/away"));
  ASSERT_EQ(r.redirects.size(), 1u);
  EXPECT_EQ(r.final_url, third.Url("/landing"));
  ExpectCredentials(site, true);
  ExpectCredentials(third, false);
}

TEST_F(CredentialsOverHttp, TheCheckoutSessionSendsThemToTheSiteOnlyBesideItsCookieJar) {
  Session s(options);
  s.AddCookies({"127.0.0.1\tFALSE\t/\tFALSE\t0\tcart\t42"});
  EXPECT_EQ(s.Get(site.Url("/page")).status, 200);
  s.Get(site.Url("/away"));
  s.Get(third.Url("/direct"));
  ExpectCredentials(site, true);
  for (const auto& r : site.Requests()) EXPECT_NE(r.cookie.find("cart=42"), std::string::npos) << r.cookie;
  // (The jar's cookie for 127.0.0.1 may go to any port, as in a browser; ours may not.)
  ExpectCredentials(third, false);
}

TEST_F(CredentialsOverHttp, TheSubresourceLoaderSendsThemToTheSiteButNotToAThirdParty) {
  ResourceLoaderOptions lo;
  lo.fetch = options;
  ResourceLoader loader(lo);
  const auto loaded = loader.LoadAll({site.Url("/page"), third.Url("/lib.js"), site.Url("/away")});
  ASSERT_EQ(loaded.size(), 3u);
  EXPECT_EQ(loaded[0]->response.status, 200);
  ExpectCredentials(site, true);
  ExpectCredentials(third, false);
  EXPECT_EQ(third.Requests().size(), 2u);
}

TEST(CredentialOptions, AUrlsUserAndPasswordAreTakenOutOfItAndDecoded) {
  std::optional<std::pair<std::string, std::string>> user;
  EXPECT_EQ(StripUserInfo("https://shop%40team:p%3Ass@staging.example:8443/a?b=c@d", &user),
            "https://staging.example:8443/a?b=c@d");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->first, "shop@team");
  EXPECT_EQ(user->second, "p:ss");
  user.reset();
  EXPECT_EQ(StripUserInfo("http://preview@staging.example/", &user), "http://staging.example/");
  ASSERT_TRUE(user.has_value());
  EXPECT_EQ(user->second, "");
  user.reset();
  EXPECT_EQ(StripUserInfo("https://shop.example/path/@handle", &user), "https://shop.example/path/@handle");
  EXPECT_FALSE(user.has_value());
  EXPECT_EQ(StripUserInfo("not a url", &user), "not a url");
  EXPECT_FALSE(user.has_value());
}

}  // namespace
}  // namespace mmaudit::fetch
