// ClassifyPage: what kind of storefront page this is, scored from weighted signals.
//
// Every signal adds a weight to one page type. The weights (points) are:
//
//   structured data      FAQPage 3.5 (faq); SearchResultsPage 4 (search); CheckoutPage 4 (checkout);
//                        CollectionPage 3 (category); ProfilePage 2 (account); ItemPage 1 (product);
//                        HowTo / Article / BlogPosting / NewsArticle / TechArticle 3 (guide);
//                        one main Product with an Offer 3, with only an AggregateOffer or no offer 2,
//                        two Products 1 (product); an ItemList of 2+ entries 3 (1.5 beside a single
//                        main Product, where it is usually "related products"), 2+ Products inside
//                        item lists or 3+ top-level Products 3 (category); 2+ LocalBusiness/Store
//                        items 3, one 1.5 (store-locator)
//   URL                  the site root "/" (or /index.html) 8, 3 when it carries a search query
//                        (WordPress "/?s=boots"), a language root such as /pl/ or /de-de/ 6.5
//                        (home); a path word of rules/lexicon.json's url_* concepts: cart 3,
//                        checkout 3, every other type 2.5 except search 2; when words of several
//                        types occur, the one deepest in the path ("/checkout/cart",
//                        "/collections/x/products/y") keeps its weight and the others count half,
//                        and an order word under an account word ("/account/order-history") is
//                        dropped; OpenCart's ?route=product/category is read as path; a non-empty
//                        search query (?q= ?s= ?search= ?query= ...) 1.5 (search)
//   headline (h1, else   cart 2.5 · faq 2.5 · search results 2.5 · account 2 · checkout 2 ·
//   the first heading)   store locator 2 · guide 1.5; the <title> alone counts a little less
//   page furniture       add-to-cart control 1.5, og:type product 1.5 (product); og:type article
//                        1.5 (guide); listing furniture: sort/filter controls 1.5, 4+ links to
//                        product URLs 1.5, 6+ prices in <main> 1, 4+ add-to-cart buttons 1 (which
//                        then replace the product's add-to-cart signal) count for category, and
//                        half as much for search, whose results look the same (links and prices
//                        are halved under a "related products" heading); a search box pre-filled
//                        with the URL's query 1.5, with another text 0.75 (search); a visible
//                        password field 2.5 (account); 3+ address autocomplete fields 2.5, a
//                        payment-card field 3, a step indicator (aria-current=step) 1.5, a
//                        checkout-step heading or legend 1 (checkout); quantity inputs 1, a link
//                        or button to the checkout 1 (cart); map links 1, a store-locator phrase
//                        anywhere 0.5 (store-locator); 3+ visible questions under an FAQ heading
//                        1 (faq); a guide phrase in h1-h3 0.5 (guide); a storefront platform's
//                        page template in <body class|id> (Shopify template-product, WooCommerce
//                        woocommerce-cart, Magento catalog-category-view, PrestaShop page-product
//                        ...) 2 (that type)
//
// The best-scoring type wins (ties go to the earlier type in kTieOrder). With S1 the best score and
// S2 the runner-up's:
//
//   strength   = 1 - exp(-S1 / 4)          (one URL word ~0.46, product page with markup ~0.9)
//   margin     = (S1 - S2) / S1            (1 when nothing else scored)
//   confidence = strength * (0.4 + 0.6 * margin), rounded to 0.01
//
// Below kMinScore (2 points: not even a URL word) the page is "other" with confidence
// 0.3 * (1 - S1 / kMinScore): 0.3 for a page with no signal at all, less when some type nearly
// qualified. Word lists (path words and DOM phrases in nine languages) live in rules/lexicon.json;
// only language-independent markup (schema.org types, autocomplete tokens, platform template
// classes, query parameter names) is written here.
#include "facts/page_type.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "core/url.h"
#include "html/document.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

enum Type {
  kHome,
  kCategory,
  kProduct,
  kCart,
  kCheckout,
  kAccount,
  kFaq,
  kStoreLocator,
  kGuide,
  kSearch,
  kOther,
  kTypeCount
};

constexpr std::array<const char*, kTypeCount> kTypeNames = {
    "home", "category", "product", "cart", "checkout", "account", "faq", "store-locator", "guide", "search", "other"};

// On equal scores the more specific, transactional page wins.
constexpr std::array<Type, kTypeCount - 1> kTieOrder = {kCheckout, kCart, kAccount,      kSearch, kProduct,
                                                        kCategory, kFaq,  kStoreLocator, kGuide,  kHome};

constexpr double kMinScore = 2.0;
constexpr std::size_t kMaxEvidence = 6;
constexpr std::size_t kTextBudget = 200'000;    // DOM nodes visited by all element-text reads
constexpr std::size_t kElementTextBytes = 512;  // per heading / label read
constexpr std::size_t kMaxShortTexts = 400;     // labels, buttons, headings collected
constexpr std::size_t kMainTextBytes = 256 * 1024;

struct Signal {
  Type type;
  double weight;
  std::string evidence;
};

