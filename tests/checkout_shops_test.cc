// The five checkout fixture shops (fixtures/shops/{woo,magento,shopify,polski,russkiy}) over real loopback
// HTTP, served by the fixture server's scripted flows (flow.json). A scripted buyer with known-good
// data walks each shop from the product page to the order review step, carrying the session cookie
// by hand as a browser would; the tests check the flow's redirects, its validation and its order
// recorder, and that mmaudit's own form counting (facts::ExtractForms through facts::ExtractPage)
// gives exactly the numbers of each shop's expected.json, the contract the checkout walker is held to.
// Every test starts its own server, so an order recorded by one test cannot hide in another.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "core/text.h"
#include "core/url.h"
#include "facts/charset.h"
#include "facts/extract.h"
#include "facts/lexicon.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

extern char** environ;

namespace mmaudit {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// --- the contract: expected.json ------------------------------------------------------------

struct ExpectedStep {
  std::string name, path, via;
  std::vector<std::string> forms;  // "#id" or "[name=NAME]"
  std::size_t fields = 0, other_elements = 0, required = 0, hidden_fields = 0;
};

struct Expected {
  std::string platform, product, review_step, final_control, order_route, confirmation;
  std::vector<ExpectedStep> steps;
  std::size_t total_fields = 0;
  bool guest_checkout = false, account_required = false;
  std::vector<std::string> payment_methods, express_payments, traps;
  int orders_placed = -1;
};

std::vector<std::string> StringsOf(const rapidjson::Value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.GetArray()) out.emplace_back(s.GetString());
  return out;
}

Expected LoadExpected(const std::string& shop) {
  rapidjson::Document d;
  const std::string json = testing::ReadFixture("fixtures/shops/" + shop + "/expected.json");
  d.Parse(json.c_str());
  Expected e;
  if (d.HasParseError() || !d.IsObject()) {
    ADD_FAILURE() << shop << "/expected.json is not a JSON object";
    return e;
  }
  e.platform = d["platform"].GetString();
  e.product = d["product"].GetString();
  e.review_step = d["review_step"].GetString();
  e.final_control = d["final_control"].GetString();
  e.order_route = d["order_route"].GetString();
  e.confirmation = d["confirmation"].GetString();
  e.total_fields = d["total_fields"].GetUint();
  e.guest_checkout = d["guest_checkout"].GetBool();
  e.account_required = d["account_required"].GetBool();
  e.payment_methods = StringsOf(d["payment_methods"]);
  e.express_payments = StringsOf(d["express_payments"]);
  e.traps = StringsOf(d["traps"]);
  e.orders_placed = d["orders_placed"].GetInt();
  for (const auto& s : d["steps"].GetArray()) {
    ExpectedStep st;
    st.name = s["name"].GetString();
    st.path = s["path"].GetString();
    st.via = s["via"].GetString();
    st.forms = StringsOf(s["forms"]);
    st.fields = s["fields"].GetUint();
    st.other_elements = s["other_elements"].GetUint();
    st.required = s["required"].GetUint();
    st.hidden_fields = s["hidden_fields"].GetUint();
    e.steps.push_back(std::move(st));
  }
  return e;
}

// --- the scripted buyer -----------------------------------------------------------------------

// One request of the script: a GET of a link, or a POST of a form with these fields.
struct Action {
  std::string method;  // "GET" or "POST"
  std::string target;  // path and query
  Fields fields;       // POST only
};

struct Script {
  std::vector<Action> walk;  // walk[0] opens the product page, walk[1] adds to the cart; the last lands on the review step
  Action order;              // the review step's final submit, with good data (only sent on purpose)
  std::size_t refuse = 0;    // the action (an index into walk, or walk.size() for `order`) sent without `drop`
  std::string drop;          // a required field
  std::string refusal;       // the message the server must show for it (UTF-8)
  int refusal_status = 200;
  Action newsletter;         // the footer sign-up
  Action buy_now;            // the product page's "Buy now" (shops with the trap "buy-now-adds-to-cart")
};

