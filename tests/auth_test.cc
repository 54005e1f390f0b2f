// --header, --cookie, --cookie-file and --user end to end: the real mmaudit binary audits a staging
// site behind basic auth on one loopback port, whose page loads a third party's script and image
// from another. Every request to the site (robots.txt, sitemap, pages, stylesheet) carries the
// credentials; the third party gets none of them, not even through a redirect; no secret value
// reaches any report file or the console; malformed options stop the run with exit code 2 before
// any request.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"

namespace mmaudit {
namespace {

constexpr const char* kHeaderSecret = "hdr-secret-4f7a";
constexpr const char* kCookieSecret = "cookie-secret-91b2";
constexpr const char* kFileCookieSecret = "file-secret-33d0";
constexpr const char* kUserSecret = "user-secret-5e21";
constexpr const char* kPasswordSecret = "pw-secret-7c1e";
// base64("user-secret-5e21:pw-secret-7c1e"), what an Authorization header would hold.
constexpr const char* kBasicToken = "dXNlci1zZWNyZXQtNWUyMTpwdy1zZWNyZXQtN2MxZQ==";

std::string HeaderOf(const testing::RecordedRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return {};
}

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AuthEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    auto js = [](const httplib::Request&, httplib::Response& res) { res.set_content("var a=1;", "application/javascript"); };
    third.Route("/lib.js", js);
    third.Route("/pic.png", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string("\x89PNG\r\n\x1a\n", 8), "image/png");
    });
    ASSERT_TRUE(third.Start(&error)) << error;
    const std::string t = third.Url("");
    auto guarded = [](const std::string& body, const char* type) {
      return [body, type](const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Authorization") != std::string("Basic ") + kBasicToken) {
          res.status = 401;
          res.set_header("WWW-Authenticate", "Basic realm=\"staging\"");
          res.set_content("<title>401 Authorization Required</title>", "text/html");
          return;
        }
        res.set_content(body, type);
      };
    };
    auto page = [&t](const std::string& title) {
      return "<!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport "
             "content=\"width=device-width\"><title>" + title + "</title><link rel=stylesheet href=\"/style.css\">"
             "<script src=\"" + t + "/lib.js\"></script></head><body><h1>" + title + "</h1>"
             "<a href=\"/about\">About us</a><img src=\"" + t + "/pic.png\" width=8 height=8 alt=\"Logo\">"
             "<img src=\"/img-away\" width=8 height=8 alt=\"Banner\"></body></html>";
    };
    site.Route("/", guarded(page("Staging shop"), "text/html; charset=utf-8"));
    site.Route("/about", guarded(page("About the staging shop"), "text/html; charset=utf-8"));
    site.Route("/style.css", guarded("body{font-size:16px}", "text/css"));
    site.Route("/img-away", [t](const httplib::Request&, httplib::Response& res) { res.set_redirect(t + "/pic.png", 302); });
    site.Route("/robots.txt", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content("User-agent: *\nAllow: /\nSitemap: " + site.Url("/sitemap.xml") + "\n", "text/plain");
    });
    site.Route("/sitemap.xml", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content("<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>" +
                          site.Url("/about") + "</loc></url></urlset>",
                      "application/xml");
    });
    ASSERT_TRUE(site.Start(&error)) << error;
    out = testing::TempDir();
    cookie_file = out + "-cookies.txt";
    std::ofstream(cookie_file) << "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tfc\t"
                               << kFileCookieSecret << "\n";
  }

  std::vector<std::string> Args(bool with_credentials) {
    std::vector<std::string> args = {"audit", site.Url("/"), "--out-dir", out, "--format", "json,html,junit,md,csv",
                                     "--max-pages", "10"};
    if (with_credentials) {
      for (const std::string& a : std::vector<std::string>{"--header", std::string("X-Staging-Token: ") + kHeaderSecret, "--cookie",
                                  std::string("sid=") + kCookieSecret, "--cookie-file", cookie_file, "--user",
                                  std::string(kUserSecret) + ":" + kPasswordSecret})
        args.push_back(a);
    }
    return args;
  }

  rapidjson::Document Report() {
    rapidjson::Document d;
    const std::string json = ReadAll(out + "/report.json");
    d.Parse(json.c_str());
    EXPECT_FALSE(d.HasParseError()) << "report.json missing or malformed";
    return d;
  }

  testing::FixtureServer site{""};
  testing::FixtureServer third{""};
  std::string out, cookie_file;
};

