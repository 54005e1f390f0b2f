// The checkout walker on the five checkout fixture shops over real loopback HTTP: from the product
// page to the order review step with exactly the steps and field counts of each shop's
// expected.json, and never an order or a subscription. The servers record every request that
// reaches an order or subscription route (FixtureServer::Orders, Subscriptions) and every POST that
// looks like placing an order (OrderAttempts); each test asserts all three are empty.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>

#include "core/progress.h"
#include "pipeline/audit.h"
#include "pipeline/checkout_walk.h"
#include "report/html.h"
#include "tests/support/crawl_shop.h"
#include "tests/support/fixture_server.h"
#include "tests/support/json_subset.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

struct ShopCase {
  std::string shop;
};

class CheckoutWalk : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server = std::make_unique<testing::FixtureServer>(testing::SourcePath("fixtures/shops/" + GetParam() + "/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    expected.Parse(testing::ReadFixture("fixtures/shops/" + GetParam() + "/expected.json").c_str());
    ASSERT_TRUE(expected.IsObject());
  }
  void TearDown() override {
    // The hard rule, whatever else happened.
    EXPECT_TRUE(server->Orders().empty()) << "the walk reached an order route";
    EXPECT_TRUE(server->OrderAttempts().empty()) << "the walk sent a POST that looks like placing an order";
    EXPECT_TRUE(server->Subscriptions().empty()) << "the walk subscribed to something";
  }
  facts::CheckoutFlow Walk(const std::string& mode) {
    pipeline::WalkOptions o;
    o.mode = mode;
    o.fetch.connect_timeout_ms = 2000;
    o.fetch.total_timeout_ms = 5000;
    return pipeline::WalkCheckout(server->Url(expected["product"].GetString()), o);
  }
  std::unique_ptr<testing::FixtureServer> server;
  rapidjson::Document expected;
};

TEST_P(CheckoutWalk, ReachesTheReviewStepWithTheExpectedStepsAndFieldsAndPlacesNoOrder) {
  const facts::CheckoutFlow flow = Walk("walk");
  ASSERT_EQ(flow.result, "reached_review") << flow.stop_reason << " at " << flow.stop_url;
  const auto& steps = expected["steps"];
  ASSERT_EQ(flow.steps.size(), steps.Size());
  for (rapidjson::SizeType i = 0; i < steps.Size(); ++i) {
    const facts::CheckoutStepFacts& got = flow.steps[i];
    const auto& want = steps[i];
    EXPECT_EQ(got.url, server->Url(want["path"].GetString())) << "step " << i;
    EXPECT_EQ(got.fields, want["fields"].GetUint()) << "step " << i << " " << got.url;
    EXPECT_EQ(got.other_elements, want["other_elements"].GetUint()) << "step " << i << " " << got.url;
    EXPECT_EQ(got.required, want["required"].GetUint()) << "step " << i << " " << got.url;
    EXPECT_EQ(got.hidden_fields, want["hidden_fields"].GetUint()) << "step " << i << " " << got.url;
  }
  EXPECT_EQ(flow.total_fields, expected["total_fields"].GetUint());
  EXPECT_EQ(flow.estimated_steps, steps.Size());
  EXPECT_EQ(flow.guest_checkout, expected["guest_checkout"].GetBool());
  EXPECT_EQ(flow.account_required, expected["account_required"].GetBool());
  std::vector<std::string> methods;
  for (const auto& m : expected["payment_methods"].GetArray()) methods.emplace_back(m.GetString());
  for (const std::string& m : methods)
    EXPECT_NE(std::find(flow.payment_methods.begin(), flow.payment_methods.end(), m), flow.payment_methods.end()) << m;
  EXPECT_GT(flow.posts, 0u);
}

TEST_P(CheckoutWalk, InspectOnlyFollowsLinksAndSubmitsNothing) {
  const facts::CheckoutFlow flow = Walk("inspect");
  EXPECT_EQ(flow.posts, 0u);
  for (const auto& r : server->Requests()) EXPECT_NE(r.method, "POST") << r.path;
  EXPECT_FALSE(flow.estimate_source.empty());
}

// A buyer whose postcode the shop refuses: the step comes back with its error shown, the walk fills
// every field and tries once more, then stops and says why; still no order.
TEST(CheckoutWalkPolski, StopsAfterTheSecondRefusalAndRecordsTheShopsErrors) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/polski/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  pipeline::WalkOptions o;
  o.buyer = pipeline::ParseBuyer(R"({"country": "PL", "values": {"postal-code": "00590"}})", &error);
  ASSERT_TRUE(o.buyer) << error;
  const facts::CheckoutFlow flow = pipeline::WalkCheckout(server.Url("/produkt/buty-lomnica-gtx"), o);
  EXPECT_EQ(flow.result, "blocked");
  EXPECT_NE(flow.stop_reason.find("validation errors twice"), std::string::npos) << flow.stop_reason;
  ASSERT_GE(flow.steps.size(), 3u);
  const facts::CheckoutStepFacts& address = flow.steps.back();
  EXPECT_TRUE(address.retried);
  ASSERT_FALSE(address.validation_errors.empty());
  EXPECT_NE(address.validation_errors.front().find("kod pocztowy"), std::string::npos) << address.validation_errors.front();
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.OrderAttempts().empty());
}

