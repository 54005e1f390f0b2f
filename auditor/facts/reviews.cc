// ExtractReviews: ratings and reviews as markup declares them and as the DOM shows them.
//
// Visible review blocks are counted with this heuristic:
//  - A *candidate* is an element that is a microdata Review (itemprop token "review", or an
//    itemtype naming schema.org/Review) - a strong candidate - or whose class token or id names
//    ONE review: "review", "product-review", "spr-review", "woocommerce-review", "review-item",
//    "reviews__item", "review-card", "review-123", "review--featured", plus the known
//    "comment_container" (WooCommerce) and "jdgm-rev" (Judge.me). Plural wrappers ("reviews",
//    "product-reviews", "reviews-list") and parts ("review__author", "preview") are not candidates.
//  - A candidate is a review block when it is strong, or when some descendant carries an author or
//    rating marker: itemprop author / reviewRating / ratingValue, or a class or id containing
//    "author", "rating", "star", "reviewer", "nickname" or "username". This drops empty
//    placeholders and wrappers that only happen to be called "review".
//  - Only innermost blocks count: a block with another block inside it is a wrapper.
// Subtrees hidden by their own markup (hidden, aria-hidden, display:none), <template> and
// <script> are skipped. The blocks are counted in one iterative walk: markers and inner blocks are
// propagated from a closing candidate to the nearest open one, so the cost stays linear however
// deeply the page nests. The "no reviews yet" cue is looked for in html::VisibleText.
#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kTextBudget = 1'000'000;       // nodes visited by all heading-text reads
constexpr std::size_t kHeadingTextBytes = 1024;

// Lower-case class tokens plus the id: the names a stylesheet knows the element by.
std::vector<std::string> Names(const GumboNode* n) {
  std::vector<std::string> out = text::SplitTrimmed(text::AsciiLower(html::AttrOr(n, "class")), ' ');
  const std::string id = text::AsciiLower(text::Trim(html::AttrOr(n, "id")));
  if (!id.empty()) out.push_back(id);
  return out;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// True when a class token / id names a single review (see the heuristic at the top).
bool NamesOneReview(std::string_view token) {
  if (token == "comment_container" || token == "jdgm-rev") return true;
  const std::size_t pos = token.find("review");
  if (pos == std::string_view::npos) return false;
  if (pos > 0 && token[pos - 1] != '-' && token[pos - 1] != '_') return false;  // "preview"
  std::string_view rest = token.substr(pos + 6);
  if (const std::size_t modifier = rest.find("--"); modifier != std::string_view::npos)
    rest = rest.substr(0, modifier);  // BEM modifier: "review--featured"
  const bool plural = text::StartsWith(rest, "s");
  if (plural) rest.remove_prefix(1);
  if (rest.empty()) return !plural;
  for (std::string_view suffix : {"-item", "_item", "__item", "-card", "__card", "-entry", "__entry", "-list-item",
                                  "-list__item", "_list_item"})
    if (rest == suffix) return true;
  return (rest[0] == '-' || rest[0] == '_') && AllDigits(rest.substr(1));  // id="review-123"
}

bool HasItempropToken(const GumboNode* n, std::initializer_list<std::string_view> tokens) {
  const auto itemprop = html::Attr(n, "itemprop");
  if (!itemprop) return false;
  for (const std::string& t : text::SplitTrimmed(text::AsciiLower(*itemprop), ' '))
    for (std::string_view want : tokens)
      if (t == want) return true;
  return false;
}

bool IsStrongCandidate(const GumboNode* n) {
  if (HasItempropToken(n, {"review"})) return true;
  const std::string itemtype = text::AsciiLower(html::AttrOr(n, "itemtype"));
  return text::EndsWith(text::Trim(itemtype), "schema.org/review");
}

bool IsMarker(const GumboNode* n, const std::vector<std::string>& names) {
  if (HasItempropToken(n, {"author", "reviewrating", "ratingvalue"})) return true;
  for (const std::string& name : names)
    for (std::string_view cue : {"author", "rating", "star", "reviewer", "nickname", "username"})
      if (text::Contains(name, cue)) return true;
  return false;
}

// "4,6" -> 4.6, "4.6/5" -> 4.6, "3" -> 3.
std::optional<double> ParseRating(std::string_view s) {
  std::string t(text::Trim(s));
  for (char& c : t)
    if (c == ',') c = '.';
  double v = 0;
  const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (res.ec != std::errc() || res.ptr == t.data()) return std::nullopt;
  return v;
}

// "1 234", "1,234", "1234", "12.0" -> whole counts; grouping spaces, commas and apostrophes go.
std::optional<long> ParseCount(std::string_view s) {
  std::string t;
  for (char c : text::CollapseWhitespace(s))
    if (c != ' ' && c != ',' && c != '\'') t += c;
  long v = 0;
  const auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  if (res.ec != std::errc() || res.ptr == t.data()) return std::nullopt;
  return v;
}

// A rating number at s[i]: "4", "4.5", "4,5" (one or two digits, one decimal part). Sets *end.
std::optional<double> RatingNumberAt(std::string_view s, std::size_t i, std::size_t* end) {
  auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (!digit(i) || (i > 0 && (digit(i - 1) || s[i - 1] == '.' || s[i - 1] == ','))) return std::nullopt;
  std::size_t j = i;
  while (digit(j)) ++j;
  if (j - i > 3) return std::nullopt;
  std::string num(s.substr(i, j - i));
  if (j + 1 < s.size() && (s[j] == '.' || s[j] == ',') && digit(j + 1)) {
    num += '.';
    for (++j; digit(j); ++j) num += s[j];
  }
  double v = 0;
  if (std::from_chars(num.data(), num.data() + num.size(), v).ec != std::errc()) return std::nullopt;
  *end = j;
  return v;
}

}  // namespace

