// Structured-data validation (see sd_validation.h). Items are visited in one iterative pre-order
// walk, so a Product is met before its Offers: the validators of the outer types mark the nested
// items they have checked, and those are not checked again on their own. The nested validators
// only follow fixed property paths (Product → offers → priceSpecification), so their depth does
// not depend on the input.
#include "facts/sd_validation.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>

#include "core/embedded.h"
#include "core/text.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kQuoteCodePoints = 60;  // page texts quoted in messages are cut to this

std::string Quote(std::string_view s) {
  return "\"" + text::Truncate(text::CollapseWhitespace(s), kQuoteCodePoints) + "\"";
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A plain number: optional sign, digits, optional dot and digits ("12.50", "4", "-1", "4.").
std::optional<double> PlainNumber(std::string_view s) {
  s = text::Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  std::size_t i = s.front() == '-' ? 1 : 0, digits = 0, dots = 0;
  for (std::size_t j = i; j < s.size(); ++j) {
    if (s[j] >= '0' && s[j] <= '9') ++digits;
    else if (s[j] == '.' && ++dots == 1) continue;
    else return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  double v = 0;
  const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc() || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The first value of `name` that is a literal, as text; "" when none.
std::string Literal(const SdItem& item, const std::string& name) {
  for (const SdValue& v : *item.Get(name))
    if (!v.item) return std::string(text::Trim(v.text));
  return {};
}

// True when `name` has a non-empty literal or a nested item.
bool Present(const SdItem& item, const std::string& name) {
  for (const SdValue& v : *item.Get(name))
    if (v.item || !text::Trim(v.text).empty()) return true;
  return false;
}

class Validator {
 public:
  explicit Validator(std::vector<SdIssue>* out) : out_(out) {}

  void Run(const StructuredData& sd) {
    std::unordered_set<const SdItem*> top;
    for (const auto& item : sd.items)
      if (item) top.insert(item.get());
    std::vector<const SdItem*> stack;
    std::unordered_set<const SdItem*> seen;
    for (auto it = sd.items.rbegin(); it != sd.items.rend(); ++it)
      if (*it) stack.push_back(it->get());
    while (!stack.empty()) {
      const SdItem* item = stack.back();
      stack.pop_back();
      if (!seen.insert(item).second) continue;
      if (!covered_.count(item)) Validate(*item, top.count(item) > 0);
      for (auto p = item->properties.rbegin(); p != item->properties.rend(); ++p)
        for (auto v = p->second.rbegin(); v != p->second.rend(); ++v)
          if (v->item) stack.push_back(v->item.get());
    }
  }

 private:
  // Who is being validated: the outer item (type and where of the issues) and the path prefix.
  struct Scope {
    const SdItem* root;
    std::string type;
    std::string prefix;  // "" or "offers." ...
  };

  void Add(const Scope& s, const char* severity, const std::string& property, std::string message) {
    out_->push_back(SdIssue{severity, s.type, s.prefix + property, SdItemWhere(*s.root), std::move(message)});
  }
  void Required(const Scope& s, const SdItem& item, const std::string& name, const std::string& why = {}) {
    if (!Present(item, name)) Add(s, "error", name, "required property missing" + why);
  }
  void Recommended(const Scope& s, const SdItem& item, const std::string& name) {
    if (!Present(item, name)) Add(s, "warning", name, "recommended property missing");
  }
  Scope Nested(const Scope& s, const std::string& property) const {
    return Scope{s.root, s.type, s.prefix + property + "."};
  }

  void Validate(const SdItem& item, bool top_level) {
    Scope s{&item, {}, {}};
    if (item.IsA("Product")) {
      s.type = "Product";
      Product(s, item);
    } else if (item.IsA("BreadcrumbList")) {
      s.type = "BreadcrumbList";
      Breadcrumbs(s, item);
    } else if (item.IsA("FAQPage")) {
      s.type = "FAQPage";
      Faq(s, item);
    } else if (top_level && std::any_of(item.types.begin(), item.types.end(),
                                        [](const std::string& t) { return IsLocalBusinessType(t); })) {
      s.type = "LocalBusiness";
      LocalBusiness(s, item);
    } else if (top_level && item.IsA("Organization")) {
      s.type = "Organization";
      Recommended(s, item, "logo");
      Recommended(s, item, "url");
    } else if (item.IsA("Offer") || item.IsA("AggregateOffer")) {
      s.type = item.IsA("AggregateOffer") ? "AggregateOffer" : "Offer";
      Offer(s, item, false);
    } else if (item.IsA("AggregateRating")) {
      s.type = "AggregateRating";
      Rating(s, item, true);
    } else if (item.IsA("Review")) {
      s.type = "Review";
      Review(s, item, true);
    }
  }

  void Product(const Scope& s, const SdItem& p) {
    Required(s, p, "name");
    const bool merchant = Present(p, "offers");
    if (!merchant && !Present(p, "review") && !Present(p, "aggregateRating"))
      Add(s, "error", "offers", "required property missing: a Product needs offers, review or aggregateRating");
    if (merchant) {
      Required(s, p, "image", " (required for a merchant listing)");
      Recommended(s, p, "brand");
      static const char* kIds[] = {"gtin", "gtin8", "gtin12", "gtin13", "gtin14", "isbn", "mpn", "sku"};
      if (std::none_of(std::begin(kIds), std::end(kIds), [&](const char* k) { return Present(p, k); }))
        Add(s, "warning", "gtin", "recommended property missing: no product identifier (gtin, mpn or sku)");
      Recommended(s, p, "aggregateRating");
      Recommended(s, p, "review");
    }
    ForEachItem(s, p, "offers", "Offer", [&](const Scope& n, const SdItem& o) { Offer(n, o, merchant); });
    ForEachItem(s, p, "aggregateRating", "AggregateRating", [&](const Scope& n, const SdItem& r) { Rating(n, r, false); });
    ForEachItem(s, p, "review", "Review", [&](const Scope& n, const SdItem& r) { Review(n, r, false); });
  }

  // Runs `fn` on each nested item of `name` (marking it checked); a literal where an item belongs
  // is an error.
  template <typename Fn>
  void ForEachItem(const Scope& s, const SdItem& item, const std::string& name, const char* expected, Fn fn) {
    for (const SdValue& v : *item.Get(name)) {
      if (!v.item) {
        if (!text::Trim(v.text).empty())
          Add(s, "error", name, "should be a nested " + std::string(expected) + ", not the text " + Quote(v.text));
        continue;
      }
      covered_.insert(v.item.get());
      fn(Nested(s, name), *v.item);
    }
  }

  void Offer(const Scope& s, const SdItem& o, bool merchant) {
    const SdItem* spec = o.Item("priceSpecification");
    auto value_of = [&](const std::string& name, std::string* property) {
      *property = name;
      std::string v = Literal(o, name);
      if (v.empty() && spec != nullptr && !(v = Literal(*spec, name)).empty()) *property = "priceSpecification." + name;
      return v;
    };
    std::string property;
    if (o.IsA("AggregateOffer")) {
      const std::string low = value_of("lowPrice", &property);
      if (low.empty()) Add(s, "error", "lowPrice", "required property missing");
      else Price(s, property, low, merchant);
      const std::string high = Literal(o, "highPrice");
      if (high.empty()) Add(s, "warning", "highPrice", "recommended property missing");
      else Price(s, "highPrice", high, merchant);
      Currency(s, value_of("priceCurrency", &property), property, true);
      Recommended(s, o, "offerCount");
      return;
    }
    const std::string price = value_of("price", &property);
    if (price.empty()) Add(s, "error", "price", "required property missing");
    else Price(s, property, price, merchant);
    Currency(s, value_of("priceCurrency", &property), property, merchant);
    const std::string availability = Present(o, "availability") ? o.Text("availability") : std::string();
    if (availability.empty()) Add(s, "warning", "availability", "recommended property missing");
    else if (ItemAvailabilityName(availability).empty())
      Add(s, "error", "availability", Quote(availability) + " is not a schema.org ItemAvailability value (e.g. https://schema.org/InStock)");
    Recommended(s, o, "priceValidUntil");
    if (merchant) {
      Recommended(s, o, "itemCondition");
      Recommended(s, o, "shippingDetails");
      Recommended(s, o, "hasMerchantReturnPolicy");
    }
  }

  void Price(const Scope& s, const std::string& property, const std::string& v, bool merchant) {
    if (const auto n = PlainNumber(v)) {
      if (merchant && *n <= 0) Add(s, "error", property, "must be greater than 0 for a merchant listing, not " + Quote(v));
      else if (*n < 0) Add(s, "error", property, "must not be negative: " + Quote(v));
      return;
    }
    const std::size_t comma = v.find(',');
    const bool digits_only_but_comma = std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == ',' || c == '.'; });
    if (digits_only_but_comma && comma != std::string::npos && v.find(',', comma + 1) == std::string::npos &&
        v.find('.') == std::string::npos && v.size() - comma - 1 <= 2 && comma > 0) {
      std::string dotted = v;
      dotted[comma] = '.';
      Add(s, "error", property, Quote(v) + " uses a decimal comma; schema.org prices use a dot: \"" + dotted + "\"");
    } else if (digits_only_but_comma && comma != std::string::npos) {
      Add(s, "error", property, Quote(v) + " has thousands separators; write the plain number with a dot for decimals, e.g. \"1299.00\"");
    } else {
      Add(s, "error", property, Quote(v) + " is not a number; write it as e.g. \"12.50\" and the currency in priceCurrency");
    }
  }

  void Currency(const Scope& s, const std::string& v, const std::string& property, bool required) {
    if (v.empty()) {
      if (required) Add(s, "error", "priceCurrency", "required property missing");
      else Add(s, "warning", "priceCurrency", "recommended property missing");
    } else if (!IsIso4217Currency(v)) {
      Add(s, "error", property, Quote(v) + " is not an ISO 4217 currency code (e.g. \"EUR\", \"PLN\")");
    }
  }

  // A rating's ratingValue within [worstRating, bestRating] (defaults 1 and 5).
  void RatingValue(const Scope& s, const SdItem& r) {
    const std::string value = Literal(r, "ratingValue");
    if (value.empty()) {
      Add(s, "error", "ratingValue", "required property missing");
      return;
    }
    double bounds[2] = {1, 5};
    const char* names[2] = {"worstRating", "bestRating"};
    for (int i = 0; i < 2; ++i) {
      const std::string b = Literal(r, names[i]);
      if (b.empty()) continue;
      if (const auto n = PlainNumber(b)) bounds[i] = *n;
      else Add(s, "error", names[i], Quote(b) + " is not a number");
    }
    const auto n = PlainNumber(value);
    if (!n) Add(s, "error", "ratingValue", Quote(value) + " is not a number (use a dot for decimals)");
    else if (*n < bounds[0] || *n > bounds[1])
      Add(s, "error", "ratingValue", Num(*n) + " is outside the rating scale " + Num(bounds[0]) + " to " + Num(bounds[1]));
  }

  void Rating(const Scope& s, const SdItem& r, bool standalone) {
    RatingValue(s, r);
    if (!Present(r, "ratingCount") && !Present(r, "reviewCount")) {
      Add(s, "error", "ratingCount", "required property missing: ratingCount or reviewCount");
    } else {
      for (const char* name : {"ratingCount", "reviewCount"}) {
        const std::string v = Literal(r, name);
        const auto n = PlainNumber(v);
        if (!v.empty() && (!n || *n < 0 || std::floor(*n) != *n))
          Add(s, "error", name, Quote(v) + " is not a whole number");
      }
    }
    if (standalone) Required(s, r, "itemReviewed", " (a standalone rating must say what it rates)");
  }

  void Review(const Scope& s, const SdItem& r, bool standalone) {
    Required(s, r, "author");
    if (const SdItem* author = r.Item("author"); author != nullptr && !Present(*author, "name"))
      Add(s, "error", "author.name", "required property missing");
    const SdItem* rating = r.Item("reviewRating");
    if (rating == nullptr) {
      Add(s, "error", "reviewRating", "required property missing");
    } else {
      covered_.insert(rating);
      RatingValue(Nested(s, "reviewRating"), *rating);
    }
    Recommended(s, r, "datePublished");
    if (standalone) Required(s, r, "itemReviewed", " (a standalone review must say what it reviews)");
  }

  void Breadcrumbs(const Scope& s, const SdItem& list) {
    const std::vector<SdValue>& elements = *list.Get("itemListElement");
    if (elements.empty()) {
      Add(s, "error", "itemListElement", "required property missing");
      return;
    }
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const std::string at = "itemListElement[" + std::to_string(i + 1) + "]";
      const SdItem* li = elements[i].item.get();
      if (li == nullptr) {
        Add(s, "error", at, "should be a ListItem, not the text " + Quote(elements[i].text));
        continue;
      }
      covered_.insert(li);
      const Scope n = Nested(s, at);
      const std::string position = Literal(*li, "position");
      if (position.empty()) {
        Add(n, "error", "position", "required property missing");
      } else {
        const auto v = PlainNumber(position);
        if (!v || std::floor(*v) != *v || *v < 1) Add(n, "error", "position", Quote(position) + " is not a whole number from 1");
      }
      const SdItem* target = li->Item("item");
      if (!Present(*li, "name") && (target == nullptr || !Present(*target, "name")))
        Add(n, "error", "name", "required property missing");
      if (!Present(*li, "item") && i + 1 < elements.size())
        Add(n, "error", "item", "required property missing (only the last ListItem may leave it out)");
      if (target != nullptr) covered_.insert(target);
    }
  }

  void LocalBusiness(const Scope& s, const SdItem& b) {
    Required(s, b, "name");
    Required(s, b, "address");
    Recommended(s, b, "geo");
    if (!Present(b, "openingHoursSpecification") && !Present(b, "openingHours"))
      Add(s, "warning", "openingHoursSpecification", "recommended property missing");
    Recommended(s, b, "telephone");
    Recommended(s, b, "url");
  }

  void Faq(const Scope& s, const SdItem& page) {
    const std::vector<SdValue>& questions = *page.Get("mainEntity");
    if (questions.empty()) {
      Add(s, "error", "mainEntity", "required property missing");
      return;
    }
    for (std::size_t i = 0; i < questions.size(); ++i) {
      const std::string at = "mainEntity[" + std::to_string(i + 1) + "]";
      const SdItem* q = questions[i].item.get();
      if (q == nullptr || !q->IsA("Question")) {
        Add(s, "error", at, "should be a Question");
        continue;
      }
      covered_.insert(q);
      const Scope n = Nested(s, at);
      Required(n, *q, "name");
      const SdItem* answer = q->Item("acceptedAnswer");
      if (answer == nullptr) {
        Add(n, "error", "acceptedAnswer", "required property missing");
        continue;
      }
      covered_.insert(answer);
      if (!Present(*answer, "text")) Add(n, "error", "acceptedAnswer.text", "required property missing");
    }
  }

  std::vector<SdIssue>* out_;
  std::unordered_set<const SdItem*> covered_;
};