class Scores {
 public:
  void Add(Type t, double weight, std::string evidence) { signals_.push_back({t, weight, std::move(evidence)}); }
  double Score(Type t) const {
    double s = 0;
    for (const Signal& sig : signals_)
      if (sig.type == t) s += sig.weight;
    return s;
  }
  // Evidence of `t`, strongest first.
  std::vector<std::string> Evidence(Type t, std::size_t max) const {
    std::vector<const Signal*> mine;
    for (const Signal& sig : signals_)
      if (sig.type == t) mine.push_back(&sig);
    std::stable_sort(mine.begin(), mine.end(), [](const Signal* a, const Signal* b) { return a->weight > b->weight; });
    std::vector<std::string> out;
    for (const Signal* s : mine) {
      if (out.size() >= max) break;
      out.push_back(s->evidence);
    }
    return out;
  }

 private:
  std::vector<Signal> signals_;
};

std::string Quote(std::string_view s) { return "\"" + text::Truncate(text::CollapseWhitespace(s), 40) + "\""; }

// --- DOM cues the facts do not keep ---------------------------------------------------------------

struct DomCues {
  std::vector<std::string> h1;           // folded
  std::string first_heading;             // folded; the first heading of any level
  std::vector<std::string> headings;     // h2-h4, folded
  std::vector<std::string> controls;     // label, button, summary, legend texts and aria-labels, folded
  std::vector<std::string> legends;      // legend texts, folded
  std::size_t add_to_cart_buttons = 0;   // buttons whose text or aria-label is an add-to-cart phrase
  std::string search_box_value;          // the value a visible search box is pre-filled with
  bool sort_select = false;              // a <select> named like a sort order ("sort_by", "orderby")
  bool step_indicator = false;           // aria-current="step"
  std::string og_type;                   // lower case
  std::vector<std::string> body_tokens;  // <body> class tokens, lower case
  std::string body_id;                   // lower case
  const GumboNode* main = nullptr;       // <main> or role=main
  const GumboNode* body = nullptr;
};

DomCues ReadDom(const html::Document& doc, const Lexicon& lex) {
  DomCues c;
  const Lexicon::Cue add_to_cart = lex.Find("add_to_cart");
  std::size_t budget = kTextBudget;
  auto read = [&](const GumboNode* n) {
    return text::FoldCase(html::BoundedText(n, kElementTextBytes, &budget));  // collapsed as it is read
  };
  auto keep = [](std::vector<std::string>* v, std::string s) {
    if (!s.empty() && v->size() < kMaxShortTexts) v->push_back(std::move(s));
  };
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    const GumboTag tag = n->v.element.tag;
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_NOSCRIPT)
      return html::Visit::kSkipChildren;
    // Closed drawers and modals (a mini-cart's "Checkout" button, a login pop-up) say nothing
    // about this page. <head> is read for og:type.
    if (tag != GUMBO_TAG_HEAD && tag != GUMBO_TAG_HTML && html::IsHiddenSelf(n)) return html::Visit::kSkipChildren;
    if (tag == GUMBO_TAG_META) {
      const std::string prop = text::AsciiLower(html::AttrOr(n, "property", html::AttrOr(n, "name")));
      if (prop == "og:type" && c.og_type.empty()) c.og_type = text::AsciiLower(text::Trim(html::AttrOr(n, "content")));
      return html::Visit::kContinue;
    }
    if (tag == GUMBO_TAG_BODY && !c.body) {
      c.body = n;
      for (const std::string& t : text::SplitTrimmed(text::AsciiLower(html::AttrOr(n, "class")), ' '))
        c.body_tokens.push_back(t);
      c.body_id = text::AsciiLower(text::Trim(html::AttrOr(n, "id")));
    }
    if (!c.main && html::IsMainLandmark(n)) c.main = n;
    if (text::AsciiLower(html::AttrOr(n, "aria-current")) == "step") c.step_indicator = true;
    if (const auto aria = html::Attr(n, "aria-label"); aria && aria->size() <= kElementTextBytes)
      keep(&c.controls, text::FoldCase(text::CollapseWhitespace(*aria)));
    if (const int level = html::HeadingLevel(n); level > 0) {
      std::string t = read(n);
      if (c.first_heading.empty()) c.first_heading = t;
      if (level == 1)
        keep(&c.h1, t);
      else if (level <= 4)
        keep(&c.headings, std::move(t));
      return html::Visit::kSkipChildren;
    }
    switch (tag) {
      case GUMBO_TAG_LEGEND: {
        std::string t = read(n);
        keep(&c.legends, t);
        keep(&c.controls, std::move(t));
        return html::Visit::kContinue;
      }
      case GUMBO_TAG_BUTTON: {
        std::string t = read(n);
        const std::string aria = text::FoldCase(html::AttrOr(n, "aria-label"));
        if ((t.size() <= 120 && add_to_cart.Matches(t)) || (aria.size() <= 120 && add_to_cart.Matches(aria)))
          ++c.add_to_cart_buttons;
        keep(&c.controls, std::move(t));
        return html::Visit::kSkipChildren;
      }
      case GUMBO_TAG_LABEL:  // may wrap the <input> or <select> it labels: read on
      case GUMBO_TAG_SUMMARY:
        keep(&c.controls, read(n));
        return html::Visit::kContinue;
      case GUMBO_TAG_SELECT: {
        const std::string names =
            text::AsciiLower(std::string(html::AttrOr(n, "name")) + " " + std::string(html::AttrOr(n, "id")));
        if (text::Contains(names, "sort") || text::Contains(names, "orderby") || text::Contains(names, "order_by"))
          c.sort_select = true;
        return html::Visit::kContinue;
      }
      case GUMBO_TAG_INPUT: {
        const std::string type = text::AsciiLower(text::Trim(html::AttrOr(n, "type")));
        if (type == "submit" || type == "button") {
          std::string t = text::FoldCase(html::AttrOr(n, "value"));
          if (t.size() <= 120 && add_to_cart.Matches(t)) ++c.add_to_cart_buttons;
          keep(&c.controls, std::move(t));
        }
        const std::string name = text::AsciiLower(html::AttrOr(n, "name"));
        const bool search_box =
            type == "search" ||
            ((type.empty() || type == "text") && (name == "q" || name == "s" || name == "search" || name == "query"));
        if (search_box && c.search_box_value.empty())
          c.search_box_value = text::CollapseWhitespace(html::AttrOr(n, "value"));
        return html::Visit::kContinue;
      }
      default:
        return html::Visit::kContinue;
    }
  });
  return c;
}

