#include "core/text.h"
#include "facts/page_type.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

fetch::Response Page(const std::string& url, std::string body) {
  fetch::Response r;
  r.requested_url = r.final_url = url;
  r.status = 200;
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = std::move(body);
  r.decoded_bytes = r.body.size();
  return r;
}

// The facts (with the page type) of fixtures/pages/page-types/`file` served at `url`.
PageFacts Classify(const std::string& file, const std::string& url) {
  return ExtractPage(Page(url, testing::ReadFixture("fixtures/pages/page-types/" + file)));
}

// The facts of a minimal page at `url` whose <body> is `body`.
PageFacts ClassifyHtml(const std::string& url, const std::string& body) {
  return ExtractPage(
      Page(url, "<!doctype html><html><head><title>Shop</title></head><body>" + body + "</body></html>"));
}

bool HasEvidence(const PageFacts& f, const std::string& part) {
  for (const std::string& e : f.page_type_evidence)
    if (e.find(part) != std::string::npos) return true;
  return false;
}

std::string Why(const PageFacts& f) {
  std::string out = f.page_type + " " + std::to_string(f.page_type_confidence) + ":";
  for (const std::string& e : f.page_type_evidence) out += " [" + e + "]";
  return out;
}

TEST(PageTypes, ListsTheElevenTypesInReportOrder) {
  EXPECT_EQ(PageTypes(), (std::vector<std::string>{"home", "category", "product", "cart", "checkout", "account", "faq",
                                                   "store-locator", "guide", "search", "other"}));
}

// --- fixture pages in nine languages ---------------------------------------------------------

TEST(ClassifyPage, RecognisesARussianProductPageByItsPathMarkupAndBuyButton) {
  const PageFacts f = Classify("product-ru.html", "https://sportmir.example/tovar/krossovki-aero-run-3");
  EXPECT_EQ(f.page_type, "product") << Why(f);
  EXPECT_EQ(f.page_type_source, "classifier");
  EXPECT_GE(f.page_type_confidence, 0.75) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "one Product JSON-LD with an Offer")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/tovar/\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "В корзину")) << Why(f);
}

TEST(ClassifyPage, RecognisesAPolishCategoryPageBySortControlsProductLinksAndPrices) {
  const PageFacts f = Classify("category-pl.html", "https://biegamyrazem.example/kategoria/buty-do-biegania");
  EXPECT_EQ(f.page_type, "category") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.6) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/kategoria/\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "sort/filter controls \"sortuj")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "8 links to product pages")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "8 prices")) << Why(f);
}

TEST(ClassifyPage, RecognisesAGermanCartByHeadingQuantitiesAndCheckoutLink) {
  const PageFacts f = Classify("cart-de.html", "https://laufhaus.example/warenkorb");
  EXPECT_EQ(f.page_type, "cart") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.75) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "cart phrase in the heading: \"warenkorb\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "2 quantity input")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "checkout")) << Why(f);
}

TEST(ClassifyPage, RecognisesAFrenchCheckoutByAddressAutocompleteAndStepIndicator) {
  const PageFacts f = Classify("checkout-fr.html", "https://runco.example/commande/livraison");
  EXPECT_EQ(f.page_type, "checkout") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.75) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/commande\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "4 address fields")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "aria-current=step")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"adresse de livraison\"")) << Why(f);
}

TEST(ClassifyPage, RecognisesASpanishLoginPageByItsPasswordFieldAndHeading) {
  const PageFacts f = Classify("login-es.html", "https://corremas.example/mi-cuenta");
  EXPECT_EQ(f.page_type, "account") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.75) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "a password field")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"iniciar sesión\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/mi-cuenta\"")) << Why(f);
}

TEST(ClassifyPage, RecognisesAnItalianFaqPage) {
  const PageFacts f = Classify("faq-it.html", "https://corribene.example/aiuto/domande-frequenti");
  EXPECT_EQ(f.page_type, "faq") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.8) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "FAQPage structured data")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"domande frequenti\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/aiuto\"")) << Why(f);
}