std::set<std::string, std::less<>> LoadCurrencies() {
  std::set<std::string, std::less<>> out;
  const auto data = embedded::Find("rules/reference/iso4217.json");
  if (!data) return out;
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(data->data(), data->size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("codes") || !d["codes"].IsArray()) return out;
  for (const auto& c : d["codes"].GetArray())
    if (c.IsString()) out.emplace(c.GetString(), c.GetStringLength());
  return out;
}

}  // namespace

std::vector<SdIssue> ValidateStructuredData(const StructuredData& sd) {
  std::vector<SdIssue> out;
  Validator(&out).Run(sd);
  return out;
}

std::vector<SdIssue> CheckSdConsistency(const StructuredData& sd, const CommerceFacts& commerce,
                                        const ReviewFacts& reviews) {
  std::vector<SdIssue> out;
  const std::vector<const SdItem*> products = sd.FindAll("Product");
  const std::string where = products.empty() ? std::string() : SdItemWhere(*products.front());
  if (commerce.price && commerce.visible_price_value) {
    const double a = *commerce.price, b = *commerce.visible_price_value;
    if (std::abs(a - b) > 0.01 * std::max(std::abs(a), std::abs(b)))
      out.push_back({"warning", "Product", "offers.price", where,
                     "the markup price " + Num(a) + " differs from the first price shown on the page, " + Num(b) +
                         " (by more than 1%)"});
  }
  if (reviews.rating_value && reviews.visible_rating_value) {
    const double best = reviews.best_rating.value_or(5);
    const double scale = reviews.visible_rating_scale.value_or(5);
    const double shown = scale > 0 ? *reviews.visible_rating_value * best / scale : *reviews.visible_rating_value;
    if (std::abs(shown - *reviews.rating_value) > 0.1)
      out.push_back({"warning", "AggregateRating", "ratingValue", where,
                     "the markup rating " + Num(*reviews.rating_value) + " of " + Num(best) +
                         " differs from the rating shown on the page, " + Num(*reviews.visible_rating_value) + " of " +
                         Num(scale)});
  }
  return out;
}