// --- small helpers ----------------------------------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Price-shaped runs in folded text: a currency sign or code with a digit right before or after
// (one space allowed), e.g. "€129.90", "129,90 zł", "1 299 ₽". Codes must stand alone.
std::size_t CountPrices(std::string_view s) {
  static constexpr std::string_view kSigns[] = {"€", "$", "£", "¥", "₽", "₴", "₹", "₺", "₪", "₩", "₸"};
  static constexpr std::string_view kCodes[] = {"zł",  "zl",  "pln", "eur", "usd", "gbp", "rub", "руб", "грн",
                                                "uah", "chf", "czk", "kč",  "sek", "nok", "dkk", "huf", "brl"};
  auto letter = [&](std::size_t i) {
    if (i >= s.size()) return false;
    const auto c = static_cast<unsigned char>(s[i]);
    return c < 0x80 ? IsAsciiLetter(s[i]) : c != 0xE2;
  };
  auto letter_before = [&](std::size_t i) {
    if (i == 0) return false;
    std::size_t lead = i - 1;
    while (lead > 0 && (static_cast<unsigned char>(s[lead]) & 0xC0) == 0x80) --lead;
    return letter(lead);
  };
  // A price needs a digit beside its sign or code, and digits are rarer than the letters codes start
  // with, so the pass looks only at the edges of digit runs: a sign or code may end just before a
  // run (or one space before it) or start just after one (or one space after). Only the signs and
  // codes that end or start with the byte there are compared. A sign between two numbers is seen
  // from both, so matched positions are counted once.
  constexpr std::size_t kSignCount = std::size(kSigns), kCodeCount = std::size(kCodes);
  static_assert(kSignCount + kCodeCount <= 32);
  auto token = [&](std::size_t k) { return k < kSignCount ? kSigns[k] : kCodes[k - kSignCount]; };
  static const auto kByEdge = [&] {
    std::array<std::array<std::uint32_t, 256>, 2> t{};  // [0]: by first byte, [1]: by last byte
    for (std::size_t k = 0; k < kSignCount + kCodeCount; ++k) {
      const std::string_view m = token(k);
      t[0][static_cast<unsigned char>(m.front())] |= std::uint32_t{1} << k;
      t[1][static_cast<unsigned char>(m.back())] |= std::uint32_t{1} << k;
    }
    return t;
  }();
  std::vector<std::size_t> found;  // start positions of prices' signs and codes
  auto try_at = [&](std::size_t pos, std::size_t k) {
    const std::string_view m = token(k);
    if (s.compare(pos, m.size(), m) != 0) return;
    if (k >= kSignCount && (letter_before(pos) || letter(pos + m.size()))) return;
    found.push_back(pos);
  };
  auto starting_at = [&](std::size_t pos) {
    if (pos >= s.size()) return;
    for (std::uint32_t c = kByEdge[0][static_cast<unsigned char>(s[pos])]; c != 0; c &= c - 1)
      try_at(pos, static_cast<std::size_t>(std::countr_zero(c)));
  };
  auto ending_before = [&](std::size_t end) {
    if (end == 0) return;
    for (std::uint32_t c = kByEdge[1][static_cast<unsigned char>(s[end - 1])]; c != 0; c &= c - 1) {
      const auto k = static_cast<std::size_t>(std::countr_zero(c));
      if (token(k).size() <= end) try_at(end - token(k).size(), k);
    }
  };
  for (std::size_t i = text::FindByteInRange(s, 0, '0', '9'); i < s.size(); i = text::FindByteInRange(s, i + 1, '0', '9')) {
    const std::size_t run = i;
    while (i + 1 < s.size() && IsDigit(s[i + 1])) ++i;
    ending_before(run);
    if (run > 0 && s[run - 1] == ' ') ending_before(run - 1);
    starting_at(i + 1);
    if (i + 1 < s.size() && s[i + 1] == ' ') starting_at(i + 2);
  }
  std::sort(found.begin(), found.end());
  const std::size_t n = static_cast<std::size_t>(std::unique(found.begin(), found.end()) - found.begin());
  return n;
}

