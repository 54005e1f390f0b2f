#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

StructuredData Extract(const std::string& fixture, const std::string& base_url,
                       const ExtractOptions& options = {}) {
  const html::Document doc = mmaudit::testing::ParseFixture(fixture);
  return ExtractStructuredData(doc, Context{base_url, &Lexicon::Default()}, options);
}

std::string Repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s->find(from); pos != std::string::npos; pos = s->find(from, pos + to.size()))
    s->replace(pos, from.size(), to);
}

// Property values met by a reader that walks `item` as a tree (shared items counted each time they
// are met), and the bytes of their texts.
struct Expanded {
  std::size_t values = 0;
  std::size_t text_bytes = 0;
};
Expanded ExpandedSize(const SdItem& item) {
  Expanded out;
  std::vector<const SdItem*> stack = {&item};
  while (!stack.empty()) {
    const SdItem* it = stack.back();
    stack.pop_back();
    for (const auto& [name, values] : it->properties)
      for (const SdValue& v : values) {
        ++out.values;
        out.text_bytes += v.text.size();
        if (v.item) stack.push_back(v.item.get());
      }
  }
  return out;
}

// Length of the chain root -> child -> child ... (root included).
std::size_t ChainLength(const SdItem* item) {
  std::size_t n = 0;
  for (; item != nullptr; item = item->Item("child")) ++n;
  return n;
}

TEST(StructuredData, ReadsJsonLdProductWithTypeArraysNumbersAndNestedItems) {
  const StructuredData sd = Extract("fixtures/pages/structured-data/product-jsonld.html",
                                    "https://shop.example/products/trail-runner-x");
  EXPECT_EQ(sd.json_ld_blocks, 2u);  // application/json and <template> content do not count
  EXPECT_TRUE(sd.errors.empty());
  ASSERT_EQ(sd.items.size(), 2u);
  EXPECT_THAT(sd.TopLevelTypes(), ElementsAre("Product", "IndividualProduct", "BreadcrumbList"));

  const SdItem& product = *sd.items[0];
  EXPECT_EQ(product.source, "json-ld");
  EXPECT_TRUE(product.IsA("Product"));
  EXPECT_TRUE(product.IsA("IndividualProduct"));
  EXPECT_EQ(product.id, "https://shop.example/products/trail-runner-x#product");
  EXPECT_EQ(product.Text("name"), "Trail Runner X");
  EXPECT_EQ(product.Text("brand"), "Demo");  // a nested item's name
  EXPECT_EQ(product.Text("sku"), "10452");
  EXPECT_TRUE(product.Get("sku")->front().is_number);
  EXPECT_EQ(product.Text("isFamilyFriendly"), "true");
  EXPECT_EQ(product.Get("image")->size(), 2u);
  EXPECT_TRUE(product.Get("gtin13")->empty());  // null values are dropped
  EXPECT_TRUE(product.Get("no-such-property")->empty());
  ASSERT_NE(product.Item("weight"), nullptr);
  EXPECT_EQ(product.Item("weight")->Text("value"), "0.31");

  const std::vector<SdValue>& offers = *product.Get("offers");
  ASSERT_EQ(offers.size(), 2u);
  EXPECT_EQ(offers[0].item->Text("price"), "129.9");
  EXPECT_TRUE(offers[0].item->Get("price")->front().is_number);
  EXPECT_EQ(offers[1].item->Text("price"), "139.90");
  EXPECT_FALSE(offers[1].item->Get("price")->front().is_number);
  EXPECT_EQ(product.Item("aggregateRating")->Text("ratingValue"), "4.6");

  const std::vector<const SdItem*> found = sd.FindAll("Offer");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], offers[0].item.get());  // document order
  EXPECT_EQ(sd.FindAll("Review").size(), 2u);
  EXPECT_EQ(sd.FindAll("Person").size(), 2u);
  EXPECT_EQ(sd.FindAll("ListItem").size(), 2u);
}

