// The engagement rules (rules/engagement.json) and their checks (engagement_checks.cc): verdicts on
// hand-made facts, and each rule's case under fixtures/rule-cases/ audited from bytes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "facts/extract.h"
#include "rules/catalogue.h"
#include "rules/checks.h"
#include "rules/scoring.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

using facts::EngagementSignal;
using facts::PageFacts;

constexpr const char* kEngagementRules[] = {"chat-available", "newsletter-or-push-signup", "social-profile-links",
                                            "web-app-manifest", "smart-app-banner"};

const RuleSpec& Rule(const std::string& id) {
  static const Catalogue catalogue = DefaultCatalogue();
  const RuleSpec* r = catalogue.Find(id);
  if (r == nullptr) throw std::runtime_error("no rule " + id);
  return *r;
}

PageFacts Page(const std::string& type) {
  PageFacts p;
  p.fetched = p.parsed = true;
  p.http.status = 200;
  p.page_type = type;
  return p;
}

TEST(EngagementRules, FiveRulesOfTheEngagementMomentAreInTheirOwnFileWithRegisteredChecks) {
  const Catalogue c = DefaultCatalogue();
  EXPECT_THAT(c.problems, ::testing::IsEmpty());
  std::size_t n = 0;
  for (const RuleSpec& r : c.rules) {
    if (r.moment != "engagement") continue;
    ++n;
    EXPECT_EQ(r.source_file, "rules/engagement.json") << r.id;
    EXPECT_NE(FindCheck(r.check), nullptr) << r.id;
    EXPECT_FALSE(r.page_types.empty()) << r.id;
  }
  EXPECT_EQ(n, 5u);
  for (const char* id : kEngagementRules) EXPECT_EQ(Rule(id).moment, "engagement") << id;
  // Engagement is reported after discoverability.
  EXPECT_EQ(Moments().back(), "engagement");
  EXPECT_EQ(Moments()[Moments().size() - 2], "discoverability");
  // The checks reach the registry through Checks(), so the catalogue and docs see them.
  for (const CheckInfo& e : EngagementChecks()) {
    ASSERT_NE(FindCheck(e.name), nullptr) << e.name;
    EXPECT_EQ(FindCheck(e.name)->fn, e.fn) << e.name;
  }
}

TEST(EngagementRules, ChatPassesOnAWidgetAMessengerLinkOrAChatButtonAndFailsWithoutAny) {
  PageFacts p = Page("home");
  Finding f = Evaluate(Rule("chat-available"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.moment, "engagement");
  EXPECT_EQ(f.weight, 2);

  p.engagement.chat_offers = {"Live chat"};
  f = Evaluate(Rule("chat-available"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.display_value, "a chat button: \"Live chat\"");

  p.engagement.messenger_links = {{"WhatsApp", "https://wa.me/1"}};
  p.engagement.chat_widgets = {{"Tawk.to", "inline script: Tawk_API"}, {"Intercom", "script https://widget.intercom.io/x"}};
  f = Evaluate(Rule("chat-available"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.display_value, "Tawk.to, Intercom chat widget");
  EXPECT_THAT(f.details, ::testing::Contains("messenger link WhatsApp: https://wa.me/1"));

  // Home, product and FAQ pages are asked; a checkout page is not.
  EXPECT_TRUE(Rule("chat-available").AppliesTo("faq"));
  EXPECT_FALSE(Rule("chat-available").AppliesTo("checkout"));
}

TEST(EngagementRules, SignupPassesOnANewsletterFormOrWebPushAndFailsWithNeither) {
  PageFacts p = Page("home");
  EXPECT_EQ(Evaluate(Rule("newsletter-or-push-signup"), p).status, Status::kFail);
  p.engagement.push_offers = {"Enable notifications"};
  EXPECT_EQ(Evaluate(Rule("newsletter-or-push-signup"), p).status, Status::kPass);
  p.engagement.push_offers.clear();
  p.engagement.push_services = {{"OneSignal", "script https://cdn.onesignal.com/x.js"}};
  p.engagement.newsletter_form = true;
  p.engagement.newsletter_evidence = "form #n: \"subscribe\" in its text";
  const Finding f = Evaluate(Rule("newsletter-or-push-signup"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.display_value, "newsletter form and OneSignal web push");
  EXPECT_THAT(f.details, ::testing::Contains("newsletter form #n: \"subscribe\" in its text"));
  EXPECT_FALSE(Rule("newsletter-or-push-signup").AppliesTo("product"));  // the home page is where it belongs
}

TEST(EngagementRules, SocialProfilesPassFromTheOptionsMinimumAndShareLinksDoNotCount) {
  PageFacts p = Page("home");
  p.engagement.share_links = 3;
  Finding f = Evaluate(Rule("social-profile-links"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.display_value, "no social profile links");
  EXPECT_THAT(f.details, ::testing::Contains("3 other links to social networks (share buttons, posts) do not count"));

  p.engagement.social_profiles = {{"Instagram", "https://instagram.com/s"}, {"VK", "https://vk.com/s"}};
  f = Evaluate(Rule("social-profile-links"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.display_value, "2 social networks: Instagram, VK");
  EXPECT_EQ(f.numeric_value, 2);

  RuleSpec strict = Rule("social-profile-links");
  strict.options.numbers["min_networks"] = 3;
  EXPECT_EQ(Evaluate(strict, p).status, Status::kFail);
}

TEST(EngagementRules, ManifestNeedsBothTheManifestLinkAndThemeColor) {
  PageFacts p = Page("product");
  Finding f = Evaluate(Rule("web-app-manifest"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.display_value, "no manifest and no theme-color");
  p.meta.theme_color = "#fff";
  EXPECT_EQ(Evaluate(Rule("web-app-manifest"), p).display_value, "theme-color, but no manifest");
  p.meta.theme_color.clear();
  p.meta.manifest = "https://shop.example/manifest.json";
  f = Evaluate(Rule("web-app-manifest"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_THAT(f.details, ::testing::Contains("missing: <meta name=\"theme-color\" content=\"...\">"));
  p.meta.theme_color = "#2e7d32";
  EXPECT_EQ(Evaluate(Rule("web-app-manifest"), p).status, Status::kPass);
}

TEST(EngagementRules, SmartAppBannerIsAskedOnlyOfShopsWithAnAppAndNeedsAnAppId) {
  PageFacts p = Page("product");
  Finding f = Evaluate(Rule("smart-app-banner"), p);
  EXPECT_EQ(f.status, Status::kNotApplicable);  // no app: nothing to promote

  p.engagement.app_links = {{"Google Play", "https://play.google.com/store/apps/details?id=x"}};
  f = Evaluate(Rule("smart-app-banner"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.display_value, "links to its app (Google Play) but shows no smart app banner");

  p.engagement.app_banners = {{"apple-itunes-app", "app-argument=https://shop.example/"}};
  f = Evaluate(Rule("smart-app-banner"), p);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.display_value, "the smart app banner meta names no app-id");

  p.engagement.app_banners.push_back({"google-play-app", "app-id=ru.shop.app"});
  f = Evaluate(Rule("smart-app-banner"), p);
  EXPECT_EQ(f.status, Status::kPass);
  EXPECT_EQ(f.display_value, "google-play-app smart app banner");

  // A banner alone shows the app, and an empty app-id is none.
  p.engagement.app_links.clear();
  p.engagement.app_banners = {{"apple-itunes-app", "app-id=, affiliate-data=x"}};
  EXPECT_EQ(Evaluate(Rule("smart-app-banner"), p).status, Status::kFail);
}

}  // namespace
}  // namespace mmaudit::rules