// The lower-case, percent-decoded, case-folded path of `u`, or "".
std::string FoldedPath(const std::string& u) {
  // Absolute http(s) URLs (every link ExtractLinks resolved) are cut by hand: the path runs from the
  // first "/" after the authority to the query or fragment. Anything else goes through the parser.
  std::string_view path;
  std::optional<url::Parts> parts;
  const std::size_t authority = u.find("://");
  if (authority != std::string::npos && (text::StartsWithIgnoreCase(u, "http://") || text::StartsWithIgnoreCase(u, "https://"))) {
    const std::size_t start = u.find_first_of("/?#", authority + 3);
    if (start == std::string::npos || u[start] != '/') return "/";
    path = std::string_view(u).substr(start, u.find_first_of("?#", start) - start);
  } else {
    parts = url::Parse(u);
    if (!parts) return {};
    path = parts->path;
  }
  return text::FoldCase(url::PercentDecode(path));
}

// "/", "/index.html", "/pl/", "/de-de/", "/en_us/index.php" ...
enum class RootKind { kNone, kSite, kLanguage };
RootKind HomePath(std::string_view path) {
  std::string p(path);
  for (std::string_view index : {"index.html", "index.htm", "index.php", "index.aspx", "default.aspx"})
    if (text::EndsWith(p, std::string("/") + std::string(index))) {
      p.resize(p.size() - index.size());
      break;
    }
  if (p.empty() || p == "/") return RootKind::kSite;
  const std::vector<std::string> segments = text::SplitTrimmed(p, '/');
  if (segments.size() != 1) return RootKind::kNone;
  const std::string& s = segments[0];
  auto letters = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= s.size() || !(s[i] >= 'a' && s[i] <= 'z')) return false;
    return true;
  };
  if (s.size() == 2 && letters(0, 2)) return RootKind::kLanguage;
  if (s.size() == 5 && letters(0, 2) && (s[2] == '-' || s[2] == '_') && letters(3, 2)) return RootKind::kLanguage;
  return RootKind::kNone;
}

// The decoded value of query parameter `key` ("+" read as a space), or "".
std::string QueryParam(std::string_view query, std::string_view key) {
  for (const std::string& pair : text::SplitTrimmed(query, '&')) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos || text::AsciiLower(url::PercentDecode(pair.substr(0, eq))) != key) continue;
    std::string value = pair.substr(eq + 1);
    std::replace(value.begin(), value.end(), '+', ' ');
    return text::CollapseWhitespace(url::PercentDecode(value));
  }
  return {};
}

// "key=value" of the first search-like query parameter with a value, or "".
std::string SearchQuery(std::string_view query) {
  static const std::set<std::string, std::less<>> kKeys = {
      "q", "s", "search", "query", "k", "keyword", "keywords", "text", "term", "searchterm", "search_query", "w"};
  for (const std::string& pair : text::SplitTrimmed(query, '&')) {
    const auto eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = text::AsciiLower(url::PercentDecode(pair.substr(0, eq)));
    std::string value = pair.substr(eq + 1);
    std::replace(value.begin(), value.end(), '+', ' ');
    value = text::CollapseWhitespace(url::PercentDecode(value));
    if (kKeys.count(key) && !value.empty()) return key + "=" + value;
  }
  return {};
}

bool HasType(const SdItem& item, std::initializer_list<const char*> types) {
  for (const char* t : types)
    if (item.IsA(t)) return true;
  return false;
}

// Platform page templates in <body class> tokens, and PrestaShop's <body id>.
struct Template {
  const char* token;
  Type type;
};
constexpr Template kBodyClasses[] = {
    // Shopify (template-*), WooCommerce / WordPress, Magento 2, PrestaShop (page-*)
    {"template-index", kHome},
    {"cms-index-index", kHome},
    {"page-index", kHome},
    {"template-product", kProduct},
    {"single-product", kProduct},
    {"catalog-product-view", kProduct},
    {"page-product", kProduct},
    {"template-collection", kCategory},
    {"tax-product_cat", kCategory},
    {"post-type-archive-product", kCategory},
    {"catalog-category-view", kCategory},
    {"page-category", kCategory},
    {"template-cart", kCart},
    {"woocommerce-cart", kCart},
    {"checkout-cart-index", kCart},
    {"page-cart", kCart},
    {"woocommerce-checkout", kCheckout},
    {"checkout-index-index", kCheckout},
    {"page-order", kCheckout},
    {"page-checkout", kCheckout},
    {"template-customers-login", kAccount},
    {"template-customers-account", kAccount},
    {"template-customers-register", kAccount},
    {"woocommerce-account", kAccount},
    {"customer-account-login", kAccount},
    {"customer-account-index", kAccount},
    {"page-authentication", kAccount},
    {"page-my-account", kAccount},
    {"template-search", kSearch},
    {"search-results", kSearch},
    {"catalogsearch-result-index", kSearch},
    {"page-search", kSearch},
    {"template-article", kGuide},
    {"template-blog", kGuide},
    {"single-post", kGuide},
    {"page-stores", kStoreLocator},
};
constexpr Template kBodyIds[] = {
    {"index", kHome},        {"product", kProduct},     {"category", kCategory},      {"cart", kCart},
    {"checkout", kCheckout}, {"order", kCheckout},      {"authentication", kAccount}, {"my-account", kAccount},
    {"search", kSearch},     {"stores", kStoreLocator},
};