// Known-good buyers per shop, written from the shops' pages (the walk test checks that every POST
// matches a form the page shows).
Script ScriptFor(const std::string& shop) {
  Script s;
  if (shop == "woo") {
    s.walk = {{"GET", "/product/trail-runner/", {}},
              {"POST", "/product/trail-runner/", {{"quantity", "1"}, {"add-to-cart", "42"}}},
              {"GET", "/checkout/", {}}};
    s.order = {"POST", "/checkout/",
               {{"billing_first_name", "Alice"}, {"billing_last_name", "Fell"}, {"billing_company", ""},
                {"billing_country", "GB"}, {"billing_address_1", "14 Lake Road"}, {"billing_address_2", ""},
                {"billing_city", "Keswick"}, {"billing_state", "Cumbria"}, {"billing_postcode", "CA12 5BX"},
                {"billing_phone", "017687 72000"}, {"billing_email", "alice@example.org"},
                {"order_comments", ""}, {"shipping_method[0]", "flat_rate:1"}, {"payment_method", "stripe"},
                {"terms", "on"}, {"terms-field", "1"}, {"mailpoet_woocommerce_checkout_optin_present", "1"},
                {"woocommerce-process-checkout-nonce", "5f2c9e1a7b"}, {"_wp_http_referer", "/?wc-ajax=update_order_review"}}};
    s.buy_now = {"POST", "/product/trail-runner/", {{"quantity", "1"}, {"wpcbn-btn", "42"}}};
    s.refuse = s.walk.size();
    s.drop = "billing_phone";
    s.refusal = "<strong>Billing Phone</strong> is a required field.";
    s.newsletter = {"POST", "/wp-admin/admin-post.php?action=mailpoet_subscription_form",
                    {{"data[form_id]", "1"}, {"token", "8c1f0e5b2a"}, {"api_version", "v1"}, {"endpoint", "subscribers"},
                     {"mailpoet_method", "subscribe"}, {"data[form_field_ZTRlNzIzZjY0ZmE2X2VtYWls]", "alice@example.org"}}};
  } else if (shop == "magento") {
    const Fields shipping = {{"username", "alice@example.org"}, {"firstname", "Alice"}, {"lastname", "Harbor"},
                             {"company", ""}, {"street[0]", "42 Pine Street"}, {"street[1]", ""},
                             {"city", "Portland"}, {"region_id", "49"}, {"region", ""}, {"postcode", "97204"},
                             {"country_id", "US"}, {"telephone", "503 555 0142"}, {"shipping_method", "flatrate_flatrate"},
                             {"form_key", "Xk3pL9qRt2vW8yZa"}};
    s.walk = {{"GET", "/driven-backpack.html", {}},
              {"POST", "/checkout/cart/add/uenc/aHR0cHM6Ly9oYXJib3ItcGluZS5leGFtcGxlL2RyaXZlbi1iYWNrcGFjay5odG1s/product/14/",
               {{"product", "14"}, {"selected_configurable_option", ""}, {"related_product", ""}, {"item", "14"},
                {"form_key", "Xk3pL9qRt2vW8yZa"}, {"qty", "1"}}},
              {"GET", "/checkout/", {}},
              {"POST", "/checkout/shipping-information", shipping}};
    s.order = {"POST", "/checkout/payment-information",
               {{"payment[method]", "checkmo"}, {"billing-address-same-as-shipping", "on"},
                {"form_key", "Xk3pL9qRt2vW8yZa"}}};
    s.refuse = 3;
    s.drop = "region_id";
    s.refusal = "This is a required field.";
    s.refusal_status = 422;
    s.newsletter = {"POST", "/newsletter/subscriber/new/", {{"email", "alice@example.org"}}};
  } else if (shop == "shopify") {
    const std::string checkout = "/checkouts/cn/hWN2Kx7pQ4/";
    s.walk = {{"GET", "/products/summit-shell-jacket", {}},
              {"POST", "/cart/add", {{"form_type", "product"}, {"utf8", "\u2713"}, {"id", "40912345678901"}, {"quantity", "1"}}},
              {"POST", "/cart", {{"updates[]", "1"}, {"note", ""}, {"checkout", "Check out"}}},
              {"POST", checkout + "information",
               {{"_method", "patch"}, {"authenticity_token", "qP3vX9wLr2"}, {"previous_step", "contact_information"},
                {"step", "shipping_method"}, {"checkout[email]", "alice@example.org"},
                {"checkout[buyer_accepts_marketing]", "0"}, {"checkout[shipping_address][country]", "United States"},
                {"checkout[shipping_address][first_name]", "Alice"}, {"checkout[shipping_address][last_name]", "Thread"},
                {"checkout[shipping_address][company]", ""}, {"checkout[shipping_address][address1]", "12 Alpine Way"},
                {"checkout[shipping_address][address2]", ""}, {"checkout[shipping_address][city]", "Boulder"},
                {"checkout[shipping_address][province]", "CO"}, {"checkout[shipping_address][zip]", "80302"},
                {"checkout[shipping_address][phone]", "+1 303 555 0199"}, {"button", ""}}},
              {"POST", checkout + "shipping",
               {{"_method", "patch"}, {"authenticity_token", "qP3vX9wLr2"}, {"previous_step", "shipping_method"},
                {"step", "payment_method"}, {"checkout[shipping_rate][id]", "shopify-Standard-4.90"}, {"button", ""}}}};
    s.order = {"POST", checkout + "payment",
               {{"_method", "patch"}, {"authenticity_token", "qP3vX9wLr2"}, {"previous_step", "payment_method"},
                {"step", ""}, {"s", ""}, {"checkout[payment_gateway]", "64371277"},
                {"checkout[different_billing_address]", "false"}, {"complete", "1"}, {"button", ""}}};
    s.refuse = 3;
    s.drop = "checkout[shipping_address][phone]";
    s.refusal = "Enter a phone number";
    s.refusal_status = 422;
    s.newsletter = {"POST", "/contact",
                    {{"form_type", "customer"}, {"utf8", "\u2713"}, {"contact[tags]", "newsletter"},
                     {"contact[email]", "alice@example.org"}}};
  } else if (shop == "polski") {
    s.walk = {{"GET", "/produkt/buty-lomnica-gtx", {}},
              {"POST", "/koszyk/dodaj", {{"produkt_id", "311"}, {"rozmiar", "42"}, {"ilosc", "1"}, {"dodaj", "1"}}},
              {"GET", "/zamowienie", {}},
              {"POST", "/konto/rejestracja",
               {{"email", "jan.kowalski@example.pl"}, {"haslo", "Tatry-2024!"}, {"regulamin", "1"}, {"csrf", "7e1f93ab"}}},
              {"POST", "/zamowienie/adres",
               {{"imie", "Jan"}, {"nazwisko", "Kowalski"}, {"ulica", "Krupowki"}, {"nr_domu", "12"}, {"nr_lokalu", ""},
                {"kod_pocztowy", "34-500"}, {"miejscowosc", "Zakopane"}, {"telefon", "600 100 200"}, {"kraj", "PL"},
                {"firma", ""}, {"nip", ""}, {"csrf", "7e1f93ab"}}},
              {"POST", "/zamowienie/dostawa",
               {{"dostawa", "paczkomat"}, {"paczkomat", "ZAK01M"}, {"uwagi", ""}, {"csrf", "7e1f93ab"}}}};
    s.order = {"POST", "/zamowienie/zloz", {{"platnosc", "przelewy24"}, {"kod_blik", ""}, {"regulamin", "1"}, {"csrf", "7e1f93ab"}}};
    s.buy_now = {"POST", "/koszyk/dodaj", {{"produkt_id", "311"}, {"rozmiar", "43"}, {"ilosc", "1"}, {"kup_teraz", "1"}}};
    s.refuse = 4;
    s.drop = "kod_pocztowy";
    s.refusal = "Podaj kod pocztowy.";
    s.newsletter = {"POST", "/newsletter/zapisz", {{"email", "jan.kowalski@example.pl"}, {"zgoda", "1"}}};
  } else if (shop == "russkiy") {
    s.walk = {{"GET", "/catalog/palatki/baykal-3/", {}},
              {"POST", "/catalog/palatki/baykal-3/",
               {{"action", "ADD2BASKET"}, {"id", "512"}, {"quantity", "1"}, {"actionADD2BASKET", "Y"}}},
              {"GET", "/personal/order/make/", {}}};
    s.order = {"POST", "/personal/order/make/",
               {{"sessid", "a81f0c3d9e"}, {"soa-action", "saveOrderAjax"}, {"location_type", "code"}, {"PERSON_TYPE", "1"},
                {"ORDER_PROP_1", "Иванов Иван Иванович"}, {"ORDER_PROP_2", "ivanov@example.ru"},
                {"ORDER_PROP_3", "+7 (391) 234-56-78"}, {"ORDER_PROP_6", "Красноярск"}, {"ORDER_PROP_8", ""},
                {"ORDER_PROP_10", ""}, {"DELIVERY_ID", "2"}, {"BUYER_STORE_SEARCH", ""}, {"ORDER_PROP_4", "660049"},
                {"ORDER_PROP_7", "пр. Мира, 10, кв. 5"}, {"PAY_SYSTEM_ID", "9"}, {"ORDER_DESCRIPTION", ""},
                {"AGREEMENT", "Y"}, {"confirmorder", "Y"}}};
    s.refuse = s.walk.size();
    s.drop = "ORDER_PROP_3";
    s.refusal = "Поле \"Телефон\" обязательно для заполнения";
    s.newsletter = {"POST", "/local/ajax/subscribe.php", {{"sf_EMAIL", "ivanov@example.ru"}, {"sf_AGREE", "Y"}, {"OK", "Y"}}};
  } else {
    ADD_FAILURE() << "no script for " << shop;
  }
  return s;
}