TEST(StructuredData, FlattensGraphAndNormalisesSchemaPrefixes) {
  const StructuredData sd =
      Extract("fixtures/pages/structured-data/graph.html", "https://shop.example/wanderschuh-alpin");
  EXPECT_EQ(sd.json_ld_blocks, 1u);
  EXPECT_TRUE(sd.errors.empty());
  EXPECT_THAT(sd.TopLevelTypes(), ElementsAre("Organization", "WebSite", "Product"));

  const SdItem& website = *sd.items[1];
  EXPECT_EQ(website.Text("publisher"), "https://shop.example/#org");  // an @id reference, kept as is
  EXPECT_EQ(website.Item("potentialAction")->Text("query-input"), "required name=search_term_string");

  const SdItem& product = *sd.items[2];
  EXPECT_EQ(product.Text("name"), "Wanderschuh Alpin");  // "http://schema.org/name"
  EXPECT_EQ(product.Text("color"), "Grün");              // a value object
  EXPECT_EQ(product.Get("keywords")->size(), 2u);        // an @list
  const SdItem* offer = product.Item("offers");
  ASSERT_NE(offer, nullptr);
  EXPECT_TRUE(offer->IsA("AggregateOffer"));
  EXPECT_EQ(offer->Text("lowPrice"), "89.95");
  EXPECT_EQ(offer->Text("highPrice"), "119");
  EXPECT_EQ(sd.FindAll("Offer").size(), 2u);
}

TEST(StructuredData, RecordsMalformedBlocksAndKeepsTheOthers) {
  const StructuredData sd = Extract("fixtures/pages/structured-data/malformed.html", "https://shop.example/");
  EXPECT_EQ(sd.json_ld_blocks, 5u);
  EXPECT_THAT(sd.TopLevelTypes(), ElementsAre("Organization", "WebSite"));
  ASSERT_EQ(sd.errors.size(), 3u);
  for (const SdError& e : sd.errors) EXPECT_EQ(e.source, "json-ld");
  EXPECT_THAT(sd.errors[0].message,
              StartsWith("JSON-LD block 2: Missing a comma or '}' after an object member (offset "));
  EXPECT_THAT(sd.errors[1].message, StartsWith("JSON-LD block 3: "));
  EXPECT_THAT(sd.errors[1].message, HasSubstr("neither an object nor an array"));
  EXPECT_THAT(sd.errors[2].message, StartsWith("JSON-LD block 4: "));  // &quot; is not decoded
}

TEST(StructuredData, SkipsBlocksOverTheSizeLimitWithAnError) {
  ExtractOptions options;
  options.max_json_ld_bytes = 400;
  const StructuredData sd = Extract("fixtures/pages/structured-data/product-jsonld.html",
                                    "https://shop.example/products/trail-runner-x", options);
  EXPECT_EQ(sd.json_ld_blocks, 2u);
  EXPECT_THAT(sd.TopLevelTypes(), ElementsAre("BreadcrumbList"));
  ASSERT_EQ(sd.errors.size(), 1u);
  EXPECT_THAT(sd.errors[0].message, StartsWith("JSON-LD block 1: skipped, "));
}

