#include "pipeline/buyer.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdio>
#include <cstdlib>

#include "core/embedded.h"
#include "core/text.h"

namespace mmaudit::pipeline {
namespace {

std::string Upper(std::string_view s) {
  std::string out(text::Trim(s));
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return out;
}

bool IsCountryCode(const std::string& c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

// Reads one buyer object; `where` names it in errors.
std::optional<Buyer> ReadBuyer(const rapidjson::Value& v, const std::string& where, std::string* error) {
  if (!v.IsObject()) {
    *error = where + " must be an object";
    return std::nullopt;
  }
  Buyer b;
  if (!v.HasMember("country") || !v["country"].IsString() || !IsCountryCode(b.country = Upper(v["country"].GetString()))) {
    *error = where + " needs \"country\": a two-letter country code such as \"PL\"";
    return std::nullopt;
  }
  if (v.HasMember("values")) {
    if (!v["values"].IsObject()) {
      *error = where + " \"values\" must be an object of strings";
      return std::nullopt;
    }
    for (const auto& m : v["values"].GetObject()) {
      if (!m.value.IsString()) {
        *error = where + " value \"" + m.name.GetString() + "\" must be a string";
        return std::nullopt;
      }
      b.values[m.name.GetString()] = std::string(m.value.GetString(), m.value.GetStringLength());
    }
  }
  return b;
}

std::vector<Buyer> LoadDefaults() {
  auto data = embedded::Find("rules/buyers/buyers.json");
  std::string error = "rules/buyers/buyers.json was not embedded";
  std::vector<Buyer> out;
  if (data) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(data->data(), data->size());
    if (d.HasParseError() || !d.IsObject() || !d.HasMember("buyers") || !d["buyers"].IsArray()) {
      error = "rules/buyers/buyers.json needs an array \"buyers\"";
    } else {
      for (const auto& b : d["buyers"].GetArray()) {
        auto buyer = ReadBuyer(b, "rules/buyers/buyers.json buyer " + std::to_string(out.size() + 1), &error);
        if (!buyer) {
          out.clear();
          break;
        }
        out.push_back(std::move(*buyer));
      }
    }
  }
  if (out.empty()) {
    std::fprintf(stderr, "mmaudit: internal error: %s\n", error.c_str());
    std::abort();
  }
  return out;
}

}  // namespace

std::optional<std::string_view> Buyer::ValueFor(std::string_view purpose) const {
  auto it = values.find(purpose);
  if (it == values.end()) return std::nullopt;
  return std::string_view(it->second);
}

const std::vector<Buyer>& DefaultBuyers() {
  static const std::vector<Buyer> buyers = LoadDefaults();
  return buyers;
}

const Buyer& DefaultBuyer(std::string_view country) {
  const std::string c = Upper(country);
  const Buyer* us = nullptr;
  for (const Buyer& b : DefaultBuyers()) {
    if (b.country == c) return b;
    if (b.country == "US") us = &b;
  }
  return us != nullptr ? *us : DefaultBuyers().front();
}

std::optional<Buyer> ParseBuyer(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    *error = std::string("buyer file is not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) +
             " at offset " + std::to_string(d.GetErrorOffset());
    return std::nullopt;
  }
  auto buyer = ReadBuyer(d, "buyer file", error);
  if (!buyer) return std::nullopt;
  for (const auto& [purpose, value] : DefaultBuyer(buyer->country).values) buyer->values.emplace(purpose, value);
  return buyer;
}

std::string GuessCountry(std::string_view lang, std::string_view host) {
  // "pl-PL", "pt_BR": the region decides.
  const std::string tag = Upper(lang);
  const std::size_t sep = tag.find_first_of("-_");
  if (sep != std::string::npos) {
    const std::string region = tag.substr(sep + 1, 2);
    if (IsCountryCode(region) && (sep + 3 == tag.size() || tag[sep + 3] == '-' || tag[sep + 3] == '_'))
      return region == "UK" ? "GB" : region;
  }
  // A country-code top-level domain.
  const std::string h = Upper(host);
  const std::size_t dot = h.rfind('.');
  if (dot != std::string::npos) {
    const std::string tld = h.substr(dot + 1);
    if (IsCountryCode(tld) && tld != "IO" && tld != "CO" && tld != "ME" && tld != "TV" && tld != "AI")
      return tld == "UK" ? "GB" : tld;
  }
  // The country most shops in that language sell to.
  static constexpr std::pair<std::string_view, std::string_view> kByLanguage[] = {
      {"PL", "PL"}, {"RU", "RU"}, {"DE", "DE"}, {"FR", "FR"}, {"ES", "ES"},
      {"IT", "IT"}, {"PT", "PT"}, {"NL", "NL"}, {"UK", "UA"}, {"CS", "CZ"}};
  const std::string language = tag.substr(0, sep);
  for (const auto& [l, c] : kByLanguage)
    if (language == l) return std::string(c);
  return "";
}

}  // namespace mmaudit::pipeline