std::string FormEncode(const Fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* s : {&name, &value}) {
      for (unsigned char c : *s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else if (c == ' ') out += '+';
        else {
          char hex[4];
          std::snprintf(hex, sizeof hex, "%%%02X", c);
          out += hex;
        }
      }
      if (s == &name) out += '=';
    }
  }
  return out;
}

// Where a request landed after its redirects were followed.
struct Landing {
  int status = 0;
  std::string target;  // path and query of the final response
  std::string content_type;
  std::string body;
  std::vector<int> redirects;  // the statuses of the redirects followed, in order
  std::string first_location;  // Location of the first answer, when it redirected
};

// A shopper's browser reduced to what the checkout needs: cookies carried by hand, redirects followed
// with GET (as browsers do after 302 and 303).
class Buyer {
 public:
  explicit Buyer(const testing::FixtureServer& server) : server_(server), client_("127.0.0.1", server.port()) {}

  // One request, redirects not followed.
  httplib::Result Send(const Action& a) {
    httplib::Headers headers = {{"User-Agent", "Mozilla/5.0 (Linux; Android 11; moto g power) Mobile"}};
    if (!cookies_.empty()) {
      std::string cookie;
      for (const auto& [name, value] : cookies_) cookie += (cookie.empty() ? "" : "; ") + name + "=" + value;
      headers.emplace("Cookie", cookie);
    }
    httplib::Result r = a.method == "POST"
                            ? client_.Post(a.target, headers, FormEncode(a.fields), "application/x-www-form-urlencoded")
                            : client_.Get(a.target, headers);
    if (r) {
      for (std::size_t i = 0; i < r->get_header_value_count("Set-Cookie"); ++i) {
        const std::string c = r->get_header_value("Set-Cookie", i);
        const std::string pair = c.substr(0, c.find(';'));
        const auto eq = pair.find('=');
        if (eq != std::string::npos) cookies_[pair.substr(0, eq)] = pair.substr(eq + 1);
      }
    }
    return r;
  }

  Landing Go(const Action& first) {
    Landing l;
    Action a = first;
    for (int hop = 0; hop < 10; ++hop) {
      httplib::Result r = Send(a);
      if (!r) {
        ADD_FAILURE() << a.method << " " << a.target << ": no response";
        return l;
      }
      l.target = a.target;
      l.status = r->status;
      l.content_type = r->get_header_value("Content-Type");
      l.body = r->body;
      if (r->status < 300 || r->status >= 400 || !r->has_header("Location")) return l;
      const std::string location = PathOf(r->get_header_value("Location"));
      if (l.redirects.empty()) l.first_location = location;
      l.redirects.push_back(r->status);
      a = {"GET", location, {}};
    }
    ADD_FAILURE() << "more than 10 redirects from " << first.target;
    return l;
  }

  // The page's facts, decoded and extracted as mmaudit does for a fetched page.
  facts::PageFacts Facts(const Landing& l) const {
    fetch::Response r;
    r.requested_url = r.final_url = server_.Url(l.target);
    r.status = l.status;
    r.headers = {{"content-type", l.content_type}};
    r.body = l.body;
    r.decoded_bytes = l.body.size();
    return facts::ExtractPage(r);
  }

  // "http://127.0.0.1:PORT/x?y" -> "/x?y"
  std::string PathOf(const std::string& location) const {
    const std::string origin = server_.Url("");
    return location.rfind(origin, 0) == 0 ? location.substr(origin.size()) : location;
  }

  bool HasCookies() const { return !cookies_.empty(); }

 private:
  const testing::FixtureServer& server_;
  httplib::Client client_;
  std::map<std::string, std::string> cookies_;
};

std::string PathOnly(const std::string& target) { return target.substr(0, target.find('?')); }