TEST_F(AuthEndToEnd, WithCredentialsEveryRequestToTheSiteCarriesThemAndTheThirdPartyGetsNone) {
  const testing::RunResult run = testing::RunMmaudit(Args(true), "");  // progress lines on
  ASSERT_EQ(run.exit_code, 0) << run.output;

  std::set<std::string> paths;
  for (const auto& r : site.Requests()) {
    SCOPED_TRACE(r.path);
    paths.insert(r.path);
    EXPECT_EQ(HeaderOf(r, "authorization"), std::string("Basic ") + kBasicToken);
    EXPECT_EQ(HeaderOf(r, "x-staging-token"), kHeaderSecret);
    EXPECT_NE(r.cookie.find(std::string("sid=") + kCookieSecret), std::string::npos) << r.cookie;
    EXPECT_NE(r.cookie.find(std::string("fc=") + kFileCookieSecret), std::string::npos) << r.cookie;
  }
  for (const char* p : {"/robots.txt", "/sitemap.xml", "/", "/about", "/style.css", "/img-away"})
    EXPECT_EQ(paths.count(p), 1u) << p << " was not requested";

  const auto third_requests = third.Requests();
  EXPECT_GE(third_requests.size(), 2u) << "the third party's script and image are loaded";
  for (const auto& r : third_requests) {
    SCOPED_TRACE(r.path);
    EXPECT_EQ(HeaderOf(r, "authorization"), "");
    EXPECT_EQ(HeaderOf(r, "x-staging-token"), "");
    EXPECT_EQ(r.cookie.find("sid="), std::string::npos) << r.cookie;
    EXPECT_EQ(r.cookie.find("fc="), std::string::npos) << r.cookie;
    for (const auto& [name, value] : r.headers) EXPECT_EQ(value.find("secret"), std::string::npos) << name;
  }

  const rapidjson::Document d = Report();
  EXPECT_EQ(d["summary"]["pages_audited"].GetInt(), 2) << run.output;
  const auto& c = d["settings"]["credentials"];
  ASSERT_TRUE(c.IsObject());
  ASSERT_EQ(c["headers"].Size(), 1u);
  EXPECT_STREQ(c["headers"][0]["name"].GetString(), "X-Staging-Token");
  EXPECT_STREQ(c["headers"][0]["value"].GetString(), "[redacted]");
  ASSERT_EQ(c["cookies"].Size(), 2u);
  EXPECT_STREQ(c["cookies"][1]["name"].GetString(), "fc");
  EXPECT_STREQ(c["basic_auth"]["password"].GetString(), "[redacted]");
  ASSERT_EQ(c["sent_to"].Size(), 1u);
  EXPECT_EQ(c["sent_to"][0].GetString(), "http://127.0.0.1:" + std::to_string(site.port()));
  EXPECT_NE(ReadAll(out + "/report.html").find("X-Staging-Token"), std::string::npos);
}

TEST_F(AuthEndToEnd, NoSecretValueAppearsInAnyOutputFileOrOnTheConsole) {
  const testing::RunResult run = testing::RunMmaudit(Args(true), "");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(site.Url("/about")), std::string::npos) << "progress lines were printed: " << run.output;
  std::vector<std::pair<std::string, std::string>> texts = {{"console", run.output}};
  for (const auto& e : std::filesystem::recursive_directory_iterator(out))
    if (e.is_regular_file()) texts.emplace_back(e.path().string(), ReadAll(e.path()));
  ASSERT_GE(texts.size(), 6u) << "json, html, junit, md and csv were written";
  for (const auto& [where, text] : texts)
    for (const char* secret : {kHeaderSecret, kCookieSecret, kFileCookieSecret, kUserSecret, kPasswordSecret, kBasicToken})
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " appears in " << where;
  // ... while the reports a reader skims say, by name, that credentials were sent.
  const std::string used = "headers X-Staging-Token; 2 cookies; a cookie file; HTTP basic auth";  // --cookie and the file's
  EXPECT_NE(ReadAll(out + "/report.md").find("Sent with credentials: " + used), std::string::npos);
  EXPECT_NE(ReadAll(out + "/report.junit.xml").find("name=\"credentials\" value=\"" + used + " (values redacted)\""),
            std::string::npos);
  EXPECT_NE(ReadAll(out + "/report.html").find(used + " <span class=\"muted\">(values redacted"), std::string::npos);
}

TEST_F(AuthEndToEnd, WithoutCredentialsThePageBehindBasicAuthIsAPageErrorWith401) {
  const testing::RunResult run = testing::RunMmaudit(Args(false));
  EXPECT_EQ(run.exit_code, 3) << run.output;  // nothing audited
  const rapidjson::Document d = Report();
  ASSERT_GE(d["pages"].Size(), 1u);
  const auto& p = d["pages"][0];
  ASSERT_TRUE(p["error"].IsObject());
  EXPECT_STREQ(p["error"]["code"].GetString(), "http-status");
  EXPECT_EQ(p["facts"]["http"]["status"].GetInt(), 401);
  EXPECT_TRUE(d["settings"]["credentials"].IsNull());
}

