// The mobile layout rules of rules/mobile.json (issue 6): on facts written by hand, the way
// facts/mobile_layout.h fills them, and on the rule cases of fixtures/rule-cases/.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "facts/extract.h"
#include "rules/catalogue.h"
#include "rules/checks.h"
#include "rules/scoring.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

const RuleSpec& Rule(const std::string& id) {
  static const Catalogue cat = DefaultCatalogue();
  const RuleSpec* r = cat.Find(id);
  if (r == nullptr) throw std::runtime_error("no rule " + id);
  return *r;
}

// A parsed page with a mobile viewport whose layout was read from inline CSS only.
facts::PageFacts Phone() {
  facts::PageFacts p;
  p.fetched = p.parsed = true;
  p.viewport.present = true;
  p.viewport.width = "device-width";
  p.mobile.read = true;
  p.mobile.css_read = "inline";
  p.mobile.viewport_width = 412;
  p.mobile.viewport_height = 823;
  return p;
}

bool Has(const std::vector<std::string>& details, const std::string& part) {
  return std::any_of(details.begin(), details.end(), [&](const auto& d) { return d.find(part) != std::string::npos; });
}

TEST(MobileChecks, AreRegisteredWithTheOtherChecks) {
  for (const CheckInfo& c : MobileChecks()) {
    ASSERT_NE(FindCheck(c.name), nullptr) << c.name;
    EXPECT_EQ(FindCheck(c.name)->fn, c.fn) << c.name;
  }
  for (const char* id : {"legible-font-size", "tap-target-size", "content-width", "horizontal-scroll", "intrusive-interstitial"}) {
    EXPECT_EQ(Rule(id).moment, "mobile") << id;
    EXPECT_FALSE(Rule(id).threshold_source.empty()) << id;
  }
}

TEST(MobileChecks, LegibleFontSizePassesAtSixtyPercentAndNamesTheSmallText) {
  facts::PageFacts p = Phone();
  p.mobile.text_chars = 1000;
  p.mobile.font_sizes = {{10, 350, "div.legal", ".legal { font-size: 10px }"},
                         {11.5, 50, "p.note", "style attribute (font-size: 11.5px)"},
                         {16, 600, "p", "browser default"}};
  Finding f = Evaluate(Rule("legible-font-size"), p);
  EXPECT_EQ(f.status, Status::kPass) << f.display_value;
  EXPECT_EQ(f.display_value, "60% of the text is at least 12 px");
  p.mobile.font_sizes[2].chars = 590;
  p.mobile.font_sizes[0].chars = 360;
  f = Evaluate(Rule("legible-font-size"), p);
  EXPECT_EQ(f.status, Status::kFail) << f.display_value;
  ASSERT_EQ(f.details.size(), 2u);
  EXPECT_EQ(f.details[0], "10 px: 360 characters, e.g. div.legal, set by .legal { font-size: 10px }");
  // Without a mobile viewport Lighthouse does not judge font sizes; nor do we.
  p.viewport = facts::ViewportFacts{};
  EXPECT_EQ(Evaluate(Rule("legible-font-size"), p).status, Status::kNotApplicable);
}