// The form a selector of expected.json names: "#id" or "[name=NAME]".
const facts::Form* FindForm(const facts::PageFacts& f, const std::string& selector) {
  for (const facts::Form& form : f.forms.forms) {
    if (selector.size() > 1 && selector[0] == '#' && form.id == selector.substr(1)) return &form;
    if (text::StartsWith(selector, "[name=") && text::EndsWith(selector, "]") &&
        form.name == selector.substr(6, selector.size() - 7))
      return &form;
  }
  return nullptr;
}

// The form of the page that `post` submits: method post, its action resolving to the same target,
// and among several such forms (a coupon form posting to the page itself ...) the one with the most
// controls that `post` fills.
const facts::Form* FormPostedBy(const facts::PageFacts& f, const Action& post, const std::string& base) {
  const facts::Form* best = nullptr;
  std::size_t best_filled = 0;
  for (const facts::Form& form : f.forms.forms) {
    if (form.method != "post" || form.action.substr(0, form.action.find('#')) != base + post.target) continue;
    const std::size_t filled = std::count_if(form.controls.begin(), form.controls.end(), [&](const facts::FormControl& c) {
      return std::any_of(post.fields.begin(), post.fields.end(), [&](const auto& field) { return field.first == c.name; });
    });
    if (best == nullptr || filled > best_filled) best = &form, best_filled = filled;
  }
  return best;
}

// The buyer only posts forms the page in front of it shows, only fills their controls, and fills
// every visible control they mark required.
void ExpectAFormOfThePageFits(const facts::PageFacts& page, const Action& post, const std::string& base) {
  const facts::Form* form = FormPostedBy(page, post, base);
  ASSERT_NE(form, nullptr) << page.http.final_url << " has no form posting to " << post.target;
  for (const auto& [name, value] : post.fields) {
    const bool known = std::any_of(form->controls.begin(), form->controls.end(),
                                   [&](const facts::FormControl& c) { return c.name == name; });
    EXPECT_TRUE(known) << "the form posting to " << post.target << " has no control " << name;
  }
  for (const facts::FormControl& c : form->controls) {
    if (!c.required || !c.visible) continue;
    const bool sent = std::any_of(post.fields.begin(), post.fields.end(), [&](const auto& f) { return f.first == c.name; });
    EXPECT_TRUE(sent) << "the script leaves out the required " << c.name << " of " << post.target;
  }
}

bool IsSearchForm(const facts::Form& form) {
  if (form.method != "get") return false;
  for (const facts::FormControl& c : form.controls)
    if (c.type == "search" || (c.text_entry && (c.name == "q" || c.name == "s"))) return true;
  return false;
}

// --- the tests, once per shop -----------------------------------------------------------------

class CheckoutShop : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
    ASSERT_NE(server.flow(), nullptr) << "no flow.json beside fixtures/shops/" << GetParam() << "/site";
  }

  // Walks the script's first `n` actions (all when n is npos) and returns where each one landed.
  std::vector<Landing> Walk(Buyer& buyer, std::size_t n = std::string::npos) {
    std::vector<Landing> out;
    for (std::size_t i = 0; i < std::min(n, script.walk.size()); ++i) {
      out.push_back(buyer.Go(script.walk[i]));
      EXPECT_EQ(out.back().status, 200) << script.walk[i].method << " " << script.walk[i].target << " landed on "
                                        << out.back().target;
    }
    return out;
  }

  // The landing of each expected step (the step pages the walk reached, in order).
  std::vector<Landing> StepPages(Buyer& buyer) {
    std::vector<Landing> landings = Walk(buyer);
    std::vector<Landing> steps;
    for (std::size_t i = 1; i < landings.size(); ++i)
      if (steps.empty() || PathOnly(steps.back().target) != PathOnly(landings[i].target)) steps.push_back(landings[i]);
    return steps;
  }

  std::string Base() const { return server.Url(""); }

  const std::string shop = GetParam();
  testing::FixtureServer server{testing::SourcePath("fixtures/shops/" + shop + "/site")};
  const Expected expected = LoadExpected(shop);
  const Script script = ScriptFor(shop);
};

TEST_P(CheckoutShop, ExpectedJsonAddsUpAndNamesPaymentMethodsOfTheLexicon) {
  ASSERT_GE(expected.steps.size(), 2u);
  EXPECT_EQ(expected.steps.front().name, "cart");
  EXPECT_EQ(expected.steps.back().name, expected.review_step);
  std::size_t total = 0;
  for (const auto& s : expected.steps) total += s.fields;
  EXPECT_EQ(total, expected.total_fields);
  EXPECT_EQ(expected.orders_placed, 0);
  EXPECT_NE(expected.guest_checkout, expected.account_required);
  EXPECT_EQ(expected.product, script.walk.front().target);
  // The names are keys of the lexicon's payment_methods (a name is not always one of its own cues:
  // "Mir" is found by "карта мир", never by "mir", a German word).
  rapidjson::Document lexicon;
  lexicon.Parse(testing::ReadFixture("rules/lexicon.json").c_str());
  ASSERT_TRUE(!lexicon.HasParseError() && lexicon.HasMember("payment_methods"));
  for (const auto& list : {expected.payment_methods, expected.express_payments})
    for (const std::string& m : list)
      EXPECT_TRUE(lexicon["payment_methods"].HasMember(m.c_str())) << m << " is not a payment_methods name of rules/lexicon.json";
}

