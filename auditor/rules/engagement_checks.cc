// The checks of rules/engagement.json: chat, newsletter or push sign-up, social profiles, web app
// manifest and theme-color, smart app banner. Each reads PageFacts::engagement (facts/engagement.h)
// or PageFacts::meta only, is pure, and explains itself through display_value and details.
// Thresholds come from the rule's options.
#include <string>
#include <vector>

#include "core/text.h"
#include "rules/checks.h"

namespace mmaudit::rules {
namespace {

using facts::EngagementSignal;
using facts::PageFacts;

CheckResult Verdict(bool passed, std::string display) {
  CheckResult r;
  r.passed = passed;
  r.display_value = std::move(display);
  return r;
}

// "Tawk.to, WhatsApp" from the signals' names.
std::string Names(const std::vector<EngagementSignal>& signals) {
  std::string out;
  for (const EngagementSignal& s : signals) out += (out.empty() ? "" : ", ") + s.name;
  return out;
}

void AddDetails(const std::vector<EngagementSignal>& signals, const std::string& kind, CheckResult* r) {
  for (const EngagementSignal& s : signals) r->details.push_back(kind + " " + s.name + ": " + s.evidence);
}

// Passes when the page has a chat widget, a messenger chat link or a link or button offering a chat.
CheckResult ChatAvailable(const PageFacts& p, const Options&) {
  const auto& e = p.engagement;
  std::string how;
  if (!e.chat_widgets.empty()) how = Names(e.chat_widgets) + " chat widget";
  else if (!e.messenger_links.empty()) how = Names(e.messenger_links) + " chat link";
  else if (!e.chat_offers.empty()) how = "a chat button: \"" + e.chat_offers.front() + "\"";
  CheckResult r = Verdict(!how.empty(), how.empty() ? "no chat widget, messenger link or chat button" : how);
  AddDetails(e.chat_widgets, "chat widget", &r);
  AddDetails(e.messenger_links, "messenger link", &r);
  for (const std::string& t : e.chat_offers) r.details.push_back("chat button: " + t);
  return r;
}

// Passes when the page has a newsletter form, a web push service or a button offering notifications.
CheckResult NewsletterOrPushSignup(const PageFacts& p, const Options&) {
  const auto& e = p.engagement;
  std::string how;
  if (e.newsletter_form) how = "newsletter form";
  if (!e.push_services.empty()) how += (how.empty() ? "" : " and ") + Names(e.push_services) + " web push";
  else if (!e.push_offers.empty()) how += (how.empty() ? "" : " and ") + std::string("a notifications button");
  CheckResult r = Verdict(!how.empty(), how.empty() ? "no newsletter form or web push sign-up" : how);
  if (e.newsletter_form) r.details.push_back("newsletter " + e.newsletter_evidence);
  AddDetails(e.push_services, "web push", &r);
  for (const std::string& t : e.push_offers) r.details.push_back("notifications button: " + t);
  return r;
}

// Passes when the page links to profiles on at least option min_networks social networks.
CheckResult SocialProfileLinks(const PageFacts& p, const Options& o) {
  const auto& e = p.engagement;
  const double min = o.Number("min_networks", 1);
  const auto n = static_cast<double>(e.social_profiles.size());
  CheckResult r;
  r.passed = n >= min;
  r.value = n;
  r.unit = "count";
  r.display_value = n == 0 ? "no social profile links"
                           : std::to_string(e.social_profiles.size()) + " social networks: " + Names(e.social_profiles);
  AddDetails(e.social_profiles, "profile", &r);
  if (e.share_links > 0)
    r.details.push_back(std::to_string(e.share_links) + " other links to social networks (share buttons, posts) do not count");
  return r;
}

// Passes when the page links a web app manifest and sets a theme-color.
CheckResult WebAppManifest(const PageFacts& p, const Options&) {
  const bool manifest = !p.meta.manifest.empty(), theme = !p.meta.theme_color.empty();
  std::string display;
  if (manifest && theme) display = "manifest and theme-color " + p.meta.theme_color;
  else if (manifest) display = "manifest, but no theme-color";
  else if (theme) display = "theme-color, but no manifest";
  else display = "no manifest and no theme-color";
  CheckResult r = Verdict(manifest && theme, display);
  if (manifest) r.details.push_back("manifest: " + p.meta.manifest);
  else r.details.push_back("missing: <link rel=\"manifest\" href=\"...\">");
  if (theme) r.details.push_back("theme-color: " + p.meta.theme_color);
  else r.details.push_back("missing: <meta name=\"theme-color\" content=\"...\">");
  return r;
}

// True when a smart app banner meta names an app: its content has an "app-id=" with a value.
bool NamesAnApp(const EngagementSignal& banner) {
  const std::string content = text::AsciiLower(banner.evidence);
  const auto at = content.find("app-id=");
  if (at == std::string::npos) return false;
  const auto end = content.find_first_of(", ;", at);
  return (end == std::string::npos ? content.size() : end) > at + 7;
}

// N/A when the page shows no app of the shop (no app banner meta, no app store link, no App Links
// meta). Otherwise passes when a smart app banner meta names the app (content "app-id=...").
CheckResult SmartAppBanner(const PageFacts& p, const Options&) {
  const auto& e = p.engagement;
  if (e.app_banners.empty() && e.app_links.empty()) {
    CheckResult r;
    r.applicable = false;
    r.not_applicable_reason = "the page shows no app of the shop";
    return r;
  }
  const EngagementSignal* good = nullptr;
  for (const EngagementSignal& b : e.app_banners)
    if (good == nullptr && NamesAnApp(b)) good = &b;
  CheckResult r;
  if (good != nullptr) {
    r = Verdict(true, good->name + " smart app banner");
  } else if (!e.app_banners.empty()) {
    r = Verdict(false, "the smart app banner meta names no app-id");
  } else {
    r = Verdict(false, "links to its app (" + Names(e.app_links) + ") but shows no smart app banner");
  }
  for (const EngagementSignal& b : e.app_banners) r.details.push_back("meta " + b.name + ": \"" + b.evidence + "\"");
  AddDetails(e.app_links, "app link", &r);
  return r;
}

}  // namespace

const std::vector<CheckInfo>& EngagementChecks() {
  static const std::vector<CheckInfo> checks = {
      {"chat-available", ChatAvailable, "engagement"},
      {"newsletter-or-push-signup", NewsletterOrPushSignup, "engagement"},
      {"social-profile-links", SocialProfileLinks, "engagement"},
      {"web-app-manifest", WebAppManifest, "meta"},
      {"smart-app-banner", SmartAppBanner, "engagement"},
  };
  return checks;
}

}  // namespace mmaudit::rules