TEST(ClassifyPage, RecognisesADutchStoreLocatorByStoreItemsAndMapLinks) {
  const PageFacts f = Classify("stores-nl.html", "https://renwinkel.example/winkels");
  EXPECT_EQ(f.page_type, "store-locator") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.8) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "2 LocalBusiness/Store items")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "2 map link")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"onze winkels\"")) << Why(f);
}

TEST(ClassifyPage, RecognisesAPortugueseBlogGuide) {
  const PageFacts f = Classify("guide-pt.html", "https://corraja.example/blog/como-escolher-tenis");
  EXPECT_EQ(f.page_type, "guide") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.8) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "BlogPosting structured data")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/blog\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "og:type article")) << Why(f);
}

TEST(ClassifyPage, RecognisesAnEnglishSearchResultsPageThoughItLooksLikeAListing) {
  const PageFacts f = Classify("search-en.html", "https://trailhead.example/search?q=boots");
  EXPECT_EQ(f.page_type, "search") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.6) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"search results\"")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "search query ?q=boots")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "search box pre-filled with \"boots\"")) << Why(f);
}

// --- the traps -------------------------------------------------------------------------------

TEST(ClassifyPage, KeepsACategoryPageThatEmbedsOneProductJsonLdACategory) {
  const PageFacts f =
      Classify("category-with-product-jsonld-en.html", "https://trailhead.example/collections/trail-running-shoes");
  EXPECT_TRUE(f.commerce.product_markup);
  EXPECT_EQ(f.page_type, "category") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.5) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "8 add-to-cart buttons (a product grid)")) << Why(f);
  EXPECT_FALSE(HasEvidence(f, "Product JSON-LD")) << Why(f);
}

TEST(ClassifyPage, KeepsAProductPageWithARelatedProductsCarouselAProductEvenWithoutAUrlWord) {
  const PageFacts f = Classify("product-related-en.html", "https://trailhead.example/alpine-hiker-gtx.html");
  EXPECT_EQ(f.page_type, "product") << Why(f);
  EXPECT_GE(f.page_type_confidence, 0.5) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "one Product JSON-LD with an Offer")) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "add-to-cart control \"Add to cart\"")) << Why(f);
}

TEST(ClassifyPage, CallsAPageWithoutSignalsOtherWithLowConfidence) {
  const PageFacts f = Classify("nothing-en.html", "https://trailhead.example/about-us");
  EXPECT_EQ(f.page_type, "other") << Why(f);
  EXPECT_LE(f.page_type_confidence, 0.3) << Why(f);
  EXPECT_TRUE(HasEvidence(f, "no page-type signal strong enough")) << Why(f);
}

TEST(ClassifyPage, GivesTheSameAnswerWhenCalledDirectlyOnTheParsedFixture) {
  const std::string url = "https://laufhaus.example/warenkorb";
  const PageFacts f = Classify("cart-de.html", url);
  const html::Document doc = testing::ParseFixture("fixtures/pages/page-types/cart-de.html");
  const PageTypeGuess g = ClassifyPage(doc, f, Context{url, &Lexicon::Default()});
  EXPECT_EQ(g.type, f.page_type);
  EXPECT_EQ(g.confidence, f.page_type_confidence);
  EXPECT_EQ(g.evidence, f.page_type_evidence);
}

// --- URLs ---------------------------------------------------------------------------------

TEST(ClassifyPage, GivesAUrlWordAloneAboutHalfConfidenceAsTheFormulaSays) {
  // S1 = 2.5, S2 = 0: (1 - exp(-2.5 / 4)) * (0.4 + 0.6 * 1) = 0.46.
  const PageFacts f = ClassifyHtml("https://shop.example/produkt/buty-123", "<p>Buty</p>");
  EXPECT_EQ(f.page_type, "product") << Why(f);
  EXPECT_DOUBLE_EQ(f.page_type_confidence, 0.46) << Why(f);
  EXPECT_EQ(f.page_type_evidence, (std::vector<std::string>{"URL path word \"/produkt/\""}));
}