TEST_P(CheckoutShop, AScriptedBuyerWalksFromTheProductPageToTheReviewStepAndPlacesNoOrder) {
  Buyer buyer(server);
  std::vector<Landing> landings;
  std::vector<std::pair<std::string, std::string>> reached;  // (path, via) of each new page after the product
  for (std::size_t i = 0; i < script.walk.size(); ++i) {
    const Action& a = script.walk[i];
    if (a.method == "POST") {
      ASSERT_FALSE(landings.empty());
      ExpectAFormOfThePageFits(buyer.Facts(landings.back()), a, Base());
    }
    landings.push_back(buyer.Go(a));
    ASSERT_EQ(landings.back().status, 200) << a.method << " " << a.target << " landed on " << landings.back().target;
    if (i == 0) continue;
    const std::string path = PathOnly(landings.back().target);
    if (reached.empty() || reached.back().first != path) reached.emplace_back(path, i == 1 ? "add-to-cart" : a.method == "GET" ? "link" : "form");
  }
  ASSERT_EQ(reached.size(), expected.steps.size());
  for (std::size_t i = 0; i < reached.size(); ++i) {
    EXPECT_EQ(reached[i].first, expected.steps[i].path) << "step " << i + 1;
    EXPECT_EQ(reached[i].second, expected.steps[i].via) << "step " << i + 1 << " (" << expected.steps[i].name << ")";
  }
  EXPECT_TRUE(buyer.HasCookies());
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.Subscriptions().empty());
  EXPECT_TRUE(server.OrderAttempts().empty());
}

TEST_P(CheckoutShop, WithoutACartEveryCheckoutStepAndTheConfirmationRedirectToTheCart) {
  Buyer buyer(server);
  std::vector<std::string> paths{expected.confirmation};
  for (std::size_t i = 1; i < expected.steps.size(); ++i) paths.push_back(expected.steps[i].path);
  for (const std::string& path : paths) {
    const Landing l = buyer.Go({"GET", path, {}});
    EXPECT_FALSE(l.redirects.empty()) << path << " answered without a cart";
    EXPECT_EQ(PathOnly(l.target), expected.steps.front().path) << path;
  }
  EXPECT_TRUE(server.Orders().empty());
}

TEST_P(CheckoutShop, SkippingAStepRedirectsToAnEarlierStep) {
  Buyer buyer(server);
  Walk(buyer, 2);  // product page, add to cart: the session holds a cart and nothing else
  std::vector<std::string> paths;
  for (std::size_t i = 2; i < expected.steps.size(); ++i) paths.push_back(expected.steps[i].path);
  paths.push_back(expected.confirmation);
  for (const std::string& path : paths) {
    const Landing l = buyer.Go({"GET", path, {}});
    ASSERT_FALSE(l.redirects.empty()) << path << " was served to a buyer who skipped the step before it";
    const auto earlier = std::find_if(expected.steps.begin(), expected.steps.end(),
                                      [&](const ExpectedStep& s) { return s.path == PathOnly(l.target); });
    ASSERT_NE(earlier, expected.steps.end()) << path << " redirected to " << l.target;
    EXPECT_NE(earlier->path, path);
  }
}

TEST_P(CheckoutShop, APostMissingARequiredFieldIsRefusedWithVisibleErrorsAndDoesNotAdvance) {
  Buyer buyer(server);
  const std::vector<Landing> before = Walk(buyer, script.refuse);
  Action refused = script.refuse < script.walk.size() ? script.walk[script.refuse] : script.order;
  const std::size_t was = refused.fields.size();
  std::erase_if(refused.fields, [&](const auto& f) { return f.first == script.drop; });
  ASSERT_EQ(refused.fields.size() + 1, was) << "the script never sends " << script.drop;

  const Landing l = buyer.Go(refused);
  EXPECT_EQ(l.status, script.refusal_status);
  EXPECT_TRUE(l.redirects.empty()) << "the refused POST redirected to " << l.target;
  const facts::Decoded page = facts::DecodeToUtf8(l.body, l.content_type);
  EXPECT_NE(page.utf8.find(script.refusal), std::string::npos) << "no message \"" << script.refusal << "\" in the page";
  // The refused page is the step page again, with the form to correct.
  const Landing again{200, l.target, l.content_type, l.body, {}, {}};
  EXPECT_NE(FormPostedBy(buyer.Facts(again), refused, Base()), nullptr);

  // Not advanced: the page the POST leads to still sends the buyer back.
  std::string after = expected.confirmation;
  if (script.refuse < script.walk.size()) {
    ASSERT_FALSE(before.empty());
    const auto here = std::find_if(expected.steps.begin(), expected.steps.end(),
                                   [&](const ExpectedStep& st) { return st.path == PathOnly(before.back().target); });
    ASSERT_TRUE(here != expected.steps.end() && here + 1 != expected.steps.end()) << before.back().target;
    after = (here + 1)->path;
  }
  const Landing ahead = buyer.Go({"GET", after, {}});
  EXPECT_FALSE(ahead.redirects.empty()) << after << " was served after a refused POST";
  if (script.refuse == script.walk.size()) {
    ASSERT_EQ(server.Orders().size(), 1u) << "a POST to the order route is recorded even when it is refused";
    EXPECT_FALSE(server.Orders()[0].accepted);
  } else {
    EXPECT_TRUE(server.Orders().empty());
  }
}

TEST_P(CheckoutShop, AnExplicitPostToTheOrderRouteIsRecordedAsAnOrder) {
  Buyer buyer(server);
  const std::vector<Landing> landings = Walk(buyer);
  ASSERT_FALSE(landings.empty());
  ExpectAFormOfThePageFits(buyer.Facts(landings.back()), script.order, Base());
  ASSERT_TRUE(server.Orders().empty());
  const Landing l = buyer.Go(script.order);
  EXPECT_EQ(l.status, 200);
  EXPECT_EQ(PathOnly(l.target), expected.confirmation);
  const auto orders = server.Orders();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_TRUE(orders[0].accepted);
  EXPECT_EQ(orders[0].method + " " + orders[0].path, expected.order_route);
  EXPECT_TRUE(server.Subscriptions().empty());
  // The order is placed once: the cart is empty now, so the checkout sends the buyer back.
  const Landing after = buyer.Go({"GET", expected.steps.back().path, {}});
  EXPECT_FALSE(after.redirects.empty());
}

