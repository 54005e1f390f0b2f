// Calibration of the structured-data facts on real product pages: how often the price, currency
// and availability read from markup (facts::CommerceFacts) agree with the human labels of
// ../shared/corpora/product-pages/ground-truth.json, how many Products carry an AggregateRating,
// and what structured-data validation (facts/sd_validation.h) finds, by type.
//
// Usage: mmaudit_sd_corpus_bench [--pages] [--errors] [CORPUS_DIR]
// CORPUS_DIR defaults to ../shared/corpora/product-pages beside the source tree (html/*.html.gz and
// ground-truth.json); when it is absent the program prints "skipped: ../shared/corpora not found"
// and exits 0. --pages prints one row per page, --errors every validation error.
//
// Each page is run through facts::ExtractPage as a 200 text/html response from its labelled URL.
// Agreement is counted among the pages whose label has the field and whose markup carries it:
//  - price: numerically equal (within half a cent) to one of the labelled prices (a label such as
//    "23.450" is read both as 23.45 and as 23450: labels keep the shop's thousands separators);
//  - currency: the ISO code of the markup stands for the labelled sign or code ("$" accepts any
//    dollar, "Rs" any rupee; see kSigns; case is ignored here, the validator is stricter);
//  - availability: both reduced to InStock or OutOfStock (LimitedAvailability, OnlineOnly and
//    InStoreOnly count as in stock; SoldOut and Discontinued as out of stock).

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/gunzip_file.h"
#include "facts/extract.h"
#include "facts/sd_validation.h"

namespace {

namespace fs = std::filesystem;
using mmaudit::facts::PageFacts;

// Labelled currency signs and codes -> the ISO codes that stand for them.
const std::map<std::string, std::set<std::string>>& kSigns() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"€", {"EUR"}}, {"£", {"GBP"}}, {"zł", {"PLN"}}, {"Lei", {"RON"}}, {"Kn", {"HRK"}},
      {"ر.س", {"SAR"}}, {"Rs", {"INR", "PKR", "LKR", "NPR"}},
      {"$", {"USD", "CAD", "AUD", "NZD", "TWD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP"}}};
  return m;
}

bool CurrencyAgrees(const std::string& label, std::string code) {
  for (char& c : code)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');  // "pln" stands for PLN too
  if (label == code) return true;
  const auto it = kSigns().find(label);
  return it != kSigns().end() && it->second.count(code) > 0;
}

std::string Stock(const std::string& availability) {
  const std::string a = mmaudit::facts::ItemAvailabilityName(availability);
  if (a == "InStock" || a == "LimitedAvailability" || a == "OnlineOnly" || a == "InStoreOnly") return "InStock";
  if (a == "OutOfStock" || a == "SoldOut" || a == "Discontinued") return "OutOfStock";
  return a.empty() ? availability : a;
}

// A labelled price as numbers: "119.01" -> {119.01}; "23.450" (one dot or comma, three digits
// after it: thousands in some locales) -> {23.45, 23450}.
std::vector<double> LabelPrices(const std::string& label) {
  std::vector<double> out = {std::stod(label)};
  const std::size_t sep = label.find_first_of(".,");
  if (sep != std::string::npos && label.find_first_of(".,", sep + 1) == std::string::npos && label.size() - sep - 1 == 3) {
    std::string joined = label;
    joined.erase(sep, 1);
    out.push_back(std::stod(joined));
  }
  return out;
}