TEST(MobileChecks, SayPlainlyWhenLinkedStylesheetsWereNotRead) {
  facts::PageFacts p = Phone();
  p.mobile.text_chars = 100;
  p.mobile.font_sizes = {{16, 100, "p", "browser default"}};
  p.mobile.linked_css_note = "the page's 2 linked stylesheets were not read: resources not fetched (--no-resources)";
  const Finding f = Evaluate(Rule("legible-font-size"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_NE(f.display_value.find("(inline CSS only: the page's 2 linked stylesheets were not read"), std::string::npos)
      << f.display_value;
}

TEST(MobileChecks, TapTargetsFailUnderTwentyFourAndWarnUnderFortyEightPixels) {
  facts::PageFacts p = Phone();
  p.mobile.tap_targets = 10;
  p.mobile.sized_tap_targets = {{"button.buy", "add to cart", std::nullopt, 48.0}, {"a.icon", "Cart", 32.0, 32.0}};
  Finding f = Evaluate(Rule("tap-target-size"), p);
  EXPECT_EQ(f.status, Status::kWarn) << f.display_value;
  EXPECT_TRUE(Has(f.details, "a.icon \"Cart\": 32 x 32 px (under 48 px)"));
  p.mobile.sized_tap_targets.push_back({"a.close", "", 20.0, std::nullopt});
  f = Evaluate(Rule("tap-target-size"), p);
  EXPECT_EQ(f.status, Status::kFail) << f.display_value;
  EXPECT_EQ(f.display_value, "1 of 10 tap targets are declared smaller than 24 px");
  EXPECT_EQ(f.details, (std::vector<std::string>{"a.close: 20 x ? px (under 24 px)"}));
  p.mobile.sized_tap_targets = {{"button.buy", "add to cart", std::nullopt, 48.0}};
  EXPECT_EQ(Evaluate(Rule("tap-target-size"), p).status, Status::kPass);
  p.mobile.tap_targets = 0;
  p.mobile.sized_tap_targets.clear();
  EXPECT_EQ(Evaluate(Rule("tap-target-size"), p).status, Status::kNotApplicable);
}

TEST(MobileChecks, ContentWidthFailsOnWideElementsAndAFixedViewportWidth) {
  facts::PageFacts p = Phone();
  EXPECT_EQ(Evaluate(Rule("content-width"), p).status, Status::kPass);
  p.mobile.wide_elements = {{"div.container", "width: 980px (.container in CSS)", 980}};
  Finding f = Evaluate(Rule("content-width"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.details, (std::vector<std::string>{"div.container: 980 px wide, width: 980px (.container in CSS)"}));
  p.mobile.wide_elements.clear();
  p.viewport.width = "980";
  f = Evaluate(Rule("content-width"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_TRUE(Has(f.details, "width=980"));
}

TEST(MobileChecks, HorizontalScrollFailsOnEachRiskAndKeepsShortNowrapText) {
  facts::PageFacts p = Phone();
  p.mobile.scroll_risks = {{"span.price", "white-space: nowrap (.price in CSS) on 30 characters (about 240 px wide)", 240}};
  EXPECT_EQ(Evaluate(Rule("horizontal-scroll"), p).status, Status::kPass);
  p.mobile.scroll_risks.push_back({"div.hero", "width: 100vw (.hero in CSS) plus margin-left: 20px", 412});
  const Finding f = Evaluate(Rule("horizontal-scroll"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.details, (std::vector<std::string>{"div.hero: width: 100vw (.hero in CSS) plus margin-left: 20px"}));
}

TEST(MobileChecks, InterstitialsFailButCookieAgeAndLegalNoticesAreAllowed) {
  facts::PageFacts p = Phone();
  p.mobile.overlays = {{"div.cookies", "fixed", 1.0, "we use cookies", {"cookie_notice"}, false},
                       {"div.toast", "fixed", 0.05, "added to cart", {}, false}};
  Finding f = Evaluate(Rule("intrusive-interstitial"), p);
  EXPECT_EQ(f.status, Status::kPass) << f.display_value;
  EXPECT_NE(f.display_value.find("1 cookie, age or legal notices allowed"), std::string::npos);
  p.mobile.overlays.push_back({"div.app", "fixed", 0.3, "open", {}, true});  // an app-store link
  f = Evaluate(Rule("intrusive-interstitial"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_TRUE(Has(f.details, "div.app (fixed, app-install prompt) covers 30% of the screen"));
  p.mobile.overlays = {{"div#signup", "absolute", 0.6, "sign up and get 10% off", {}, false}};
  f = Evaluate(Rule("intrusive-interstitial"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.details, (std::vector<std::string>{"div#signup (absolute) covers 60% of the screen: \"sign up and get 10% off\""}));
  facts::PageFacts unread;
  EXPECT_EQ(Evaluate(Rule("intrusive-interstitial"), unread).status, Status::kNotApplicable);
}

// Each mobile rule's case in fixtures/rule-cases/<id>/, audited from bytes as `mmaudit audit
// --file` does: the pass page passes and the fail page fails.
TEST(MobileRuleCases, EachPassPagePassesAndEachFailPageFails) {
  for (const char* id : {"legible-font-size", "tap-target-size", "content-width", "horizontal-scroll", "intrusive-interstitial"}) {
    const std::string dir = std::string("fixtures/rule-cases/") + id + "/";
    rapidjson::Document c;
    const std::string json = testing::ReadFixture(dir + "case.json");
    c.Parse(json.data(), json.size());
    ASSERT_FALSE(c.HasParseError()) << dir;
    const std::string url = c.HasMember("url") ? c["url"].GetString() : "https://shop.example/";
    for (const char* which : {"pass", "fail"}) {
      fetch::Response r;
      r.requested_url = r.final_url = url;
      r.status = 200;
      r.headers = {{"content-type", "text/html; charset=utf-8"}};
      r.body = testing::ReadFixture(dir + c[which].GetString());
      facts::PageFacts page = facts::ExtractPage(r);
      if (c.HasMember("page_type")) {
        page.page_type = c["page_type"].GetString();
        page.page_type_source = "override";
      }
      const Finding f = Evaluate(Rule(id), page);
      const Status want = std::string(which) == "pass" ? Status::kPass : Status::kFail;
      EXPECT_EQ(StatusName(f.status), std::string(StatusName(want)))
          << id << " " << which << ": " << f.display_value << (f.details.empty() ? "" : " / " + f.details[0]);
    }
  }
}

}  // namespace
}  // namespace mmaudit::rules
