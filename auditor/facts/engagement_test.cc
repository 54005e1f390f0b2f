// Engagement facts (facts/engagement.h) on fixture pages under fixtures/pages/engagement/: chat
// widgets, messenger links, newsletter forms, web push, social profiles and app links.
#include "facts/engagement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/embedded.h"
#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

EngagementFacts Extract(const std::string& fixture, const std::string& url) {
  auto doc = testing::ParseFixture(fixture);
  Context ctx{url};
  const LinkFacts links = ExtractLinks(doc, ctx);
  return ExtractEngagement(doc, links, ctx);
}

std::vector<std::string> Names(const std::vector<EngagementSignal>& signals) {
  std::vector<std::string> out;
  for (const auto& s : signals) out.push_back(s.name);
  return out;
}

std::string EvidenceOf(const std::vector<EngagementSignal>& signals, const std::string& name) {
  for (const auto& s : signals)
    if (s.name == name) return s.evidence;
  return "";
}

// ---------------------------------------------------------------------------------------------
// The data

TEST(EngagementReference, EmbeddedTableNamesTheVendorsNetworksAndStoresOfTheIssue) {
  const EngagementReference& ref = DefaultEngagementReference();
  std::set<std::string> chat, push, social, messengers, stores;
  for (const auto& v : ref.chat_widgets) chat.insert(v.name);
  for (const auto& v : ref.push_services) push.insert(v.name);
  for (const auto& n : ref.social_networks) social.insert(n.name);
  for (const auto& m : ref.messengers) messengers.insert(m.name);
  for (const auto& s : ref.app_stores) stores.insert(s.name);
  for (const char* v : {"Intercom", "Zendesk", "LiveChat", "Tawk.to", "Tidio", "Crisp", "Drift", "HubSpot", "JivoSite",
                        "Carrot quest", "Bitrix24"})
    EXPECT_TRUE(chat.count(v)) << v;
  for (const char* v : {"OneSignal", "PushEngage", "Pushwoosh", "SendPulse", "Gravitec"}) EXPECT_TRUE(push.count(v)) << v;
  for (const char* v : {"Facebook", "Instagram", "X", "YouTube", "TikTok", "Pinterest", "LinkedIn", "VK", "Odnoklassniki",
                        "Telegram", "Dzen"})
    EXPECT_TRUE(social.count(v)) << v;
  for (const char* v : {"WhatsApp", "Telegram", "Messenger"}) EXPECT_TRUE(messengers.count(v)) << v;
  for (const char* v : {"App Store", "Google Play"}) EXPECT_TRUE(stores.count(v)) << v;
  EXPECT_THAT(ref.app_banner_meta, ElementsAre("apple-itunes-app", "google-play-app"));
  // Every vendor can be recognised somehow, and hosts are stored lower case.
  for (const auto* list : {&ref.chat_widgets, &ref.push_services})
    for (const auto& v : *list) {
      EXPECT_FALSE(v.hosts.empty() && v.script_cues.empty() && v.markup_cues.empty()) << v.name;
      for (const auto& h : v.hosts) EXPECT_EQ(h.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ/"), std::string::npos) << h;
    }
}

TEST(EngagementReference, ParserRejectsTablesOfTheWrongShape) {
  std::string error;
  EXPECT_FALSE(ParseEngagementReference("not json", &error).has_value());
  EXPECT_FALSE(ParseEngagementReference("[]", &error).has_value());
  EXPECT_FALSE(ParseEngagementReference(R"({"chat_widgets": {}})", &error).has_value());
  EXPECT_NE(error.find("chat_widgets"), std::string::npos) << error;
  EXPECT_FALSE(ParseEngagementReference(R"({"chat_widgets": [{"hosts": ["a.example"]}]})", &error).has_value());
  EXPECT_NE(error.find("name"), std::string::npos) << error;
  EXPECT_FALSE(ParseEngagementReference(R"({"social_networks": [{"name": "N", "hosts": [1]}]})", &error).has_value());
  EXPECT_NE(error.find("\"N\""), std::string::npos) << error;
  const auto ok = ParseEngagementReference(R"({"chat_widgets": [{"name": "C", "hosts": ["Chat.Example"]}]})", &error);
  ASSERT_TRUE(ok.has_value()) << error;
  EXPECT_THAT(ok->chat_widgets.front().hosts, ElementsAre("chat.example"));
}

TEST(EngagementLexicon, EveryCueSpeaksTheNineLanguagesAndStaysOutOfThePageLexicon) {
  const Lexicon& lex = EngagementLexicon();
  EXPECT_THAT(lex.Concepts(), ElementsAre("chat_offer", "push_offer"));
  const std::vector<std::string> nine = {"de", "en", "es", "fr", "it", "nl", "pl", "pt", "ru"};
  for (const std::string& c : lex.Concepts()) {
    EXPECT_EQ(lex.Languages(c), nine) << c;
    EXPECT_THAT(Lexicon::Default().Languages(c), IsEmpty()) << c;
  }
}

TEST(EngagementLexicon, ChatButtonsAreReadInNineLanguages) {
  const Lexicon& lex = EngagementLexicon();
  for (const char* t : {"live chat", "онлайн-чат", "czat na żywo", "chatte mit uns", "discutez avec nous", "chat en vivo",
                        "chatta con noi", "chat ao vivo", "chat met ons"})
    EXPECT_TRUE(lex.Matches("chat_offer", t)) << t;
  for (const char* t : {"chatham house", "purchase", "chateau"}) EXPECT_FALSE(lex.Matches("chat_offer", t)) << t;
  for (const char* t : {"enable notifications", "включить уведомления", "włącz powiadomienia",
                        "benachrichtigungen aktivieren", "activer les notifications", "activar notificaciones",
                        "attiva le notifiche", "ativar notificações", "meldingen inschakelen"})
    EXPECT_TRUE(lex.Matches("push_offer", t)) << t;
}

// ---------------------------------------------------------------------------------------------
// Chat

TEST(EngagementFacts, FindsChatWidgetsByScriptHostInlineLoaderAndWidgetMarkup) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  // Intercom by its script's host, Tawk.to by its inline loader; the Tidio URL in JSON-LD is data.
  EXPECT_THAT(Names(en.chat_widgets), ElementsAre("Intercom", "Tawk.to"));
  EXPECT_EQ(EvidenceOf(en.chat_widgets, "Intercom"), "script https://widget.intercom.io/widget/abc123");
  EXPECT_EQ(EvidenceOf(en.chat_widgets, "Tawk.to"), "inline script: Tawk_API");

  const EngagementFacts pl = Extract("fixtures/pages/engagement/markup-widgets.html", "https://sklep.example/");
  // Bitrix24 and Crisp from inline snippets; HubSpot and Tidio from their containers' id and class.
  EXPECT_THAT(Names(pl.chat_widgets), ElementsAre("Bitrix24", "Crisp", "HubSpot", "Tidio"));
  EXPECT_EQ(EvidenceOf(pl.chat_widgets, "Bitrix24"), "inline script: crm/site_button/loader");
  EXPECT_EQ(EvidenceOf(pl.chat_widgets, "Tidio"), "element with tidio-chat in its class");

  const EngagementFacts ru = Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/");
  // A protocol-relative script URL is resolved against the page.
  EXPECT_EQ(EvidenceOf(ru.chat_widgets, "JivoSite"), "script https://code.jivosite.com/widget/AbCdEf123");
}