std::vector<std::string> Strings(const rapidjson::Value& labels, const char* name) {
  std::vector<std::string> out;
  const auto it = labels.FindMember(name);
  if (it == labels.MemberEnd() || !it->value.IsArray()) return out;
  for (const auto& v : it->value.GetArray())
    if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

struct Tally {
  int labelled = 0, in_markup = 0, agree = 0;
  std::vector<std::string> misses;
  void Print(const char* name) const {
    std::printf("| %-12s | %8d | %9d | %5d | %6.1f%% |\n", name, labelled, in_markup, agree,
                in_markup == 0 ? 0.0 : 100.0 * agree / in_markup);
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool per_page = false, list_errors = false;
  fs::path dir = fs::path(MMAUDIT_SOURCE_DIR).parent_path() / "shared/corpora/product-pages";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--pages") per_page = true;
    else if (a == "--errors") list_errors = true;
    else dir = a;
  }
  const fs::path truth_path = dir / "ground-truth.json";
  if (!fs::is_directory(dir / "html") || !fs::is_regular_file(truth_path)) {
    std::printf("skipped: ../shared/corpora not found\n");
    return 0;
  }
  std::ifstream in(truth_path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string truth_text = ss.str();
  rapidjson::Document truth;
  truth.Parse(truth_text.data(), truth_text.size());
  if (truth.HasParseError() || !truth.IsObject()) {
    std::fprintf(stderr, "%s: not a JSON object\n", truth_path.c_str());
    return 1;
  }

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "html"))
    if (e.path().string().size() > 8 && e.path().string().substr(e.path().string().size() - 8) == ".html.gz")
      files.push_back(e.path());
  std::sort(files.begin(), files.end());

  Tally price, currency, availability;
  int pages = 0, product_pages = 0, rated_products = 0, pages_with_issues = 0, visible_prices = 0, visible_agree = 0;
  std::map<std::string, std::pair<int, int>> by_type;  // type -> (errors, warnings)
  std::map<std::string, int> by_property;               // "error Product offers.priceCurrency" -> count
  if (per_page) std::printf("| page | price label | markup | currency label | markup | availability label | markup | issues |\n|---|---|---|---|---|---|---|---|\n");
  for (const fs::path& file : files) {
    const std::string name = file.filename().string();
    const std::string key = name.substr(0, name.size() - 8);
    const auto labels_it = truth.FindMember(key.c_str());
    if (labels_it == truth.MemberEnd()) continue;
    const rapidjson::Value& labels = labels_it->value;
    mmaudit::fetch::Response r;
    r.requested_url = r.final_url = labels.HasMember("url") && labels["url"].IsString() ? labels["url"].GetString() : "";
    r.status = 200;
    r.headers = {{"content-type", "text/html"}};
    r.body = mmaudit::bench::GunzipFile(file.string());
    r.decoded_bytes = r.body.size();
    mmaudit::facts::ExtractOptions options;
    options.find_subresources = false;
    const PageFacts f = mmaudit::facts::ExtractPage(r, options);
    ++pages;
    const std::string short_key = key.substr(0, 12);

    const std::vector<std::string> prices = Strings(labels, "price"), currencies = Strings(labels, "currency"),
                                   stocks = Strings(labels, "availability");
    std::string price_seen = f.commerce.price ? std::to_string(*f.commerce.price) : "-";
    if (!prices.empty()) {
      ++price.labelled;
      if (f.commerce.price) {
        ++price.in_markup;
        bool ok = false;
        for (const std::string& p : prices)
          for (double v : LabelPrices(p)) ok = ok || std::abs(v - *f.commerce.price) < 0.005;
        if (ok) ++price.agree;
        else price.misses.push_back(short_key + ": labelled " + prices.front() + ", markup " + price_seen);
      }
      if (f.commerce.visible_price_value) {
        ++visible_prices;
        bool ok = false;
        for (const std::string& p : prices)
          for (double v : LabelPrices(p)) ok = ok || std::abs(v - *f.commerce.visible_price_value) < 0.005;
        if (ok) ++visible_agree;
      }
    }
    if (!currencies.empty()) {
      ++currency.labelled;
      if (!f.commerce.currency.empty()) {
        ++currency.in_markup;
        if (CurrencyAgrees(currencies.front(), f.commerce.currency)) ++currency.agree;
        else currency.misses.push_back(short_key + ": labelled " + currencies.front() + ", markup " + f.commerce.currency);
      }
    }
    if (!stocks.empty()) {
      ++availability.labelled;
      if (!f.commerce.availability.empty()) {
        ++availability.in_markup;
        if (Stock(f.commerce.availability) == stocks.front()) ++availability.agree;
        else availability.misses.push_back(short_key + ": labelled " + stocks.front() + ", markup " + f.commerce.availability);
      }
    }
    const auto products = f.structured_data.FindAll("Product");
    if (!products.empty()) ++product_pages;
    for (const auto* p : products)
      if (p->Item("aggregateRating") != nullptr) ++rated_products;
    if (!f.structured_data.issues.empty()) ++pages_with_issues;
    for (const auto& i : f.structured_data.issues) {
      auto& [errors, warnings] = by_type[i.type];
      (i.severity == "error" ? errors : warnings) += 1;
      // Indexed paths ("itemListElement[3].position") are counted together.
      std::string property = i.property;
      for (std::size_t open = property.find('['); open != std::string::npos; open = property.find('[', open)) {
        const std::size_t close = property.find(']', open);
        if (close == std::string::npos) break;
        property.erase(open, close - open + 1);
      }
      ++by_property[i.severity + " " + i.type + " " + property];
      if (list_errors && i.severity == "error")
        std::printf("error %s: %s: %s: %s\n", short_key.c_str(), i.where.c_str(), i.property.c_str(), i.message.c_str());
    }
    if (per_page)
      std::printf("| %s | %s | %s | %s | %s | %s | %s | %zu |\n", short_key.c_str(), prices.empty() ? "-" : prices.front().c_str(),
                  price_seen.c_str(), currencies.empty() ? "-" : currencies.front().c_str(),
                  f.commerce.currency.empty() ? "-" : f.commerce.currency.c_str(), stocks.empty() ? "-" : stocks.front().c_str(),
                  f.commerce.availability.empty() ? "-" : f.commerce.availability.c_str(), f.structured_data.issues.size());
  }

  std::printf("\n%d pages, %d with Product markup\n\n", pages, product_pages);
  std::printf("| field        | labelled | in markup | agree | agree %% |\n|---|---|---|---|---|\n");
  price.Print("price");
  currency.Print("currency");
  availability.Print("availability");
  std::printf("\nvisible price (first currency-shaped price in the main content): found on %d labelled pages, equal to the label on %d\n",
              visible_prices, visible_agree);
  std::printf("Product items with an AggregateRating: %d\n", rated_products);
  std::printf("pages with validation issues: %d of %d\n\n", pages_with_issues, pages);
  std::printf("| type | errors | warnings |\n|---|---|---|\n");
  for (const auto& [type, counts] : by_type) std::printf("| %s | %d | %d |\n", type.c_str(), counts.first, counts.second);
  std::printf("\n| issue | count |\n|---|---|\n");
  std::vector<std::pair<int, std::string>> ranked;
  for (const auto& [k, n] : by_property) ranked.emplace_back(-n, k);
  std::sort(ranked.begin(), ranked.end());
  for (std::size_t i = 0; i < ranked.size() && i < 20; ++i) std::printf("| %s | %d |\n", ranked[i].second.c_str(), -ranked[i].first);
  for (const Tally* t : {&price, &currency, &availability})
    for (const std::string& m : t->misses) std::printf("miss %s\n", m.c_str());
  return 0;
}
