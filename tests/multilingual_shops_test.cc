// The text cues of rules/lexicon.json in Russian and Polish, over real loopback HTTP: the Russian
// shop (fixtures/shops/russkiy, windows-1251, 1C-Bitrix style) and the Polish shop
// (fixtures/shops/polski, ISO-8859-2) are crawled as an audit crawls them, and every page is checked
// for the facts its cues must give: FAQ heading and questions, review heading, blocks and visible
// rating, store locator and pickup phrases, LocalBusiness data and a phone number written without
// a tel: link, guide headings and manual links, shipping and returns text, specs tables,
// add-to-cart and buy-now controls, generic link texts, payment methods and the page type.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "core/progress.h"
#include "facts/checkout_controls.h"
#include "facts/extract.h"
#include "facts/lexicon.h"
#include "pipeline/audit.h"
#include "tests/support/crawl_shop.h"
#include "tests/support/fixture_server.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

// One cue-driven fact: its name (for failure messages) and whether a page shows it.
struct Cue {
  std::string name;
  std::function<bool(const report::PageResult&)> found;
};

const rules::Finding* FindingOf(const report::PageResult& p, const std::string& rule_id) {
  for (const rules::Finding& f : p.findings)
    if (f.rule_id == rule_id) return &f;
  return nullptr;
}

bool HasPayment(const facts::PageFacts& f, const std::string& method) {
  const auto& m = f.commerce.payment_methods;
  return std::find(m.begin(), m.end(), method) != m.end();
}

const Cue kFaqHeading{"an FAQ heading", [](const report::PageResult& p) { return p.facts.faq.has_faq_heading; }};
const Cue kFaqQuestions{"3+ visible FAQ questions", [](const report::PageResult& p) { return p.facts.faq.visible.size() >= 3; }};
const Cue kFaqMarkupShown{"FAQPage questions shown on the page", [](const report::PageResult& p) {
                            return p.facts.faq.faq_page_markup && p.facts.faq.markup_visible == p.facts.faq.markup.size() &&
                                   !p.facts.faq.markup.empty();
                          }};
const Cue kReviewHeading{"a reviews heading", [](const report::PageResult& p) { return p.facts.reviews.has_review_heading; }};
const Cue kReviewBlocks{"2+ visible review blocks", [](const report::PageResult& p) { return p.facts.reviews.visible_blocks >= 2; }};
const Cue kVisibleRating{"a visible rating", [](const report::PageResult& p) { return p.facts.reviews.visible_rating_value.has_value(); }};
const Cue kNoReviews{"a \"no reviews yet\" text", [](const report::PageResult& p) { return p.facts.reviews.no_reviews_text; }};
const Cue kStoreLocator{"a store-locator phrase", [](const report::PageResult& p) { return p.facts.local.store_locator_cue; }};
const Cue kStores{"2+ LocalBusiness items with address, geo, hours and phone", [](const report::PageResult& p) {
                    const facts::LocalFacts& l = p.facts.local;
                    return l.local_business_items >= 2 && l.with_address == l.local_business_items &&
                           l.with_geo == l.local_business_items && l.with_hours == l.local_business_items &&
                           l.with_telephone == l.local_business_items;
                  }};
const Cue kTelLinks{"2+ tel: links", [](const report::PageResult& p) { return p.facts.links.tel >= 2; }};
const Cue kOneUnlinkedPhone{"exactly one phone number without a tel: link",
                            [](const report::PageResult& p) { return p.facts.local.unlinked_phones.size() == 1; }};
const Cue kPickup{"a pickup phrase", [](const report::PageResult& p) { return p.facts.local.pickup_cue; }};
const Cue kGuide{"a guide heading", [](const report::PageResult& p) { return p.facts.media.guide_cue; }};
const Cue kManual{"a manual link", [](const report::PageResult& p) { return p.facts.media.manual_links >= 1; }};
const Cue kShipping{"shipping text", [](const report::PageResult& p) { return p.facts.commerce.shipping_info; }};
const Cue kReturns{"returns text", [](const report::PageResult& p) { return p.facts.commerce.returns_info; }};
const Cue kSpecs{"a specs table", [](const report::PageResult& p) { return p.facts.commerce.specs_table; }};
const Cue kAddToCart{"an add-to-cart control", [](const report::PageResult& p) { return p.facts.commerce.add_to_cart; }};
const Cue kBuyNow{"a buy-now control", [](const report::PageResult& p) { return p.facts.commerce.buy_now_control; }};
const Cue kGenericLinks{"a link with generic text (rule link-text fails)", [](const report::PageResult& p) {
                         const rules::Finding* f = FindingOf(p, "link-text");
                         return f != nullptr && f->status == rules::Status::kFail && !f->details.empty();
                       }};