TEST(EngagementFacts, FindsMessengerChatLinksAndChatButtonsButNotShareLinksOrProse) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  EXPECT_THAT(Names(en.messenger_links), ElementsAre("WhatsApp"));
  EXPECT_EQ(EvidenceOf(en.messenger_links, "WhatsApp"), "https://wa.me/447700900123");
  EXPECT_THAT(en.chat_offers, ElementsAre("Live chat"));

  const EngagementFacts ru = Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/");
  // tg:// opens a chat; the t.me channel link is a chat too, and also a social profile.
  EXPECT_THAT(Names(ru.messenger_links), ElementsAre("Telegram"));
  EXPECT_THAT(ru.chat_offers, ElementsAre("Онлайн-чат"));

  const EngagementFacts pl = Extract("fixtures/pages/engagement/markup-widgets.html", "https://sklep.example/");
  EXPECT_THAT(Names(pl.messenger_links), ElementsAre("Viber"));  // t.me/share/url is a share link
  EXPECT_THAT(pl.chat_offers, ElementsAre("Czat na żywo"));

  // "Live-Chat" in a paragraph and "live chat" in a script are no way to start a chat.
  const EngagementFacts de = Extract("fixtures/pages/engagement/none.html", "https://bergsport.example/");
  EXPECT_THAT(de.chat_widgets, IsEmpty());
  EXPECT_THAT(de.messenger_links, IsEmpty());
  EXPECT_THAT(de.chat_offers, IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Newsletter and push

TEST(EngagementFacts, NewsletterFormNeedsAnEmailFieldAndASubscribeCueInItsTextMarkupOrHeading) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  EXPECT_TRUE(en.newsletter_form);
  EXPECT_EQ(en.newsletter_evidence, "form #footer-signup: \"newsletter\" next to it");  // the section's heading

  const EngagementFacts ru = Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/");
  EXPECT_TRUE(ru.newsletter_form);  // autocomplete=email, and the submit button says "Подписаться"
  EXPECT_EQ(ru.newsletter_evidence, "form /local/ajax/sender.php: \"подписаться\" in its text");

  const EngagementFacts pl = Extract("fixtures/pages/engagement/markup-widgets.html", "https://sklep.example/");
  EXPECT_TRUE(pl.newsletter_form);
  EXPECT_EQ(pl.newsletter_evidence, "form /newsletter: \"newsletter\" in its markup");

  // A login form with a newsletter checkbox has a password field; a contact form has no cue, and the
  // "Newsletter" in the text around it belongs to a part of the page that holds another form too.
  const EngagementFacts de = Extract("fixtures/pages/engagement/none.html", "https://bergsport.example/");
  EXPECT_FALSE(de.newsletter_form);
  EXPECT_EQ(de.newsletter_evidence, "");
}