TEST_P(CheckoutShop, EveryStepPageHasExactlyTheFormCountsOfExpectedJson) {
  Buyer buyer(server);
  const std::vector<Landing> steps = StepPages(buyer);
  ASSERT_EQ(steps.size(), expected.steps.size());
  std::size_t total = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const ExpectedStep& want = expected.steps[i];
    SCOPED_TRACE("step " + want.name + " " + steps[i].target);
    const facts::PageFacts page = buyer.Facts(steps[i]);
    ASSERT_TRUE(page.parsed) << page.error;
    std::size_t fields = 0, other = 0, required = 0, hidden = 0;
    for (const std::string& selector : want.forms) {
      const facts::Form* form = FindForm(page, selector);
      ASSERT_NE(form, nullptr) << "no form " << selector;
      fields += form->visible_text_fields;
      other += form->other_elements;
      required += form->required;
      hidden += form->hidden_text_fields;
    }
    EXPECT_EQ(fields, want.fields);
    EXPECT_EQ(other, want.other_elements);
    EXPECT_EQ(required, want.required);
    EXPECT_EQ(hidden, want.hidden_fields);
    total += fields;
  }
  EXPECT_EQ(total, expected.total_fields);
}

TEST_P(CheckoutShop, EveryPageCarriesAHeaderSearchAndAFooterNewsletterFormThatAreNotCounted) {
  Buyer buyer(server);
  std::vector<Landing> pages = StepPages(buyer);
  for (const char* path : {"/"}) pages.push_back(buyer.Go({"GET", path, {}}));
  pages.push_back(buyer.Go({"GET", expected.product, {}}));
  for (std::size_t i = 0; i < pages.size(); ++i) {
    SCOPED_TRACE(pages[i].target);
    const facts::PageFacts page = buyer.Facts(pages[i]);
    const auto& forms = page.forms.forms;
    const auto search = std::find_if(forms.begin(), forms.end(), IsSearchForm);
    ASSERT_NE(search, forms.end()) << "no header search form";
    const facts::Form* newsletter = FormPostedBy(page, script.newsletter, Base());
    ASSERT_NE(newsletter, nullptr) << "no footer newsletter form";
    if (i < expected.steps.size())
      for (const std::string& selector : expected.steps[i].forms) {
        EXPECT_NE(FindForm(page, selector), &*search);
        EXPECT_NE(FindForm(page, selector), newsletter);
      }
  }
}

TEST_P(CheckoutShop, AFooterNewsletterSignUpIsRecordedAsASubscription) {
  Buyer buyer(server);
  ExpectAFormOfThePageFits(buyer.Facts(buyer.Go({"GET", "/", {}})), script.newsletter, Base());
  const Landing l = buyer.Go(script.newsletter);
  EXPECT_FALSE(l.redirects.empty());
  const auto subscriptions = server.Subscriptions();
  ASSERT_EQ(subscriptions.size(), 1u);
  EXPECT_TRUE(subscriptions[0].accepted);
  EXPECT_TRUE(server.Orders().empty());
}

TEST_P(CheckoutShop, TheReviewStepOffersThePaymentMethodsOfExpectedJsonBehindItsFinalControl) {
  Buyer buyer(server);
  const std::vector<Landing> steps = StepPages(buyer);
  ASSERT_EQ(steps.size(), expected.steps.size());
  const facts::PageFacts review = buyer.Facts(steps.back());
  std::set<std::string> offered(review.commerce.payment_methods.begin(), review.commerce.payment_methods.end());
  EXPECT_EQ(offered, std::set<std::string>(expected.payment_methods.begin(), expected.payment_methods.end()));
  // Express buttons are on the cart or the first checkout step.
  std::set<std::string> early;
  for (std::size_t i = 0; i < 2; ++i)
    for (const std::string& m : buyer.Facts(steps[i]).commerce.payment_methods) early.insert(m);
  for (const std::string& m : expected.express_payments) EXPECT_TRUE(early.contains(m)) << m;
  // The final control submits the review step's form to the order route.
  const std::string order_path = expected.order_route.substr(expected.order_route.find(' ') + 1);
  const facts::Form* form = FormPostedBy(review, script.order, Base());
  ASSERT_NE(form, nullptr) << "no form posting to " << expected.order_route;
  const bool has_control = std::any_of(form->controls.begin(), form->controls.end(), [&](const facts::FormControl& c) {
    return c.type == "submit" && text::Contains(c.label, expected.final_control);
  });
  EXPECT_TRUE(has_control) << "no submit control \"" << expected.final_control << "\"";
  EXPECT_EQ(order_path, script.order.target);
}