// robots.txt that disallows the checkout stops the walk before it, with the rule; --ignore-robots
// (WalkOptions::ignore_robots) lets it go on.
TEST(CheckoutWalkRobots, StopsBeforeADisallowedCheckoutUnlessToldToIgnoreRobots) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/woo/site"));
  server.Route("/robots.txt", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("User-agent: *\nDisallow: /checkout/\n", "text/plain");
  });
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  pipeline::WalkOptions o;
  facts::CheckoutFlow flow = pipeline::WalkCheckout(server.Url("/product/trail-runner/"), o);
  EXPECT_EQ(flow.result, "blocked");
  EXPECT_NE(flow.stop_reason.find("Disallow: /checkout/"), std::string::npos) << flow.stop_reason;
  for (const auto& r : server.Requests()) EXPECT_NE(r.path.rfind("/checkout/", 0), 0u) << r.method << " " << r.path;
  o.ignore_robots = true;
  flow = pipeline::WalkCheckout(server.Url("/product/trail-runner/"), o);
  EXPECT_EQ(flow.result, "reached_review") << flow.stop_reason;
  EXPECT_TRUE(server.Orders().empty());
}

std::string Slurp(const std::string& path) {
  std::string out;
  EXPECT_TRUE(testing::ReadWholeFile(path, &out)) << path;
  return out;
}

// The walk goes on with the crawl's cookie jar, as the same visitor: a cookie the home page set
// during the crawl comes back with the walk's add-to-cart POST.
TEST(CheckoutWalkAfterCrawl, CarriesTheCrawlsCookiesIntoTheWalk) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/woo/site"));
  server.Route("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("Set-Cookie", "consent=granted; Path=/");
    res.set_content("<!doctype html><title>Home</title><a href=\"/product/trail-runner/\">Trail Runner</a>",
                    "text/html; charset=utf-8");
  });
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  pipeline::AuditOptions o = testing::CrawlShopOptions();
  o.checkout = "walk";
  o.crawl.use_sitemaps = false;
  o.crawl.max_pages = 5;
  NullProgress progress;
  const report::AuditResult r = pipeline::AuditSite({server.Url("/")}, o, progress);
  ASSERT_TRUE(r.checkout);
  EXPECT_EQ(r.checkout->result, "reached_review") << r.checkout->stop_reason;
  bool posted_with_cookie = false;
  for (const auto& req : server.Requests())
    if (req.method == "POST" || req.query.find("add-to-cart") != std::string::npos)
      posted_with_cookie = posted_with_cookie || req.cookie.find("consent=granted") != std::string::npos;
  EXPECT_TRUE(posted_with_cookie);
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.OrderAttempts().empty());
}

// The command line end to end: a crawl finds the product page, the walk runs after it, and both
// reports show the checkout (the JSON valid against the schema, the HTML with its funnel).
TEST(CheckoutWalkCli, AuditWithCheckoutWalkReportsTheFunnelInJsonAndHtml) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/shopify/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  const std::string out = testing::TempDir();
  const testing::RunResult run =
      testing::RunMmaudit({"audit", server.Url("/"), "--checkout", "walk", "--quiet", "--out-dir", out});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string json = Slurp(out + "/report.json");
  EXPECT_EQ(testing::ReportSchemaError(json), "");
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_TRUE(d.HasMember("checkout") && d["checkout"].IsObject());
  EXPECT_STREQ(d["checkout"]["result"].GetString(), "reached_review") << d["checkout"]["stop_reason"].GetString();
  EXPECT_EQ(d["checkout"]["step_count"].GetUint(), 4u);
  // The checkout rules ran on it: four steps, seven fields, wallets on the cart.
  std::map<std::string, std::string> status;
  for (const auto& f : d["checkout"]["findings"].GetArray()) status[f["rule_id"].GetString()] = f["status"].GetString();
  EXPECT_EQ(status["checkout-steps"], "warn");
  EXPECT_EQ(status["checkout-total-fields"], "pass");
  EXPECT_EQ(status["guest-checkout"], "pass");
  EXPECT_EQ(status["checkout-express-payments"], "pass");
  // The payment step's billing choice defaults to the shipping address, beside a trust phrase.
  EXPECT_STREQ(d["checkout"]["billing_same_as_shipping"].GetString(), "checked");
  EXPECT_STREQ(d["checkout"]["trust_signal"].GetString(), "encrypted");
  const std::string html = Slurp(out + "/report.html");
  for (const char* want : {"id=\"checkout\"", "Checkout funnel", "Checkout rules", "11.3 average", "8 achievable", "Information", "Shipping",
                           "Payment", "Shop Pay"})
    EXPECT_NE(html.find(want), std::string::npos) << want;
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.OrderAttempts().empty());
  // --checkout=off leaves the section null; a bad mode is a usage error.
  const testing::RunResult off = testing::RunMmaudit({"audit", server.Url("/"), "--checkout", "off", "--quiet", "--out-dir", out});
  ASSERT_EQ(off.exit_code, 0) << off.output;
  d.Parse(Slurp(out + "/report.json").c_str());
  EXPECT_TRUE(d["checkout"].IsNull());
  EXPECT_EQ(testing::RunMmaudit({"audit", server.Url("/"), "--checkout", "buy"}).exit_code, 2);
}

INSTANTIATE_TEST_SUITE_P(Shops, CheckoutWalk, ::testing::Values("woo", "magento", "shopify", "polski", "russkiy"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace mmaudit
