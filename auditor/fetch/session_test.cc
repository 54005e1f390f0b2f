// Session against a real loopback HTTP server (tests/support/fixture_server.h): cookies kept across
// requests, form GETs and POSTs, and browsers' rules for the method after a redirect.
#include "fetch/session.h"

#include <gtest/gtest.h>

#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.Route("/cart/add", [](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Set-Cookie", "cart=" + req.get_param_value("id") + "; Path=/");
      res.set_redirect("/cart", 303);
    });
    server.Route("/cart", [](const httplib::Request& req, httplib::Response& res) {
      const std::string cookie = req.get_header_value("Cookie");
      res.set_content("<title>Cart</title><p>" + (cookie.empty() ? std::string("empty") : cookie) + "</p>",
                      "text/html; charset=utf-8");
    });
    server.Route("/keep", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/echo", 307); });
    server.Route("/echo", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(req.method + " " + req.body + " " + (req.has_param("q") ? req.get_param_value("q") : ""),
                      "text/plain");
    });
    server.Route("/big", [](const httplib::Request& req, httplib::Response& res) {
      res.set_content(std::to_string(req.body.size()), "text/plain");
    });
    server.Route("/many-cookies", [](const httplib::Request&, httplib::Response& res) {
      for (int i = 0; i < 120; ++i) res.set_header("Set-Cookie", "c" + std::to_string(i) + "=v; Path=/");
      res.set_content("<title>Cookies</title>", "text/html; charset=utf-8");
    });
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
  }
  testing::FixtureServer server{""};
};

TEST_F(SessionTest, KeepsTheCartCookieFromAPostAnsweredWith303) {
  Session s(FetchOptions{});
  FormSubmission add;
  add.method = "post";
  add.action = server.Url("/cart/add");
  add.fields = {{"id", "42"}, {"quantity", "1"}};
  const Response r = s.Submit(add);
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.final_url, server.Url("/cart"));
  ASSERT_EQ(r.redirects.size(), 1u);
  EXPECT_EQ(r.redirects[0].status, 303);
  EXPECT_NE(r.body.find("cart=42"), std::string::npos) << r.body;  // the cookie came back on the GET
  // A later plain GET carries it too.
  EXPECT_NE(s.Get(server.Url("/cart")).body.find("cart=42"), std::string::npos);
  // After the 303 the browser's rule holds: the next hop is a GET without a body.
  const auto requests = server.Requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, "id=42&quantity=1");
  EXPECT_EQ(requests[1].method, "GET");
  ASSERT_EQ(s.sent().size(), 3u);
  EXPECT_EQ(s.sent()[0].method, "POST");
  EXPECT_EQ(s.sent()[1].method, "GET");
  EXPECT_FALSE(s.Cookies().empty());
}

// What the README's limits promise of a Set-Cookie flood that fits the header limit: libcurl (since
// 7.84) takes at most 50 cookies from one response, so a shop cannot fill the jar.
TEST_F(SessionTest, KeepsAtMostFiftyCookiesOfOneResponse) {
  Session s(FetchOptions{});
  const Response r = s.Get(server.Url("/many-cookies"));
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(s.Cookies().size(), 50u);
}

TEST_F(SessionTest, A307RepeatsThePostWithItsBody) {
  Session s(FetchOptions{});
  FormSubmission f;
  f.method = "post";
  f.action = server.Url("/keep");
  f.fields = {{"city", "Łódź"}, {"note", "a&b=c d"}};
  const Response r = s.Submit(f);
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "POST city=%C5%81%C3%B3d%C5%BA&note=a%26b%3Dc+d ");
}

TEST_F(SessionTest, AGetFormPutsItsFieldsInTheQueryInsteadOfTheActionsQuery) {
  Session s(FetchOptions{});
  FormSubmission f;
  f.action = server.Url("/echo?old=1#top");
  f.fields = {{"q", "buty do biegania"}};
  const Response r = s.Submit(f);
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.final_url, server.Url("/echo?q=buty+do+biegania"));
  EXPECT_EQ(r.body, "GET  buty do biegania");
}

// Cookies from elsewhere (the crawl's jar) join the session's and go out with its requests.
TEST_F(SessionTest, SendsCookiesItWasGivenInCookieFileForm) {
  Session s(FetchOptions{});
  s.AddCookies({"127.0.0.1\tFALSE\t/\tFALSE\t0\tconsent\tyes", "not a cookie line"});
  EXPECT_NE(s.Get(server.Url("/cart")).body.find("consent=yes"), std::string::npos);
  bool listed = false;
  for (const std::string& c : s.Cookies()) listed = listed || c.find("consent") != std::string::npos;
  EXPECT_TRUE(listed);
}

// A long form (order notes) arrives whole.
TEST_F(SessionTest, PostsALongFormWhole) {
  Session s(FetchOptions{});
  FormSubmission f;
  f.method = "post";
  f.action = server.Url("/big");
  f.fields = {{"notes", std::string(6000, 'x')}};  // under cpp-httplib's 8 KB form limit (compiled into Debian's library)
  const Response r = s.Submit(f);
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "6006") << r.status << " " << r.final_url;
}

TEST(UrlEncodeForm, EncodesLikeABrowser) {
  EXPECT_EQ(UrlEncodeForm({{"a b", "ü&="}, {"x", ""}, {"k", "A-z_0.9*~"}}), "a+b=%C3%BC%26%3D&x=&k=A-z_0.9*%7E");
}

}  // namespace
}  // namespace mmaudit::fetch