TEST(ClassifyPage, ReadsPercentEncodedCyrillicPathWords) {
  const PageFacts f = ClassifyHtml("https://shop.example/%D1%82%D0%BE%D0%B2%D0%B0%D1%80/123", "<p>x</p>");
  EXPECT_EQ(f.page_type, "product") << Why(f);
  EXPECT_TRUE(HasEvidence(f, "\"/товар/\"")) << Why(f);
}

TEST(ClassifyPage, LetsTheDeepestUrlWordWin) {
  EXPECT_EQ(ClassifyHtml("https://shop.example/checkout/cart/", "<p>x</p>").page_type, "cart");  // Magento
  EXPECT_EQ(ClassifyHtml("https://shop.example/collections/trail/products/ridge-runner", "<p>x</p>").page_type,
            "product");  // Shopify
  EXPECT_EQ(ClassifyHtml("https://shop.example/catalog/search/?q=boots", "<p>x</p>").page_type, "search");
  // An order word under the account area is the order history, not a checkout.
  EXPECT_EQ(ClassifyHtml("https://shop.example/account/order-history", "<p>x</p>").page_type, "account");
}

TEST(ClassifyPage, ReadsOpenCartRoutesAsPaths) {
  EXPECT_EQ(ClassifyHtml("https://shop.example/index.php?route=common/home", "<p>x</p>").page_type, "home");
  EXPECT_EQ(ClassifyHtml("https://shop.example/index.php?route=checkout/cart", "<p>x</p>").page_type, "cart");
  EXPECT_EQ(ClassifyHtml("https://shop.example/index.php?route=product/category&path=20", "<p>x</p>").page_type,
            "category");
}

TEST(ClassifyPage, RecognisesSiteAndLanguageRootsAsHomePages) {
  for (const char* u : {"https://shop.example/", "https://shop.example/index.html", "https://shop.example/pl/",
                        "https://shop.example/de-de/", "https://shop.example/en_us/index.php"}) {
    const PageFacts f = ClassifyHtml(u, "<h1>Welcome</h1>");
    EXPECT_EQ(f.page_type, "home") << u << " " << Why(f);
    EXPECT_GE(f.page_type_confidence, 0.8) << u << " " << Why(f);
  }
  EXPECT_EQ(ClassifyHtml("https://shop.example/pl/sklepy", "<p>x</p>").page_type, "store-locator");
  EXPECT_EQ(ClassifyHtml("https://shop.example/about", "<p>x</p>").page_type, "other");
  // WordPress search lives on the root.
  EXPECT_EQ(ClassifyHtml("https://shop.example/?s=boots", "<h1>Search results for: boots</h1>").page_type, "search");
}

TEST(Lexicon, MatchesUrlPathWordsAtSlashEdges) {
  // Path words start with "/" (no boundary needed before it); a word ending in a letter needs a
  // non-letter after it, a word ending in "/" does not.
  const Lexicon& lex = Lexicon::Default();
  EXPECT_TRUE(lex.Matches("url_product", "/p/trail-runner"));
  EXPECT_TRUE(lex.Matches("url_product", "/de/p/trail-runner"));
  EXPECT_TRUE(lex.Matches("url_product", "/товар/123"));
  EXPECT_FALSE(lex.Matches("url_product", "/pp/trail-runner"));
  EXPECT_FALSE(lex.Matches("url_product", "/produkty-sportowe"));
  EXPECT_TRUE(lex.Matches("url_cart", "/cart"));
  EXPECT_TRUE(lex.Matches("url_cart", "/cart/"));
  EXPECT_TRUE(lex.Matches("url_cart", "/cart.php"));
  EXPECT_TRUE(lex.Matches("url_cart", "/de/warenkorb"));
  EXPECT_FALSE(lex.Matches("url_cart", "/cartoon-socks"));
  EXPECT_FALSE(lex.Matches("url_cart", "/bags/tote"));
  EXPECT_TRUE(lex.Matches("url_account", "/lk/orders"));
  EXPECT_FALSE(lex.Matches("url_account", "/lkw-zubehoer"));
  EXPECT_TRUE(lex.Matches("url_search", "/search"));
  EXPECT_FALSE(lex.Matches("url_search", "/searchlight-lamp"));
  EXPECT_TRUE(lex.Matches("url_category", "/kategoria/buty"));
  EXPECT_FALSE(lex.Matches("url_category", "/kategoria"));  // written with a trailing "/"
}

