// The synthetic buyer the checkout walk types into forms: one value per field purpose
// (facts/field_purpose.h names, WHATWG autocomplete names where one exists), with a default buyer
// per country (rules/buyers/buyers.json, embedded) so a Polish shop gets a Polish postcode and phone
// number, and a --buyer file to override any of it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::pipeline {

struct Buyer {
  std::string country;  // ISO 3166-1 alpha-2, upper case ("PL")
  std::map<std::string, std::string, std::less<>> values;  // by field purpose

  // The value for `purpose`, or nullopt when this buyer has none.
  std::optional<std::string_view> ValueFor(std::string_view purpose) const;
};

// The embedded default buyers, one per country, in file order. Aborts the program if the embedded
// file is broken, which a test guards against.
const std::vector<Buyer>& DefaultBuyers();
// The default buyer of `country` (any case); the US buyer for a country without one.
const Buyer& DefaultBuyer(std::string_view country);

// Parses a buyer file: {"country": "PL", "values": {"given-name": "Ewa", ...}}. "country" is
// required; values it leaves out come from DefaultBuyer(country). Returns nullopt and sets *error
// (saying what is wrong and where) for malformed JSON, a missing or malformed country, or a value
// that is not a string.
std::optional<Buyer> ParseBuyer(std::string_view json, std::string* error);

// The country a shop most likely sells to: the region of its language tag ("pl-PL" -> PL), else its
// host's country-code top-level domain ("sklep.pl" -> PL, "shop.co.uk" -> GB), else the usual
// country of its language ("pl" -> PL, "de" -> DE, "en" -> ""), else "".
std::string GuessCountry(std::string_view lang, std::string_view host);

}  // namespace mmaudit::pipeline