std::optional<std::pair<double, double>> FindVisibleRating(std::string_view s) {
  static constexpr std::string_view kStars[] = {"\xE2\x98\x85", "\xE2\x98\x86"};  // ★ ☆
  static constexpr std::string_view kOf[] = {"/", "out of", "von", "sur", "из", "na", "de"};
  auto skip_space = [&](std::size_t k) { return k < s.size() && s[k] == ' ' ? k + 1 : k; };
  for (std::size_t i = text::FindByteInRange(s, 0, '0', '9'); i < s.size();
       i = text::FindByteInRange(s, i + 1, '0', '9')) {
    std::size_t end = 0;
    const auto value = RatingNumberAt(s, i, &end);
    if (!value) continue;
    // "4.5 out of 5", "4,5/5"
    const std::size_t after = skip_space(end);
    for (std::string_view of : kOf) {
      if (s.substr(after, of.size()) != of) continue;
      std::size_t scale_end = 0;
      const std::size_t at = skip_space(after + of.size());
      const auto scale = RatingNumberAt(s, at, &scale_end);
      const bool followed = scale_end < s.size() && (s[scale_end] == '/' || s[scale_end] == '.' || s[scale_end] == ',') &&
                            scale_end + 1 < s.size() && s[scale_end + 1] >= '0' && s[scale_end + 1] <= '9';
      if (scale && !followed && (*scale == 5 || *scale == 10 || *scale == 100) && *value <= *scale)
        return std::make_pair(*value, *scale);
    }
    // "★ 4.5"
    std::size_t before = i > 0 && s[i - 1] == ' ' ? i - 1 : i;
    for (std::string_view star : kStars)
      if (before >= star.size() && s.substr(before - star.size(), star.size()) == star && *value <= 5)
        return std::make_pair(*value, 5.0);
    i = end - 1;
  }
  return std::nullopt;
}

namespace {

const SdItem* MainAggregateRating(const StructuredData& sd) {
  for (const SdItem* product : sd.FindAll("Product"))
    if (const SdItem* rating = product->Item("aggregateRating")) return rating;
  const std::vector<const SdItem*> any = sd.FindAll("AggregateRating");
  return any.empty() ? nullptr : any.front();
}

std::size_t CountMarkupReviews(const StructuredData& sd) {
  std::unordered_set<const SdItem*> reviews;
  for (const char* type : {"Review", "UserReview", "CriticReview"})
    for (const SdItem* r : sd.FindAll(type)) reviews.insert(r);
  return reviews.size();
}

}  // namespace

ReviewFacts ExtractReviews(const html::Document& doc, const StructuredData& sd, const Context& ctx) {
  ReviewFacts f;
  if (const SdItem* rating = MainAggregateRating(sd)) {
    f.rating_value = ParseRating(rating->Text("ratingValue"));
    f.best_rating = ParseRating(rating->Text("bestRating"));
    f.rating_count = ParseCount(rating->Text("ratingCount"));
    f.review_count = ParseCount(rating->Text("reviewCount"));
  }
  f.markup_reviews = CountMarkupReviews(sd);

  struct Open {
    std::size_t depth;
    bool strong;
    bool marker = false;  // an author / rating marker somewhere inside
    bool inner = false;   // a review block somewhere inside
  };
  std::vector<Open> open;  // candidate ancestors of the current node, outermost first
  auto close = [&]() {
    const Open e = open.back();
    open.pop_back();
    const bool block = e.strong || e.marker;
    if (block && !e.inner) ++f.visible_blocks;
    if (!open.empty()) {
      open.back().marker |= e.marker;
      open.back().inner |= block || e.inner;
    }
  };

  const Lexicon& lex = *ctx.lexicon;
  const Lexicon::Cue review_heading = lex.Find("review_heading");
  std::size_t budget = kTextBudget;
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (html::IsNonRendered(n)) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    while (!open.empty() && open.back().depth >= depth) close();
    if (html::IsHiddenSelf(n)) return html::Visit::kSkipChildren;

    if (!f.has_review_heading && html::HeadingLevel(n) > 0)
      f.has_review_heading =
          review_heading.Matches(text::FoldCase(html::BoundedText(n, kHeadingTextBytes, &budget)));

    const std::vector<std::string> names = Names(n);
    if (!open.empty() && IsMarker(n, names)) open.back().marker = true;
    const bool strong = IsStrongCandidate(n);
    if (strong || std::any_of(names.begin(), names.end(), [](const std::string& s) { return NamesOneReview(s); }))
      open.push_back(Open{depth, strong});
    return html::Visit::kContinue;
  });
  while (!open.empty()) close();

  // PageMentions reads the text with a break at every text node, so texts set side by side by CSS
  // ("<span>Reviews</span><span>No reviews yet</span>" in a flex row) do not run together.
  f.no_reviews_text = PageMentions(doc, ctx, "no_reviews");
  std::string storage;
  if (const auto shown = FindVisibleRating(FoldedVisibleText(doc, ctx, &storage))) {
    f.visible_rating_value = shown->first;
    f.visible_rating_scale = shown->second;
  }
  return f;
}

}  // namespace mmaudit::facts