INSTANTIATE_TEST_SUITE_P(CheckoutShops, CheckoutShop, ::testing::Values("woo", "magento", "shopify", "polski", "russkiy"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// The shops whose product page has a "Buy now" that only adds to the cart.
class CheckoutShopBuyNow : public CheckoutShop {};

TEST_P(CheckoutShopBuyNow, TheProductPagesBuyNowOnlyAddsToTheCart) {
  ASSERT_NE(std::find(expected.traps.begin(), expected.traps.end(), "buy-now-adds-to-cart"), expected.traps.end());
  Buyer buyer(server);
  const Landing product = buyer.Go(script.walk.front());
  const facts::PageFacts page = buyer.Facts(product);
  EXPECT_TRUE(page.commerce.buy_now_control) << "no buy-now control on " << product.target;
  ExpectAFormOfThePageFits(page, script.buy_now, Base());
  const Landing l = buyer.Go(script.buy_now);
  EXPECT_EQ(l.status, 200);
  EXPECT_EQ(PathOnly(l.target), expected.steps.front().path);
  EXPECT_TRUE(server.Orders().empty());
  EXPECT_TRUE(server.OrderAttempts().empty());
}

INSTANTIATE_TEST_SUITE_P(CheckoutShops, CheckoutShopBuyNow, ::testing::Values("woo", "polski"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// --- the Polish shop's charset ----------------------------------------------------------------

class CheckoutShopPolish : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
  }
  testing::FixtureServer server{testing::SourcePath("fixtures/shops/polski/site")};
};

TEST_F(CheckoutShopPolish, PagesAreServedAsIso88592AndDecodeToTheirPolishTitles) {
  Buyer buyer(server);
  // A page served by a route, and a static file.
  for (const auto& [path, word] : {std::pair<std::string, std::string>{"/produkt/buty-lomnica-gtx", "Łomnica"},
                                   {"/kategoria/buty-trekkingowe", "Żleb"}}) {
    const Landing l = buyer.Go({"GET", path, {}});
    ASSERT_EQ(l.status, 200) << path;
    EXPECT_NE(text::AsciiLower(l.content_type).find("charset=iso-8859-2"), std::string::npos) << l.content_type;
    EXPECT_FALSE(text::IsValidUtf8(l.body)) << path << " is UTF-8, not ISO-8859-2 bytes";
    const facts::PageFacts f = buyer.Facts(l);
    EXPECT_EQ(f.meta.charset_used, "iso-8859-2") << path;
    EXPECT_NE(f.meta.title.find(word), std::string::npos) << path << ": " << f.meta.title;
    EXPECT_EQ(f.meta.invalid_utf8_replaced, 0u) << path;
  }
}

TEST_F(CheckoutShopPolish, ValidationMessagesAreSentInThePageCharset) {
  Buyer buyer(server);
  const Script script = ScriptFor("polski");
  for (std::size_t i = 0; i < 4; ++i) buyer.Go(script.walk[i]);  // registered, on the address step
  Action address = script.walk[4];
  for (auto& [name, value] : address.fields)
    if (name == "kod_pocztowy") value = "34500";  // the digits without the dash
  const Landing l = buyer.Go(address);
  ASSERT_EQ(l.status, 200);
  EXPECT_TRUE(l.redirects.empty());
  EXPECT_FALSE(text::IsValidUtf8(l.body));
  const facts::Decoded page = facts::DecodeToUtf8(l.body, l.content_type);
  EXPECT_NE(page.utf8.find("Podaj kod pocztowy w formacie 00-000."), std::string::npos);
  EXPECT_EQ(page.replaced, 0u);
}

// --- the Russian shop: windows-1251 and the quick order ----------------------------------------

class CheckoutShopRussian : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(server.Start(&error)) << error;
  }
  testing::FixtureServer server{testing::SourcePath("fixtures/shops/russkiy/site")};
};

TEST_F(CheckoutShopRussian, ValidationMessagesAreSentInWindows1251) {
  Buyer buyer(server);
  const Script script = ScriptFor("russkiy");
  for (const Action& a : script.walk) buyer.Go(a);  // on the one-page checkout
  Action order = script.order;
  for (auto& [name, value] : order.fields)
    if (name == "ORDER_PROP_3") value = "234-56-78";  // no area code
  const Landing l = buyer.Go(order);
  ASSERT_EQ(l.status, 200);
  EXPECT_TRUE(l.redirects.empty());
  EXPECT_NE(text::AsciiLower(l.content_type).find("charset=windows-1251"), std::string::npos) << l.content_type;
  EXPECT_FALSE(text::IsValidUtf8(l.body));
  const facts::Decoded page = facts::DecodeToUtf8(l.body, l.content_type);
  EXPECT_NE(page.utf8.find("Поле \"Телефон\" заполнено неверно"), std::string::npos);
  EXPECT_EQ(page.replaced, 0u);
  ASSERT_EQ(server.Orders().size(), 1u);
  EXPECT_FALSE(server.Orders()[0].accepted);
}

// "Купить в 1 клик" is no add-to-cart: a phone number alone places an order, which the server records.
TEST_F(CheckoutShopRussian, TheProductPagesBuyInOneClickPlacesAnOrderWithAPhoneNumberAlone) {
  Buyer buyer(server);
  const Landing product = buyer.Go({"GET", "/catalog/palatki/baykal-3/", {}});
  const facts::PageFacts page = buyer.Facts(product);
  EXPECT_TRUE(page.commerce.buy_now_control);
  const Action quick{"POST", "/local/ajax/quick_order.php", {{"PRODUCT_ID", "512"}, {"PHONE", "+7 (391) 234-56-78"}, {"QUICK_ORDER", "Y"}}};
  ExpectAFormOfThePageFits(page, quick, server.Url(""));
  const Landing l = buyer.Go(quick);
  EXPECT_EQ(PathOnly(l.target), "/personal/order/success/");
  ASSERT_EQ(server.Orders().size(), 1u);
  EXPECT_TRUE(server.Orders()[0].accepted);
  EXPECT_EQ(server.Orders()[0].path, "/local/ajax/quick_order.php");
  EXPECT_FALSE(server.OrderAttempts().empty()) << "the heuristic sees \"order\" in the path too";
}

// --- the flow engine itself -------------------------------------------------------------------