TEST(StructuredData, CutsHostileNestingWithOneErrorPerBlockAndNoRecursion) {
  // 60,000 objects stay under the 2 MiB block limit; Gumbo itself parses deep HTML in quadratic
  // time, so the microdata part nests 10,000 levels (still far beyond any recursion budget).
  constexpr std::size_t kJsonLevels = 60'000, kArrayLevels = 200'000, kHtmlLevels = 10'000;
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/deep-template.html");
  ReplaceAll(&page, "@@OBJECTS@@", Repeat(R"({"@type": "Thing", "child": )", kJsonLevels));
  ReplaceAll(&page, "@@LISTS@@", Repeat(R"({"@list": )", kJsonLevels));
  ReplaceAll(&page, "@@CLOSE@@", std::string(kJsonLevels, '}'));
  ReplaceAll(&page, "@@ARRAYS@@", std::string(kArrayLevels, '[') + "1" + std::string(kArrayLevels, ']'));
  const std::string level =
      R"(<div itemprop="child" itemscope itemtype="https://schema.org/Thing"><span itemprop="name">x</span>)";
  ReplaceAll(&page, "@@MICRODATA@@",
             R"(<div itemscope itemtype="https://schema.org/Thing">)" + Repeat(level, kHtmlLevels));
  const html::Document doc = html::Document::Parse(text::SanitizeUtf8(page));
  const StructuredData sd = ExtractStructuredData(doc, Context{"https://shop.example/", &Lexicon::Default()});

  ASSERT_EQ(sd.items.size(), 4u);
  EXPECT_EQ(sd.items[0]->Text("name"), "root");
  EXPECT_EQ(ChainLength(sd.items[0].get()), 64u);  // depth 1 .. max_sd_depth
  EXPECT_TRUE(sd.items[1]->Get("list")->empty());  // only arrays, all cut
  EXPECT_TRUE(sd.items[2]->Get("keywords")->empty());  // only @list wrappers, all cut
  EXPECT_EQ(sd.items[3]->source, "microdata");
  EXPECT_EQ(ChainLength(sd.items[3].get()), 64u);
  ASSERT_EQ(sd.errors.size(), 4u);
  EXPECT_THAT(sd.errors[0].message, StartsWith("JSON-LD block 1: values nested deeper than 64 levels"));
  EXPECT_THAT(sd.errors[1].message, StartsWith("JSON-LD block 2: "));
  EXPECT_THAT(sd.errors[2].message, StartsWith("JSON-LD block 3: "));
  EXPECT_EQ(sd.errors[3].source, "microdata");
  EXPECT_EQ(sd.FindAll("Thing").size(), 2u * 64u + 2u);  // two chains, the arrays and lists blocks
}

TEST(StructuredData, ReadsMicrodataIntoTheSameModel) {
  const StructuredData sd =
      Extract("fixtures/pages/structured-data/microdata-product.html", "https://sklep.example/produkty/");
  EXPECT_EQ(sd.json_ld_blocks, 0u);
  EXPECT_TRUE(sd.errors.empty());
  EXPECT_THAT(sd.TopLevelTypes(), ElementsAre("Product", "BreadcrumbList"));  // <template> is inert

  const SdItem& product = *sd.items[0];
  EXPECT_EQ(product.source, "microdata");
  EXPECT_EQ(product.id, "#sprint");
  EXPECT_EQ(product.Text("name"), "Buty biegowe Sprint");
  EXPECT_EQ(product.Text("image"), "https://sklep.example/produkty/sprint-600.png");
  EXPECT_EQ(product.Text("description"), "Lekkie buty do biegania po asfalcie. Waga 240 g.");
  EXPECT_EQ(product.Text("brand"), "Demo");

  const SdItem* offer = product.Item("offers");
  ASSERT_NE(offer, nullptr);
  EXPECT_TRUE(offer->IsA("Offer"));
  EXPECT_EQ(offer->source, "microdata");
  EXPECT_EQ(offer->Text("price"), "249.00");  // the content attribute wins over "249,00 zł"
  EXPECT_EQ(offer->Text("priceCurrency"), "PLN");
  EXPECT_EQ(offer->Text("availability"), "https://schema.org/InStock");
  EXPECT_EQ(offer->Text("url"), "https://sklep.example/produkty/sprint");
  EXPECT_EQ(offer->Text("seller"), "https://sklep.example/produkty/sprint");  // itemprop="url seller"
  EXPECT_EQ(offer->Text("priceValidUntil"), "2026-12-31");
  EXPECT_EQ(offer->Text("sku"), "SPR-42");

  EXPECT_EQ(product.Item("aggregateRating")->Text("ratingValue"), "4,8");
  EXPECT_EQ(product.Item("review")->Text("author"), "Kasia");
  EXPECT_EQ(product.Item("review")->Text("ratingValue"), "5");  // <meter value>

  const SdItem* crumb = sd.items[1]->Item("itemListElement");
  ASSERT_NE(crumb, nullptr);
  EXPECT_EQ(crumb->Text("item"), "https://sklep.example/buty");
  EXPECT_EQ(crumb->Text("position"), "1");
}

// Found by the extract_page fuzz target: each nested itemscope named by eight properties is shared
// by all eight, so a tree walk meets 8^k items at level k (a 4.6 KB page gave 240 MB of report
// JSON). Values are counted as often as readers meet them, and capped.
TEST(StructuredData, CountsAMicrodataItemSharedByManyNamesAsOftenAsReadersMeetIt) {
  constexpr std::size_t kLevels = 6;  // 600,000 values met uncapped
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/shared-items-template.html");
  const std::string names = "a b c d e f g h";
  ReplaceAll(&page, "@@NESTED@@",
             Repeat(R"(<div itemprop=")" + names + R"(" itemscope itemtype="https://schema.org/Thing"><span itemprop="name">x</span>)",
                    kLevels) +
                 Repeat("</div>", kLevels));
  ReplaceAll(&page, "@@TEXT@@", "");
  const html::Document doc = html::Document::Parse(page);
  const StructuredData sd = ExtractStructuredData(doc, Context{"https://shop.example/", &Lexicon::Default()});

  ASSERT_EQ(sd.items.size(), 2u);
  const Expanded shared = ExpandedSize(*sd.items[0]);
  // The Product's name, then levels 1 to 3, met 8^k times each with their own name: 1 + 2 * 584.
  // Level 4 would add 2 * 4,096 and pass the cap of 5,000, so it is left out.
  EXPECT_EQ(shared.values, 1169u);
  const SdItem* level3 = sd.items[0]->Item("a")->Item("b")->Item("c");
  ASSERT_NE(level3, nullptr);
  EXPECT_EQ(level3->Text("name"), "x");
  EXPECT_EQ(level3->Item("d"), nullptr);
  EXPECT_EQ(sd.items[0]->Item("a"), sd.items[0]->Item("h"));  // one item, shared by all eight names
  ASSERT_EQ(sd.errors.size(), 1u);
  EXPECT_EQ(sd.errors[0].message, "more than 5000 microdata properties; the rest were ignored");
  EXPECT_EQ(sd.items[1]->Text("name"), "Buty biegowe Sprint");  // the next item is still read
}

TEST(StructuredData, KeepsAtMost16KiBOfTextPerMicrodataPropertyAnd1MiBInAll) {
  // 200 nested itemprop elements around one 2 MB text node: each would otherwise copy it whole.
  constexpr std::size_t kLevels = 200;
  std::string page = mmaudit::testing::ReadFixture("fixtures/pages/structured-data/shared-items-template.html");
  ReplaceAll(&page, "@@NESTED@@", "");
  ReplaceAll(&page, "@@TEXT@@", Repeat(R"(<span itemprop="description">)", kLevels) + Repeat("świeże ", 250'000));
  const html::Document doc = html::Document::Parse(page);
  const StructuredData sd = ExtractStructuredData(doc, Context{"https://shop.example/", &Lexicon::Default()});

  ASSERT_EQ(sd.items.size(), 2u);
  const std::vector<SdValue>* descriptions = sd.items[1]->Get("description");
  ASSERT_EQ(descriptions->size(), kLevels);
  const std::string& first = descriptions->front().text;
  EXPECT_LE(first.size(), 16u * 1024u);
  EXPECT_GT(first.size(), 16u * 1024u - 8u);
  EXPECT_TRUE(text::IsValidUtf8(first));  // cut between characters
  EXPECT_THAT(first, StartsWith("świeże świeże"));
  EXPECT_LE(ExpandedSize(*sd.items[1]).text_bytes, 1024u * 1024u);
  EXPECT_TRUE(descriptions->back().text.empty());  // past the page-wide text cap
  ASSERT_EQ(sd.errors.size(), 1u);
  EXPECT_EQ(sd.errors[0].message, "microdata property texts over 1048576 bytes in all; the texts past that were left out");
}

}  // namespace
}  // namespace mmaudit::facts