TEST_F(AuthEndToEnd, MalformedCredentialOptionsExitWithTwoBeforeAnyRequest) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"--header", "X-Staging-Token sekrit-1"}, "--header needs \"Name: value\""},
      {{"--header", "X Staging: sekrit-2"}, "header name \"X Staging\" has characters"},
      {{"--header", "X-Staging-Token: sekrit-3\r\nX-Admin: 1"}, "would inject another header"},
      {{"--cookie", "sekrit-4"}, "--cookie needs \"name=value\""},
      {{"--cookie-file", out + "/no-such-cookies.txt"}, "not a readable file"},
      {{"--user", "sekrit-5"}, "--user needs \"user:password\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    std::vector<std::string> args = Args(false);
    args.insert(args.end(), c.args.begin(), c.args.end());
    const testing::RunResult run = testing::RunMmaudit(args);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(c.message), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("sekrit"), std::string::npos) << run.output;
  }
  EXPECT_TRUE(site.Requests().empty()) << "no request before the options are valid";
}

TEST_F(AuthEndToEnd, NoSecretOfAUrlsUserInfoAnAuthorizationHeaderOrACookieAppearsInAnyOutput) {
  // The site's credentials come as user:password@ in the start URL and again as a raw Authorization
  // header; a cookie rides along. Every report format and the console (progress lines on) are read.
  const std::string port = std::to_string(site.port());
  const std::string with_userinfo =
      "http://" + std::string(kUserSecret) + ":" + kPasswordSecret + "@127.0.0.1:" + port + "/";
  const testing::RunResult run = testing::RunMmaudit(
      {"audit", with_userinfo, "--out-dir", out, "--format", "json,html,junit,md,csv", "--max-pages", "10", "--header",
       std::string("Authorization: Basic ") + kBasicToken, "--cookie", std::string("sid=") + kCookieSecret},
      "");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(site.Url("/about")), std::string::npos) << "progress lines were printed: " << run.output;
  for (const auto& r : site.Requests()) {
    SCOPED_TRACE(r.path);
    EXPECT_EQ(HeaderOf(r, "authorization"), std::string("Basic ") + kBasicToken);
  }
  const rapidjson::Document d = Report();
  EXPECT_EQ(d["summary"]["pages_audited"].GetInt(), 2) << run.output;
  ASSERT_EQ(d["site"]["start_urls"].Size(), 1u);
  EXPECT_EQ(d["site"]["start_urls"][0].GetString(), site.Url("/")) << "the URL is recorded without its user:password@";
  EXPECT_STREQ(d["settings"]["credentials"]["basic_auth"]["password"].GetString(), "[redacted]");

  std::vector<std::pair<std::string, std::string>> texts = {{"console", run.output}};
  for (const auto& e : std::filesystem::recursive_directory_iterator(out))
    if (e.is_regular_file()) texts.emplace_back(e.path().string(), ReadAll(e.path()));
  ASSERT_GE(texts.size(), 6u) << "json, html, junit, md and csv were written";
  for (const auto& [where, text] : texts)
    for (const char* secret : {kCookieSecret, kUserSecret, kPasswordSecret, kBasicToken})
      EXPECT_EQ(text.find(secret), std::string::npos) << secret << " appears in " << where;
}

TEST_F(AuthEndToEnd, AWrongSecretInAUrlIsNotEchoedInTheErrorOrTheReport) {
  const std::string with_userinfo = "http://" + std::string(kUserSecret) + ":wrong-" + kPasswordSecret + "@127.0.0.1:" +
                                    std::to_string(site.port()) + "/";
  const testing::RunResult run =
      testing::RunMmaudit({"audit", with_userinfo, "--out-dir", out, "--format", "json,html,junit,md,csv", "--no-crawl"}, "");
  EXPECT_EQ(run.exit_code, 3) << run.output;  // 401: nothing audited
  std::vector<std::pair<std::string, std::string>> texts = {{"console", run.output}};
  for (const auto& e : std::filesystem::recursive_directory_iterator(out))
    if (e.is_regular_file()) texts.emplace_back(e.path().string(), ReadAll(e.path()));
  for (const auto& [where, text] : texts) {
    EXPECT_EQ(text.find(kUserSecret), std::string::npos) << where;
    EXPECT_EQ(text.find(kPasswordSecret), std::string::npos) << where;
  }
}

}  // namespace
}  // namespace mmaudit