// --- the signals --------------------------------------------------------------------------------

struct UrlCue {
  Type type;
  const char* concept_name;
  double weight;
};
constexpr UrlCue kUrlCues[] = {
    {kProduct, "url_product", 2.5},
    {kCategory, "url_category", 2.5},
    {kCart, "url_cart", 3.0},
    {kCheckout, "url_checkout", 3.0},
    {kAccount, "url_account", 2.5},
    {kFaq, "url_faq", 2.5},
    {kStoreLocator, "url_store_locator", 2.5},
    {kGuide, "url_guide", 2.5},
    {kSearch, "url_search", 2.0},
};

void UrlSignals(const PageFacts& f, const Lexicon& lex, Scores* s) {
  const std::string& page_url = f.http.final_url.empty() ? f.http.requested_url : f.http.final_url;
  const auto parts = url::Parse(page_url);
  if (!parts) return;
  std::string path = FoldedPath(page_url);
  const std::string search = SearchQuery(parts->query);
  // OpenCart keeps the page in the query ("/index.php?route=product/category&path=20"): read the
  // route as more path.
  const std::string route = text::FoldCase(QueryParam(parts->query, "route"));
  if (route == "common/home") {
    s->Add(kHome, 8.0, "URL route common/home");
  } else if (!route.empty()) {
    path += "/" + route + "/";
  } else {
    switch (HomePath(path)) {
      case RootKind::kSite:
        if (search.empty())
          s->Add(kHome, 8.0, "URL is the site root " + Quote(parts->path));
        else
          s->Add(kHome, 3.0, "URL is the site root, with a search query");
        break;
      case RootKind::kLanguage:
        s->Add(kHome, 6.5, "URL is a language root " + Quote(parts->path));
        break;
      case RootKind::kNone:
        break;
    }
  }
  struct Hit {
    const UrlCue* cue;
    std::string word;
    std::size_t pos;
  };
  std::vector<Hit> hits;
  std::size_t account_pos = std::string::npos;
  for (const UrlCue& cue : kUrlCues) {
    std::string word = lex.FirstMatch(cue.concept_name, path);
    if (word.empty()) continue;
    const std::size_t pos = path.rfind(word);
    if (cue.type == kAccount) account_pos = path.find(word);
    hits.push_back({&cue, std::move(word), pos == std::string::npos ? 0 : pos});
  }
  // An order word under the account area ("/account/order-history", "/mon-compte/commande/12") is
  // the order history, not a checkout.
  std::erase_if(hits, [&](const Hit& h) {
    return h.cue->type == kCheckout && account_pos != std::string::npos && account_pos < h.pos;
  });
  std::size_t deepest = 0;
  for (const Hit& h : hits) deepest = std::max(deepest, h.pos);
  for (const Hit& h : hits) {
    if (h.pos == deepest)
      s->Add(h.cue->type, h.cue->weight, "URL path word " + Quote(h.word));
    else
      s->Add(h.cue->type, h.cue->weight / 2, "URL path word " + Quote(h.word) + " (not the deepest)");
  }
  if (!search.empty()) s->Add(kSearch, 1.5, "search query ?" + text::Truncate(search, 40));
}

// A search box pre-filled with the URL's query is a results page; pre-filled with something else
// (an old-style pseudo-placeholder, a path-based search) it counts half.
void SearchBoxSignal(const DomCues& dom, const PageFacts& f, Scores* s) {
  if (dom.search_box_value.empty()) return;
  const auto parts = url::Parse(f.http.final_url.empty() ? f.http.requested_url : f.http.final_url);
  const std::string query = parts ? SearchQuery(parts->query) : "";
  const std::string value = query.substr(query.find('=') + 1);
  const bool same = !query.empty() && text::FoldCase(value) == text::FoldCase(dom.search_box_value);
  s->Add(kSearch, same ? 1.5 : 0.75, "search box pre-filled with " + Quote(dom.search_box_value));
}

// A phrase of `concept_name` in the headline (h1s, else the first heading) weighs `weight`; in the
// <title> alone it weighs `title_weight`.
void HeadlineCue(const DomCues& dom, const PageFacts& f, const Lexicon& lex, const char* concept_name, Type type,
                 double weight, double title_weight, const char* what, Scores* s) {
  std::vector<std::string> heads = dom.h1;
  if (heads.empty() && !dom.first_heading.empty()) heads.push_back(dom.first_heading);
  for (const std::string& h : heads) {
    if (const std::string w = lex.FirstMatch(concept_name, h); !w.empty()) {
      s->Add(type, weight, std::string(what) + " in the heading: " + Quote(w));
      return;
    }
  }
  if (const std::string w = lex.FirstMatch(concept_name, text::FoldCase(f.meta.title)); !w.empty())
    s->Add(type, title_weight, std::string(what) + " in the title: " + Quote(w));
}

std::string FirstIn(const std::vector<std::string>& texts, const Lexicon& lex, const char* concept_name) {
  for (const std::string& t : texts)
    if (std::string w = lex.FirstMatch(concept_name, t); !w.empty()) return w;
  return {};
}