const Cue kNoGenericLinks{"no link with generic text (rule link-text passes)", [](const report::PageResult& p) {
                           const rules::Finding* f = FindingOf(p, "link-text");
                           return f != nullptr && f->status == rules::Status::kPass;
                         }};

Cue Pays(std::vector<std::string> methods) {
  std::string name = "payment methods";
  for (const std::string& m : methods) name += " " + m;
  return {name, [methods](const report::PageResult& p) {
            return std::all_of(methods.begin(), methods.end(), [&](const std::string& m) { return HasPayment(p.facts, m); });
          }};
}

struct PageCase {
  std::string path;
  std::string page_type;
  std::vector<Cue> cues;
};

class MultilingualShop : public ::testing::Test {
 protected:
  report::AuditResult Crawl(testing::FixtureServer& server) {
    std::string error;
    EXPECT_TRUE(server.Start(&error)) << error;
    NullProgress progress;
    return pipeline::AuditSite({server.Url("/")}, testing::CrawlShopOptions(), progress);
  }

  void ExpectPages(const report::AuditResult& r, const testing::FixtureServer& server, const std::vector<PageCase>& pages) {
    for (const PageCase& want : pages) {
      SCOPED_TRACE(want.path);
      const report::PageResult* page = testing::PageAt(r, server.Url(want.path));
      ASSERT_NE(page, nullptr) << want.path << " was not crawled";
      ASSERT_TRUE(page->audited) << page->facts.error;
      std::string evidence;
      for (const std::string& e : page->facts.page_type_evidence) evidence += e + "; ";
      EXPECT_EQ(page->facts.page_type, want.page_type) << "evidence: " << evidence;
      for (const Cue& cue : want.cues) EXPECT_TRUE(cue.found(*page)) << want.path << " lacks " << cue.name;
    }
  }
};

TEST_F(MultilingualShop, TheRussianShopShowsEveryPageCueInRussian) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/russkiy/site"));
  const report::AuditResult r = Crawl(server);
  const Cue pays_local = Pays({"Mir", "SBP", "SberPay", "YooMoney"});
  ExpectPages(r, server,
              {{"/", "home", {kGenericLinks, kStoreLocator, pays_local}},
               {"/catalog/palatki/", "category", {kGenericLinks}},
               {"/catalog/palatki/baykal-3/", "product",
                {kAddToCart, kBuyNow, kSpecs, kShipping, kReturns, kPickup, kReviewHeading, kReviewBlocks, kVisibleRating,
                 kManual, Pays({"Mir", "Visa", "Mastercard", "SBP", "SberPay", "YooMoney"}), kNoGenericLinks}},
               {"/catalog/palatki/enisey-2/", "product", {kAddToCart, kSpecs, kReviewHeading, kNoReviews}},
               {"/shops/", "store-locator", {kStoreLocator, kStores, kTelLinks, kOneUnlinkedPhone, kPickup}},
               {"/faq/", "faq", {kFaqHeading, kFaqQuestions, kFaqMarkupShown, kShipping, kReturns, kPickup}},
               {"/stati/kak-vybrat-palatku/", "guide", {kGuide, kManual, kGenericLinks}},
               {"/personal/cart/", "cart", {}}});
  // The crawl only reads pages: no order, no quick order, no subscription.
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.Subscriptions().empty());
}

TEST_F(MultilingualShop, TheRussianShopDeclaresWindows1251InTheHttpHeaderOrInAMetaTagAndEveryPageDecodes) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/russkiy/site"));
  const report::AuditResult r = Crawl(server);
  struct Want {
    std::string path, charset_http, charset_declared, charset_source, title_word;
  };
  for (const Want& w : std::vector<Want>{{"/", "windows-1251", "", "http", "Тайга-Спорт"},
                                         {"/catalog/palatki/", "", "windows-1251", "meta", "Палатки"},
                                         {"/catalog/palatki/baykal-3/", "", "windows-1251", "meta", "Байкал"},
                                         {"/catalog/palatki/enisey-2/", "windows-1251", "", "http", "Енисей"},
                                         {"/faq/", "", "windows-1251", "meta", "Частые вопросы"},
                                         {"/shops/", "windows-1251", "", "http", "Адреса магазинов"},
                                         {"/stati/kak-vybrat-palatku/", "windows-1251", "", "http", "Как выбрать"},
                                         {"/personal/cart/", "windows-1251", "", "http", "Корзина"}}) {
    SCOPED_TRACE(w.path);
    const report::PageResult* page = testing::PageAt(r, server.Url(w.path));
    ASSERT_NE(page, nullptr);
    const facts::MetaFacts& m = page->facts.meta;
    EXPECT_EQ(m.charset_http, w.charset_http);
    EXPECT_EQ(m.charset_declared, w.charset_declared);
    EXPECT_EQ(m.charset_source, w.charset_source);
    EXPECT_EQ(m.charset_used, "windows-1251");
    EXPECT_EQ(m.invalid_utf8_replaced, 0u);
    EXPECT_EQ(m.charset_mismatch, "");
    EXPECT_NE(m.title.find(w.title_word), std::string::npos) << m.title;
  }
}