TEST(Lexicon, AllMatchesReportsEveryConceptWithWhereItEnds) {
  std::string error;
  const auto lex = Lexicon::Parse(
      R"({"concepts": {"street": {"en": ["address", "street address"]}, "city": {"en": ["city"]},
                       "email": {"en": ["email address", "e-mail*"]}},
          "payment_methods": {"BLIK": ["blik"]}})",
      &error);
  ASSERT_TRUE(lex.has_value()) << error;
  const auto matches = lex->AllMatches("billing email address city e-mailbox cityscape blik");
  ASSERT_EQ(matches.size(), 4u);
  // In order of where they end; at one end the longer phrase first.
  EXPECT_EQ(matches[0].concept_name, "email");
  EXPECT_EQ(matches[0].phrase, "email address");
  EXPECT_EQ(matches[0].end, 21u);
  EXPECT_EQ(matches[1].concept_name, "street");
  EXPECT_EQ(matches[1].end, 21u);
  EXPECT_EQ(matches[2].concept_name, "city");
  EXPECT_EQ(matches[2].end, 26u);
  EXPECT_EQ(matches[3].phrase, "e-mail");  // a stem: "e-mailbox" counts, "cityscape" does not
  EXPECT_EQ(matches[3].end, 33u);  // and payment cues are not concepts
  EXPECT_TRUE(lex->AllMatches("").empty());
}

// --- overrides ------------------------------------------------------------------------------


TEST(ParsePageTypeOverride, ReadsPatternAndTypeSplittingAtTheLastEqualsSign) {
  PageTypeOverride o;
  std::string error;
  ASSERT_TRUE(ParsePageTypeOverride("/produkt/*=product", &o, &error)) << error;
  EXPECT_EQ(o.pattern, "/produkt/*");
  EXPECT_EQ(o.type, "product");
  ASSERT_TRUE(ParsePageTypeOverride(" /sklepy* = Store-Locator ", &o, &error)) << error;
  EXPECT_EQ(o.pattern, "/sklepy*");
  EXPECT_EQ(o.type, "store-locator");
  ASSERT_TRUE(ParsePageTypeOverride("/search?q=*=search", &o, &error)) << error;
  EXPECT_EQ(o.pattern, "/search?q=*");
  EXPECT_EQ(o.type, "search");
}

TEST(ParsePageTypeOverride, ExplainsAMissingEqualsSignAnEmptyPatternAndAnUnknownType) {
  PageTypeOverride o;
  std::string error;
  EXPECT_FALSE(ParsePageTypeOverride("/produkt/*", &o, &error));
  EXPECT_NE(error.find("PATTERN=TYPE"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(ParsePageTypeOverride("=product", &o, &error));
  EXPECT_NE(error.find("empty pattern"), std::string::npos) << error;
  error.clear();
  EXPECT_FALSE(ParsePageTypeOverride("/x/*=widget", &o, &error));
  EXPECT_NE(error.find("unknown page type \"widget\""), std::string::npos) << error;
  EXPECT_NE(error.find("store-locator"), std::string::npos) << error;  // lists the valid types
  error.clear();
  EXPECT_FALSE(ParsePageTypeOverride("/x/*=", &o, &error));
  EXPECT_NE(error.find("unknown page type \"\""), std::string::npos) << error;
}

}  // namespace
}  // namespace mmaudit::facts