std::string SdItemWhere(const SdItem& item) {
  std::string where;
  if (item.block == 0) where = "item";
  else where = (item.source == "microdata" ? "microdata item " : "JSON-LD block ") + std::to_string(item.block);
  if (!item.id.empty()) return where + " (@id " + Quote(item.id) + ")";
  const std::string name = Literal(item, "name");
  if (!name.empty()) return where + " (" + Quote(name) + ")";
  return where;
}

bool IsLocalBusinessType(std::string_view t) {
  static const char* kTypes[] = {"LocalBusiness", "Store", "ClothingStore", "ShoeStore", "SportingGoodsStore",
                                 "ElectronicsStore", "HardwareStore", "HomeGoodsStore", "FurnitureStore",
                                 "GroceryStore", "DepartmentStore", "BikeStore", "BookStore", "ComputerStore",
                                 "ConvenienceStore", "GardenStore", "JewelryStore", "MobilePhoneStore",
                                 "OutletStore", "PetStore", "ToyStore", "AutoPartsStore", "Pharmacy",
                                 "Restaurant", "AutomotiveBusiness", "HealthAndBeautyBusiness"};
  for (const char* k : kTypes)
    if (t == k) return true;
  return false;
}

bool IsIso4217Currency(std::string_view code) {
  static const std::set<std::string, std::less<>> kCodes = LoadCurrencies();
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
    return false;
  return kCodes.empty() || kCodes.count(code) > 0;
}

std::string ItemAvailabilityName(std::string_view value) {
  static const char* kValues[] = {"BackOrder",    "Discontinued", "InStock",  "InStoreOnly", "LimitedAvailability",
                                  "MadeToOrder",  "OnlineOnly",   "OutOfStock", "PreOrder",  "PreSale",
                                  "Reserved",     "SoldOut"};
  std::string_view s = text::Trim(value);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  for (std::string_view prefix : {"http://schema.org/", "https://schema.org/", "http://www.schema.org/",
                                  "https://www.schema.org/", "schema:"})
    if (s.size() > prefix.size() && text::AsciiLower(s.substr(0, prefix.size())) == prefix) {
      s.remove_prefix(prefix.size());
      break;
    }
  for (const char* v : kValues)
    if (s == v) return v;
  return {};
}

}  // namespace mmaudit::facts