class CheckoutShopServer : public ::testing::Test {
 protected:
  void StartShop(const std::string& shop) {
    server = std::make_unique<testing::FixtureServer>(testing::SourcePath("fixtures/shops/" + shop + "/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
  }
  std::unique_ptr<testing::FixtureServer> server;
};

TEST_F(CheckoutShopServer, GivesEachClientItsOwnSessionCookieOnFirstContactOnly) {
  StartShop("woo");
  Buyer alice(*server), bob(*server);
  const httplib::Result first = alice.Send({"GET", "/", {}});
  ASSERT_TRUE(first);
  EXPECT_NE(first->get_header_value("Set-Cookie").find("wp_woocommerce_session_5b1d3c="), std::string::npos);
  EXPECT_NE(first->get_header_value("Set-Cookie").find("HttpOnly"), std::string::npos);
  const httplib::Result again = alice.Send({"GET", "/", {}});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->has_header("Set-Cookie"));
  // The cart is Alice's: Bob's session starts empty.
  alice.Go({"GET", "/product-category/running-shoes/?add-to-cart=42", {}});
  EXPECT_NE(alice.Go({"GET", "/cart/", {}}).body.find("Proceed to checkout"), std::string::npos);
  EXPECT_NE(bob.Go({"GET", "/cart/", {}}).body.find("Your cart is currently empty."), std::string::npos);
  // A cookie the server never gave starts a new session.
  httplib::Client forger("127.0.0.1", server->port());
  const httplib::Result forged = forger.Get("/cart/", {{"Cookie", "wp_woocommerce_session_5b1d3c=0000"}});
  ASSERT_TRUE(forged);
  EXPECT_TRUE(forged->has_header("Set-Cookie"));
  EXPECT_NE(forged->body.find("Your cart is currently empty."), std::string::npos);
}

TEST_F(CheckoutShopServer, PagesThatRoutesServeAreNotReachableAsFiles) {
  StartShop("woo");
  httplib::Client client("127.0.0.1", server->port());
  for (const char* path : {"/checkout.html", "/cart.html", "/cart-empty.html", "/order-received.html"}) {
    const httplib::Result r = client.Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
  }
  const httplib::Result home = client.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  const httplib::Result cart = client.Head("/cart/");  // HEAD is answered as GET
  ASSERT_TRUE(cart);
  EXPECT_EQ(cart->status, 200);
}

TEST_F(CheckoutShopServer, AcceptsMultipartFormPostsAsBrowsersSendThem) {
  StartShop("woo");  // the product form is enctype="multipart/form-data", as WooCommerce's is
  const Buyer buyer(*server);
  httplib::Client client("127.0.0.1", server->port());
  const httplib::Result session = client.Get("/");
  ASSERT_TRUE(session);
  const std::string cookie = session->get_header_value("Set-Cookie").substr(0, session->get_header_value("Set-Cookie").find(';'));
  const httplib::MultipartFormDataItems items = {{"quantity", "1", "", ""}, {"add-to-cart", "42", "", ""}};
  const httplib::Result r = client.Post("/product/trail-runner/", {{"Cookie", cookie}}, items);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 302);
  EXPECT_EQ(buyer.PathOf(r->get_header_value("Location")), "/cart/");
  const httplib::Result cart = client.Get("/cart/", {{"Cookie", cookie}});
  ASSERT_TRUE(cart);
  EXPECT_NE(cart->body.find("Proceed to checkout"), std::string::npos);
}

TEST_F(CheckoutShopServer, AddsToTheCartFromAGetLinkAndEmptiesItFromTheRemoveLink) {
  StartShop("woo");
  Buyer buyer(*server);
  const Landing added = buyer.Go({"GET", "/product-category/running-shoes/?add-to-cart=57", {}});
  ASSERT_EQ(added.redirects, std::vector<int>{302});
  EXPECT_EQ(added.target, "/cart/");
  EXPECT_NE(added.body.find("Proceed to checkout"), std::string::npos);
  const Landing removed = buyer.Go({"GET", "/cart/?remove_item=a1d0c6e83f027327d8461063f4ac58a6&_wpnonce=2b7d1c9e4f", {}});
  EXPECT_FALSE(removed.redirects.empty());
  EXPECT_NE(removed.body.find("Your cart is currently empty."), std::string::npos);
  EXPECT_TRUE(server->Orders().empty());
}

TEST_F(CheckoutShopServer, RefusesToStartOnAFlowJsonItCannotFollow) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"routes": [{"path": "/", "serve": "index.html", "rout": 1}]})", "unknown key \"rout\""},
      {R"({"routes": [{"path": "/", "serve": "missing.html"}]})", "no file"},
      {R"({"routes": [{"path": "/", "serve": "index.html", "redirect": "/x"}]})", "exactly one of"},
      {R"({"routes": [{"method": "POST", "path": "/", "redirect": "/", "validate": [{"field": "a", "message": "m", "pattern": "("}]}]})", "bad pattern"},
      {R"({"routes": [)", "flow.json: offset"}};
  for (const auto& [json, why] : cases) {
    const std::filesystem::path dir = testing::TempDir();
    std::filesystem::create_directories(dir / "site");
    std::ofstream(dir / "site" / "index.html") << "<!doctype html><title>x</title>";
    std::ofstream(dir / "flow.json") << json;
    testing::FixtureServer bad((dir / "site").string());
    std::string error;
    EXPECT_FALSE(bad.Start(&error)) << json;
    EXPECT_NE(error.find(why), std::string::npos) << json << " gave: " << error;
  }
}

TEST_F(CheckoutShopServer, ShopsWithoutAFlowSetNoCookiesAndRecordNothing) {
  StartShop("demo");
  EXPECT_EQ(server->flow(), nullptr);
  httplib::Client client("127.0.0.1", server->port());
  const httplib::Result r = client.Get("/cart");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->has_header("Set-Cookie"));
  EXPECT_TRUE(server->Orders().empty());
  EXPECT_TRUE(server->Subscriptions().empty());
}

TEST_F(CheckoutShopServer, TheStandaloneServerRunsTheFlowAndExitsFourAfterAnOrderRequest) {
  const std::string dir = testing::TempDir();
  const std::string port_file = dir + "/port", log = dir + "/stderr";
  const std::string root = testing::SourcePath("fixtures/shops/woo/site");
  std::vector<std::string> args = {MMAUDIT_FIXTURE_SERVER, "--root", root, "--port-file", port_file};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int port = 0;
  for (int i = 0; i < 500 && port == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port)) {
      port = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (port == 0) kill(pid, SIGTERM);
  ASSERT_NE(port, 0) << "the server wrote no port file";
  httplib::Client client("127.0.0.1", port);
  const httplib::Result checkout = client.Get("/checkout/");
  const httplib::Result order = client.Post("/checkout/", "billing_first_name=Alice", "application/x-www-form-urlencoded");
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(checkout);
  EXPECT_EQ(checkout->status, 302) << "the flow sends a buyer without a cart back to it";
  ASSERT_TRUE(order);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 4);
  std::ifstream in(log);
  const std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(err.find("checkout flow with"), std::string::npos) << err;
  EXPECT_NE(err.find("1 order requests"), std::string::npos) << err;
}

}  // namespace
}  // namespace mmaudit