TEST_F(MultilingualShop, ThePolishShopShowsEveryPageCueInPolish) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/polski/site"));
  const report::AuditResult r = Crawl(server);
  ExpectPages(r, server,
              {{"/", "home", {kGenericLinks, kShipping}},
               {"/kategoria/buty-trekkingowe", "category", {}},
               {"/produkt/buty-lomnica-gtx", "product",
                {kAddToCart, kBuyNow, kSpecs, kShipping, kReturns, kPickup, kNoGenericLinks}},
               {"/produkt/buty-zawrat-pro", "product", {kAddToCart, kSpecs, kReviewHeading, kReviewBlocks, kVisibleRating}},
               {"/sklepy", "store-locator", {kStoreLocator, kStores, kTelLinks, kOneUnlinkedPhone, kPickup}},
               {"/pomoc", "faq", {kFaqHeading, kFaqQuestions, kFaqMarkupShown, kShipping, kReturns, kPickup}},
               {"/poradnik/jak-dobrac-buty-trekkingowe", "guide", {kGuide, kManual, kGenericLinks}},
               {"/koszyk", "cart", {}}});
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.Subscriptions().empty());
}

// What the checkout walker reads in Russian controls: on the product page "В корзину" adds to the
// cart and "Купить в 1 клик" places an order (forbidden to the walk); on the one-page checkout
// "Оформить без регистрации" is the guest path and "Подтвердить заказ" places the order.
TEST_F(MultilingualShop, TheRussianShopsControlsAreReadForTheWalkAndTheQuickOrderIsForbidden) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/russkiy/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  auto controls = [&](const std::string& path, const std::string& cookie) {
    httplib::Client client("127.0.0.1", server.port());
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    const httplib::Result res = client.Get(path, headers);
    EXPECT_TRUE(res && res->status == 200) << path;
    fetch::Response response;
    response.requested_url = response.final_url = server.Url(path);
    response.status = res ? res->status : 0;
    response.headers = {{"content-type", res ? res->get_header_value("Content-Type") : ""}};
    response.body = res ? res->body : "";
    facts::CheckoutPage page;
    facts::ExtractOptions o;
    o.with_document = [&](const html::Document& doc, const facts::Context& ctx) { page = facts::ReadCheckoutPage(doc, ctx); };
    facts::ExtractPage(response, o);
    return page;
  };
  auto verdict_of = [](const facts::CheckoutPage& page, const std::string& label) {
    for (std::size_t i = 0; i < page.controls.size(); ++i)
      if (page.controls[i].text == label)
        return std::make_pair(std::string(facts::ControlActionName(page.controls[i].action)),
                              std::string(facts::SafetyName(facts::JudgeActivation(page, i).safety)));
    return std::make_pair(std::string("(no control \"" + label + "\")"), std::string());
  };
  const facts::CheckoutPage product = controls("/catalog/palatki/baykal-3/", "");
  EXPECT_EQ(verdict_of(product, "В корзину"), std::make_pair(std::string("add_to_cart"), std::string("safe")));
  EXPECT_EQ(verdict_of(product, "Купить в 1 клик"), std::make_pair(std::string("place_order"), std::string("forbidden")));

  // A session with a cart, to see the checkout.
  httplib::Client client("127.0.0.1", server.port());
  const httplib::Result added = client.Post("/catalog/palatki/baykal-3/", "action=ADD2BASKET&id=512&quantity=1",
                                            "application/x-www-form-urlencoded");
  ASSERT_TRUE(added);
  const std::string set_cookie = added->get_header_value("Set-Cookie");
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  ASSERT_NE(cookie.find("PHPSESSID="), std::string::npos) << set_cookie;
  const facts::CheckoutPage checkout = controls("/personal/order/make/", cookie);
  EXPECT_TRUE(checkout.final_step);
  EXPECT_EQ(verdict_of(checkout, "Оформить без регистрации").first, "guest_checkout");
  EXPECT_EQ(verdict_of(checkout, "Подтвердить заказ"), std::make_pair(std::string("place_order"), std::string("forbidden")));
  EXPECT_TRUE(server.Orders().empty());
}

}  // namespace
}  // namespace mmaudit
