#include "pipeline/buyer.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace mmaudit::pipeline {
namespace {

// Every embedded buyer is complete, and its postcode and phone have the shape its country uses,
// so a shop's own validation accepts them.
TEST(Buyer, EveryDefaultBuyerHasValidValuesForItsCountry) {
  const std::map<std::string, std::string> postcode = {
      {"US", R"(\d{5})"},      {"GB", R"([A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})"}, {"PL", R"(\d{2}-\d{3})"},
      {"RU", R"(\d{6})"},      {"DE", R"(\d{5})"},  {"FR", R"(\d{5})"},  {"ES", R"(\d{5})"},
      {"IT", R"(\d{5})"},      {"PT", R"(\d{4}-\d{3})"}, {"NL", R"(\d{4} [A-Z]{2})"}};
  std::set<std::string> countries;
  for (const Buyer& b : DefaultBuyers()) {
    EXPECT_TRUE(countries.insert(b.country).second) << "two buyers for " << b.country;
    for (const char* purpose : {"given-name", "family-name", "email", "tel", "street-address", "address-line1",
                                "address-level2", "postal-code", "country", "new-password"})
      EXPECT_TRUE(b.ValueFor(purpose) && !b.ValueFor(purpose)->empty()) << b.country << " lacks " << purpose;
    ASSERT_TRUE(postcode.count(b.country)) << b.country;
    EXPECT_TRUE(std::regex_match(std::string(*b.ValueFor("postal-code")), std::regex(postcode.at(b.country))))
        << b.country << ": " << *b.ValueFor("postal-code");
    EXPECT_TRUE(std::regex_match(std::string(*b.ValueFor("tel")), std::regex(R"(\+\d[\d ]{7,16}\d)"))) << b.country;
    EXPECT_TRUE(std::regex_match(std::string(*b.ValueFor("email")), std::regex(R"([a-z.]+@example\.[a-z.]+)")))
        << b.country;
    EXPECT_EQ(*b.ValueFor("country"), b.country);
  }
  EXPECT_EQ(DefaultBuyer("pl").ValueFor("postal-code"), "00-590");
  EXPECT_EQ(DefaultBuyer("ZZ").country, "US");
}

TEST(Buyer, ABuyerFileOverridesSomeValuesAndTakesTheRestFromItsCountry) {
  std::string error;
  auto b = ParseBuyer(R"({"country": "pl", "values": {"given-name": "Ewa", "postal-code": "30-001"}})", &error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->country, "PL");
  EXPECT_EQ(b->ValueFor("given-name"), "Ewa");
  EXPECT_EQ(b->ValueFor("postal-code"), "30-001");
  EXPECT_EQ(b->ValueFor("family-name"), "Kowalska");
  EXPECT_FALSE(b->ValueFor("no-such-purpose"));
}

TEST(Buyer, ABrokenBuyerFileIsRefusedWithAClearError) {
  std::string error;
  EXPECT_FALSE(ParseBuyer("{", &error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_FALSE(ParseBuyer(R"({"values": {}})", &error));
  EXPECT_NE(error.find("country"), std::string::npos) << error;
  EXPECT_FALSE(ParseBuyer(R"({"country": "Poland"})", &error));
  EXPECT_FALSE(ParseBuyer(R"({"country": "PL", "values": {"tel": 48600700800}})", &error));
  EXPECT_NE(error.find("\"tel\" must be a string"), std::string::npos) << error;
}

TEST(Buyer, GuessesTheCountryFromTheLanguageRegionTheDomainOrTheLanguage) {
  EXPECT_EQ(GuessCountry("pl-PL", "shop.example"), "PL");
  EXPECT_EQ(GuessCountry("en-GB", "shop.example.com"), "GB");
  EXPECT_EQ(GuessCountry("pt_BR", ""), "BR");
  EXPECT_EQ(GuessCountry("", "sklep.pl"), "PL");
  EXPECT_EQ(GuessCountry("en", "shop.co.uk"), "GB");
  EXPECT_EQ(GuessCountry("ru", "magazin.example.com"), "RU");
  EXPECT_EQ(GuessCountry("en", "127.0.0.1"), "");
  EXPECT_EQ(GuessCountry("", "startup.io"), "");
}

}  // namespace
}  // namespace mmaudit::pipeline