TEST(EngagementFacts, FindsWebPushServicesAndNotificationButtons) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  EXPECT_THAT(Names(en.push_services), ElementsAre("OneSignal"));
  EXPECT_EQ(EvidenceOf(en.push_services, "OneSignal"), "inline script: OneSignalDeferred");  // the first seen
  EXPECT_THAT(en.push_offers, ElementsAre("Enable notifications"));
  EXPECT_THAT(Names(Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/").push_services),
              ElementsAre("Gravitec"));
  EXPECT_THAT(Names(Extract("fixtures/pages/engagement/markup-widgets.html", "https://sklep.example/").push_services),
              ElementsAre("PushEngage"));
  EXPECT_THAT(Extract("fixtures/pages/engagement/none.html", "https://bergsport.example/").push_services, IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// Social

TEST(EngagementFacts, SocialLinksAreProfilesUnlessTheyShareOrPointAtTheNetworkItself) {
  const EngagementReference& ref = DefaultEngagementReference();
  struct Case {
    const char* url;
    const char* network;
    bool profile;
  };
  for (const Case& c : std::vector<Case>{
           {"https://www.instagram.com/harboursupply/", "Instagram", true},
           {"https://m.facebook.com/harboursupply", "Facebook", true},
           {"https://www.facebook.com/sharer/sharer.php?u=x", "Facebook", false},
           {"https://www.facebook.com/", "Facebook", false},
           {"https://twitter.com/harbour", "X", true},
           {"https://x.com/intent/post?url=x", "X", false},
           {"https://www.youtube.com/@harbour", "YouTube", true},
           {"https://www.youtube.com/watch?v=abc", "YouTube", false},
           {"https://www.linkedin.com/company/harbour", "LinkedIn", true},
           {"https://www.linkedin.com/shareArticle?url=x", "LinkedIn", false},
           {"https://vk.com/sportmir", "VK", true},
           {"https://vk.com/share.php?url=x", "VK", false},
           {"https://ok.ru/group/5555", "Odnoklassniki", true},
           {"https://t.me/sportmir", "Telegram", true},
           {"https://dzen.ru/sportmir", "Dzen", true},
           {"https://www.tiktok.com/@harbour", "TikTok", true},
           {"https://pl.pinterest.com/harbour/", "Pinterest", true},
           {"https://notfacebook.com/harbour", "", false},
           {"https://harbour.example/instagram", "", false},
           {"mailto:hi@harbour.example", "", false},
       }) {
    const SocialLink s = ClassifySocialLink(c.url, ref);
    EXPECT_EQ(s.network, c.network) << c.url;
    EXPECT_EQ(s.profile, c.profile) << c.url;
  }
}

TEST(EngagementFacts, SocialProfilesCountOncePerNetworkAndShareLinksApart) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  EXPECT_THAT(Names(en.social_profiles), ElementsAre("Instagram", "Facebook", "Pinterest"));
  EXPECT_EQ(EvidenceOf(en.social_profiles, "Facebook"), "https://www.facebook.com/harboursupply");
  EXPECT_EQ(en.share_links, 3u);  // the YouTube video, the Facebook sharer, the tweet intent

  const EngagementFacts ru = Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/");
  EXPECT_THAT(Names(ru.social_profiles), ElementsAre("VK", "Odnoklassniki", "Telegram", "Dzen"));
  EXPECT_EQ(ru.share_links, 1u);

  const EngagementFacts de = Extract("fixtures/pages/engagement/none.html", "https://bergsport.example/");
  EXPECT_THAT(de.social_profiles, IsEmpty());
  EXPECT_EQ(de.share_links, 4u);
}

// ---------------------------------------------------------------------------------------------
// Apps

TEST(EngagementFacts, ReadsSmartAppBannerMetaStoreLinksAndAppLinks) {
  const EngagementFacts en = Extract("fixtures/pages/engagement/widgets-en.html", "https://harbour.example/");
  ASSERT_EQ(en.app_banners.size(), 1u);
  EXPECT_EQ(en.app_banners[0].name, "apple-itunes-app");
  EXPECT_EQ(en.app_banners[0].evidence, "app-id=1234567890, app-argument=https://harbour.example/");
  EXPECT_THAT(Names(en.app_links), ElementsAre("App Links", "App Store"));
  EXPECT_EQ(EvidenceOf(en.app_links, "App Links"), "al:android:package=example.harbour.app");

  const EngagementFacts ru = Extract("fixtures/pages/engagement/shop-ru.html", "https://sportmir.example/");
  EXPECT_THAT(ru.app_banners, IsEmpty());
  EXPECT_THAT(Names(ru.app_links), ElementsAre("Google Play"));

  const EngagementFacts pl = Extract("fixtures/pages/engagement/markup-widgets.html", "https://sklep.example/");
  EXPECT_EQ(EvidenceOf(pl.app_links, "App Links"), "link rel=alternate android-app://pl.sklep.rowery/https/sklep.example/");

  const EngagementFacts de = Extract("fixtures/pages/engagement/none.html", "https://bergsport.example/");
  EXPECT_THAT(de.app_banners, IsEmpty());
  EXPECT_THAT(de.app_links, IsEmpty());
}

// ---------------------------------------------------------------------------------------------
// The whole page

TEST(EngagementFacts, ExtractPageFillsThemAndAHostilePageGivesShortEvidence) {
  fetch::Response r = testing::FixturePage("https://harbour.example/", "fixtures/pages/engagement/widgets-en.html");
  const PageFacts page = ExtractPage(r);
  EXPECT_THAT(Names(page.engagement.chat_widgets), ElementsAre("Intercom", "Tawk.to"));
  EXPECT_TRUE(page.engagement.newsletter_form);
  EXPECT_EQ(page.meta.theme_color, "#0b5394");

  // A widget id thousands of characters long is cut in the evidence.
  r.body = "<!doctype html><title>x</title><a href=\"https://wa.me/" + std::string(5000, '1') +
           "\">chat</a><div id=\"intercom-container" + std::string(5000, 'x') + "\"></div>";
  const PageFacts hostile = ExtractPage(r);
  ASSERT_EQ(hostile.engagement.messenger_links.size(), 1u);
  EXPECT_LE(hostile.engagement.messenger_links[0].evidence.size(), 200u);
  EXPECT_THAT(Names(hostile.engagement.chat_widgets), ElementsAre("Intercom"));
}

}  // namespace
}  // namespace mmaudit::facts