void StructuredDataSignals(const PageFacts& f, Scores* s) {
  const StructuredData& sd = f.structured_data;
  auto any = [&](std::initializer_list<const char*> types) -> std::string {
    for (const char* t : types)
      if (!sd.FindAll(t).empty()) return t;
    return {};
  };
  if (!sd.FindAll("FAQPage").empty()) s->Add(kFaq, 3.5, "FAQPage structured data");
  if (!sd.FindAll("SearchResultsPage").empty()) s->Add(kSearch, 4.0, "SearchResultsPage structured data");
  if (!sd.FindAll("CheckoutPage").empty()) s->Add(kCheckout, 4.0, "CheckoutPage structured data");
  if (!sd.FindAll("CollectionPage").empty()) s->Add(kCategory, 3.0, "CollectionPage structured data");
  if (!sd.FindAll("ProfilePage").empty()) s->Add(kAccount, 2.0, "ProfilePage structured data");
  if (!sd.FindAll("ItemPage").empty()) s->Add(kProduct, 1.0, "ItemPage structured data");
  if (const std::string t = any({"HowTo", "BlogPosting", "Article", "NewsArticle", "TechArticle"}); !t.empty())
    s->Add(kGuide, 3.0, t + " structured data");

  // Products: the page's own (top level, or a WebPage's mainEntity) versus products listed in an
  // ItemList (a category grid, or a "related products" list).
  std::vector<const SdItem*> main_products;
  std::size_t listed_products = 0, list_entries = 0;
  const SdItem* list = nullptr;
  for (const auto& top : sd.items) {
    if (!top) continue;
    if (HasType(*top, {"Product", "ProductGroup", "IndividualProduct", "ProductModel"}))
      main_products.push_back(top.get());
    if (HasType(*top, {"WebPage", "ItemPage"}))
      if (const SdItem* m = top->Item("mainEntity"); m && HasType(*m, {"Product", "ProductGroup"}))
        main_products.push_back(m);
  }
  for (const SdItem* l : sd.FindAll("ItemList")) {
    std::size_t entries = 0;
    for (const SdValue& v : *l->Get("itemListElement")) {
      ++entries;
      const SdItem* item = v.item.get();
      if (item && item->IsA("ListItem")) item = item->Item("item");
      if (item && HasType(*item, {"Product", "ProductGroup"})) ++listed_products;
    }
    if (entries == 0) entries = static_cast<std::size_t>(std::max(0.0, std::atof(l->Text("numberOfItems").c_str())));
    if (entries > list_entries) {
      list_entries = entries;
      list = l;
    }
  }
  const std::size_t all_products = sd.FindAll("Product").size();
  bool single_main = false;
  if (main_products.size() == 1 || (main_products.empty() && all_products == 1 && listed_products == 0)) {
    const SdItem* p = main_products.empty() ? sd.FindAll("Product").front() : main_products.front();
    const std::string src = p->source == "microdata" ? "microdata" : "JSON-LD";
    const SdItem* offer = p->Item("offers");
    if (offer && offer->IsA("AggregateOffer")) {
      s->Add(kProduct, 2.0, "one Product " + src + " with an AggregateOffer");
    } else if (offer) {
      s->Add(kProduct, 3.0, "one Product " + src + " with an Offer");
      single_main = true;
    } else {
      s->Add(kProduct, 2.0, "one Product " + src + " without an offer");
      single_main = true;
    }
  } else if (main_products.size() == 2 || (main_products.empty() && all_products == 2 && listed_products == 0)) {
    s->Add(kProduct, 1.0, "two Product items");
  }
  if (listed_products >= 2 || main_products.size() >= 3)
    s->Add(kCategory, 3.0,
           std::to_string(std::max(listed_products, main_products.size())) + " Product items in a list");
  else if (list && list_entries >= 2)
    s->Add(kCategory, single_main ? 1.5 : 3.0,
           "ItemList structured data with " + std::to_string(list_entries) + " entries" +
               (single_main ? " beside one Product" : ""));

  if (f.local.local_business_items >= 2)
    s->Add(kStoreLocator, 3.0, std::to_string(f.local.local_business_items) + " LocalBusiness/Store items");
  else if (f.local.local_business_items == 1)
    s->Add(kStoreLocator, 1.5, "a LocalBusiness/Store item");
}

void TemplateSignals(const DomCues& dom, Scores* s) {
  for (const Template& t : kBodyClasses)
    if (std::find(dom.body_tokens.begin(), dom.body_tokens.end(), t.token) != dom.body_tokens.end()) {
      s->Add(t.type, 2.0, std::string("page template <body class> ") + t.token);
      return;
    }
  for (const Template& t : kBodyIds)
    if (dom.body_id == t.token) {
      s->Add(t.type, 2.0, std::string("page template <body id> ") + t.token);
      return;
    }
}

void FurnitureSignals(const html::Document& doc, const DomCues& dom, const PageFacts& f, const Context& ctx,
                      const Lexicon& lex, Scores* s) {
  const std::string related = FirstIn(dom.headings, lex, "related_products");
  const double grid_factor = related.empty() ? 1.0 : 0.5;
  const std::string suffix = related.empty() ? "" : " (page has " + Quote(related) + ")";
  // A listing (category grid or search results) supports both types; search-only cues decide.
  auto listing = [&](double weight, const std::string& evidence) {
    s->Add(kCategory, weight, evidence);
    s->Add(kSearch, weight / 2, evidence);
  };

  // Product. Add-to-cart buttons on four or more cards are a product grid, not a product page
  // (unless the extra ones sit in a "related products" strip).
  if (dom.add_to_cart_buttons >= 4 && related.empty())
    listing(1.0, std::to_string(dom.add_to_cart_buttons) + " add-to-cart buttons (a product grid)");
  else if (f.commerce.add_to_cart)
    s->Add(kProduct, 1.5,
           "add-to-cart control" +
               (f.commerce.add_to_cart_evidence.empty() ? "" : " " + Quote(f.commerce.add_to_cart_evidence)));
  if (dom.og_type == "product" || dom.og_type == "og:product" || dom.og_type == "product.item")
    s->Add(kProduct, 1.5, "og:type " + dom.og_type);
  if (dom.og_type == "article") s->Add(kGuide, 1.5, "og:type article");

  // Category: sort/filter controls, many product links and prices (unless they sit under a
  // "related products" heading of a product page).
  if (const std::string w = FirstIn(dom.controls, lex, "listing_controls"); !w.empty())
    listing(1.5, "sort/filter controls " + Quote(w));
  else if (dom.sort_select)
    listing(1.5, "a sort-order select");
  // The folded paths of the internal links, read once for the product-link and checkout-link cues.
  std::vector<std::pair<const Link*, std::string>> internal;
  for (const Link& l : f.links.links)
    if (l.kind == LinkKind::kInternal) internal.emplace_back(&l, FoldedPath(l.href));
  {
    const std::string self = FoldedPath(f.http.final_url);
    const Lexicon::Cue url_product = lex.Find("url_product");
    std::unordered_set<std::string_view> product_links;  // a category page may link hundreds
    for (const auto& [l, p] : internal) {
      if (p.empty() || p == self) continue;
      if (url_product.Matches(p)) product_links.insert(p);
    }
    if (product_links.size() >= 4)
      listing(1.5 * grid_factor, std::to_string(product_links.size()) + " links to product pages" + suffix);
    // Prices in the main landmark (else the body), from the page text ExtractPage read if it did.
    std::string storage;
    std::string_view scope_text;
    if (ctx.folded_visible_text != nullptr) {
      scope_text = dom.main ? ctx.folded_main_text : std::string_view(*ctx.folded_visible_text);
    } else {
      storage = html::FoldedVisibleText(dom.main ? dom.main : (dom.body ? dom.body : doc.root()), kMainTextBytes);
      scope_text = storage;
    }
    const std::size_t prices = CountPrices(scope_text);
    if (prices >= 6) listing(1.0 * grid_factor, std::to_string(prices) + " prices on the page" + suffix);
  }

  // Account: a visible password field.
  // Checkout: address and payment-card autocomplete fields.
  // Cart: quantity inputs.
  bool password = false;
  std::vector<std::string> address_tokens;
  std::string card_token;
  std::size_t quantity_inputs = 0;
  for (const Form& form : f.forms.forms) {
    for (const FormControl& c : form.controls) {
      if (!c.visible || c.disabled) continue;
      if (c.type == "password") password = true;
      for (const std::string& tok : text::SplitTrimmed(text::AsciiLower(c.autocomplete), ' ')) {
        if (tok == "street-address" || tok == "address-line1" || tok == "address-line2" || tok == "address-line3" ||
            tok == "postal-code" || tok == "address-level1" || tok == "address-level2" || tok == "country")
          if (std::find(address_tokens.begin(), address_tokens.end(), tok) == address_tokens.end())
            address_tokens.push_back(tok);
        if (tok == "cc-number" || tok == "cc-exp" || tok == "cc-csc" || tok == "cc-name" || tok == "cc-exp-month")
          if (card_token.empty()) card_token = tok;
      }
      const std::string names = text::AsciiLower(c.name + " " + c.id);
      if (card_token.empty() && (text::Contains(names, "cardnumber") || text::Contains(names, "card_number") ||
                                 text::Contains(names, "card-number") || text::Contains(names, "ccnumber")))
        card_token = "card number";
      if (c.tag == "input" && (c.type == "number" || c.type == "text" || c.type == "tel") &&
          (text::Contains(names, "qty") || text::Contains(names, "quantity") || text::Contains(names, "updates[") ||
           lex.Matches("quantity", text::FoldCase(c.label))))
        ++quantity_inputs;
    }
  }
  if (password) s->Add(kAccount, 2.5, "a password field");
  if (address_tokens.size() >= 3)
    s->Add(kCheckout, 2.5,
           std::to_string(address_tokens.size()) + " address fields (autocomplete " + address_tokens.front() + " ...)");
  if (!card_token.empty()) s->Add(kCheckout, 3.0, "a payment-card field (" + card_token + ")");
  if (dom.step_indicator) s->Add(kCheckout, 1.5, "a step indicator (aria-current=step)");
  {
    std::vector<std::string> step_texts = dom.h1;
    step_texts.insert(step_texts.end(), dom.headings.begin(), dom.headings.end());
    step_texts.insert(step_texts.end(), dom.legends.begin(), dom.legends.end());
    if (const std::string w = FirstIn(step_texts, lex, "checkout_step"); !w.empty())
      s->Add(kCheckout, 1.0, "checkout step heading " + Quote(w));
  }
  if (quantity_inputs > 0) s->Add(kCart, 1.0, std::to_string(quantity_inputs) + " quantity input(s)");
  {
    bool checkout_link = false;
    const Lexicon::Cue url_checkout = lex.Find("url_checkout"), checkout = lex.Find("checkout");
    for (const auto& [l, p] : internal) {
      if (url_checkout.Matches(p) || checkout.Equals(text::FoldCase(text::CollapseWhitespace(l->text)))) {
        checkout_link = true;
        break;
      }
    }
    if (!checkout_link)
      for (const std::string& t : dom.controls)
        if (t.size() <= 60 && lex.Matches("checkout", t)) {
          checkout_link = true;
          break;
        }
    if (checkout_link) s->Add(kCart, 1.0, "a link or button to the checkout");
  }

  // Store locator and FAQ furniture.
  if (f.links.maps > 0) s->Add(kStoreLocator, 1.0, std::to_string(f.links.maps) + " map link(s)");
  if (f.local.store_locator_cue) s->Add(kStoreLocator, 0.5, "a store-locator phrase on the page");
  if (f.faq.has_faq_heading && f.faq.visible.size() >= 3)
    s->Add(kFaq, 1.0, std::to_string(f.faq.visible.size()) + " visible questions under an FAQ heading");
  if (f.media.guide_cue) s->Add(kGuide, 0.5, "a guide phrase in a heading");
}

double Round2(double v) { return std::round(v * 100) / 100; }

}  // namespace

const std::vector<std::string>& PageTypes() {
  static const std::vector<std::string> kTypes(kTypeNames.begin(), kTypeNames.end());
  return kTypes;
}

PageTypeGuess ClassifyPage(const html::Document& doc, const PageFacts& facts, const Context& ctx) {
  const Lexicon& lex = ctx.lexicon ? *ctx.lexicon : Lexicon::Default();
  const DomCues dom = ReadDom(doc, lex);
  Scores s;
  UrlSignals(facts, lex, &s);
  StructuredDataSignals(facts, &s);
  TemplateSignals(dom, &s);
  HeadlineCue(dom, facts, lex, "cart", kCart, 2.5, 1.5, "cart phrase", &s);
  HeadlineCue(dom, facts, lex, "faq_heading", kFaq, 2.5, 1.5, "FAQ phrase", &s);
  HeadlineCue(dom, facts, lex, "search_results", kSearch, 2.5, 2.0, "search-results phrase", &s);
  HeadlineCue(dom, facts, lex, "account", kAccount, 2.0, 1.5, "sign-in/account phrase", &s);
  HeadlineCue(dom, facts, lex, "checkout", kCheckout, 2.0, 1.5, "checkout phrase", &s);
  HeadlineCue(dom, facts, lex, "store_locator", kStoreLocator, 2.0, 1.5, "store-locator phrase", &s);
  HeadlineCue(dom, facts, lex, "guide", kGuide, 1.5, 1.0, "guide phrase", &s);
  FurnitureSignals(doc, dom, facts, ctx, lex, &s);
  SearchBoxSignal(dom, facts, &s);

  Type best = kOther;
  double s1 = 0, s2 = 0;
  for (Type t : kTieOrder) {
    const double v = s.Score(t);
    if (best == kOther || v > s1) {
      if (best != kOther) s2 = std::max(s2, s1);
      best = t;
      s1 = v;
    } else {
      s2 = std::max(s2, v);
    }
  }

  PageTypeGuess g;
  if (s1 < kMinScore) {
    g.type = "other";
    g.confidence = Round2(0.3 * (1 - s1 / kMinScore));
    g.evidence.push_back("no page-type signal strong enough");
    if (s1 > 0)
      for (std::string& e : s.Evidence(best, 2))
        g.evidence.push_back("weak " + std::string(kTypeNames[best]) + ": " + e);
    return g;
  }
  const double strength = 1 - std::exp(-s1 / 4);
  const double margin = (s1 - s2) / s1;
  g.type = kTypeNames[best];
  g.confidence = Round2(std::clamp(strength * (0.4 + 0.6 * margin), 0.0, 1.0));
  g.evidence = s.Evidence(best, kMaxEvidence);
  return g;
}

bool ParsePageTypeOverride(std::string_view spec, PageTypeOverride* out, std::string* error) {
  const std::size_t eq = spec.rfind('=');
  if (eq == std::string_view::npos) {
    *error = "expected PATTERN=TYPE, e.g. \"/produkt/*=product\"";
    return false;
  }
  const std::string_view pattern = text::Trim(spec.substr(0, eq));
  const std::string type = text::AsciiLower(text::Trim(spec.substr(eq + 1)));
  if (pattern.empty()) {
    *error = "empty pattern before \"=\"; expected PATTERN=TYPE, e.g. \"/produkt/*=product\"";
    return false;
  }
  const auto& types = PageTypes();
  if (std::find(types.begin(), types.end(), type) == types.end()) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
    *error = "unknown page type \"" + type + "\"; expected one of " + list;
    return false;
  }
  out->pattern = std::string(pattern);
  out->type = type;
  return true;
}

}  // namespace mmaudit::facts
