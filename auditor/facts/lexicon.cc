#include "facts/lexicon.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/embedded.h"
#include "core/text.h"

namespace mmaudit::facts {

namespace {

// Decodes the code point that starts at `i` (for `forward`) or ends just before `i`; -1 at the edge.
int32_t CodePointAround(std::string_view s, std::size_t i, bool forward) {
  if (forward) {
    if (i >= s.size()) return -1;
  } else {
    if (i == 0) return -1;
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  }
  const auto b0 = static_cast<unsigned char>(s[i]);
  int n = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 4;
  int32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < n; ++k) {
    if (i + static_cast<std::size_t>(k) >= s.size()) return -1;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  }
  return cp;
}

// Letters and digits of the scripts we read; punctuation, spaces and symbols are not.
bool IsWordCodePoint(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, currency, arrows, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  return true;
}

// The position of `phrase` in `text` as a whole word (or words), or npos. A phrase edge that is
// itself a space or punctuation ("как ", "q&a") needs no boundary on that side. A phrase ending in
// "*" is a stem: any ending may follow ("opini*" finds "opinie", "opinii", "opiniami"), which
// inflected languages such as Polish and Russian need.
std::size_t FindWord(std::string_view text, std::string_view phrase) {
  const bool stem = !phrase.empty() && phrase.back() == '*';
  if (stem) phrase.remove_suffix(1);
  if (phrase.empty()) return std::string_view::npos;
  const bool check_start = IsWordCodePoint(CodePointAround(phrase, 0, true));
  const bool check_end = !stem && IsWordCodePoint(CodePointAround(phrase, phrase.size(), false));
  for (std::size_t pos = text.find(phrase); pos != std::string_view::npos; pos = text.find(phrase, pos + 1)) {
    if (check_start && IsWordCodePoint(CodePointAround(text, pos, false))) continue;
    if (check_end && IsWordCodePoint(CodePointAround(text, pos + phrase.size(), true))) continue;
    return pos;
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<Lexicon> Lexicon::Parse(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    *error = std::string("lexicon is not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) +
             " at offset " + std::to_string(d.GetErrorOffset());
    return std::nullopt;
  }
  if (!d.IsObject() || !d.HasMember("concepts") || !d["concepts"].IsObject()) {
    *error = "lexicon needs an object member \"concepts\"";
    return std::nullopt;
  }
  Lexicon lex;
  auto read_list = [&](const rapidjson::Value& v, const std::string& where, std::vector<std::string>* out) {
    if (!v.IsArray()) {
      *error = where + " must be an array of strings";
      return false;
    }
    for (const auto& s : v.GetArray()) {
      if (!s.IsString()) {
        *error = where + " must be an array of strings";
        return false;
      }
      out->push_back(text::FoldCase(std::string_view(s.GetString(), s.GetStringLength())));
    }
    return true;
  };
  for (const auto& c : d["concepts"].GetObject()) {
    const std::string name = c.name.GetString();
    if (!c.value.IsObject()) {
      *error = "lexicon cue \"" + name + "\" must be an object of language lists";
      return std::nullopt;
    }
    auto& langs = lex.concepts_[name];
    for (const auto& l : c.value.GetObject()) {
      if (!read_list(l.value, "lexicon cue \"" + name + "\" language \"" + l.name.GetString() + "\"",
                     &langs[l.name.GetString()]))
        return std::nullopt;
    }
  }
  if (d.HasMember("payment_methods")) {
    if (!d["payment_methods"].IsObject()) {
      *error = "lexicon \"payment_methods\" must be an object";
      return std::nullopt;
    }
    for (const auto& m : d["payment_methods"].GetObject()) {
      std::vector<std::string> cues;
      if (!read_list(m.value, std::string("payment method \"") + m.name.GetString() + "\"", &cues)) return std::nullopt;
      lex.payment_methods_.emplace_back(m.name.GetString(), std::move(cues));
    }
  }
  return lex;
}

const Lexicon& Lexicon::Default() {
  static const Lexicon lex = [] {
    auto data = embedded::Find("rules/lexicon.json");
    std::string error = "rules/lexicon.json was not embedded";
    std::optional<Lexicon> parsed = data ? Parse(*data, &error) : std::nullopt;
    if (!parsed) {
      std::fprintf(stderr, "mmaudit: internal error: %s\n", error.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return lex;
}

bool Lexicon::Matches(std::string_view cue, std::string_view folded_text) const {
  return !FirstMatch(cue, folded_text).empty();
}

std::string Lexicon::FirstMatch(std::string_view cue, std::string_view folded_text) const {
  auto it = concepts_.find(cue);
  if (it == concepts_.end()) return {};
  for (const auto& [lang, phrases] : it->second)
    for (const std::string& p : phrases)
      if (FindWord(folded_text, p) != std::string_view::npos) return p.back() == '*' ? p.substr(0, p.size() - 1) : p;
  return {};
}

bool Lexicon::Equals(std::string_view cue, std::string_view folded_text) const {
  auto it = concepts_.find(cue);
  if (it == concepts_.end()) return false;
  for (const auto& [lang, phrases] : it->second)
    for (const std::string& p : phrases)
      if (p == folded_text) return true;
  return false;
}

std::vector<std::string> Lexicon::PaymentMethods(std::string_view folded_text) const {
  std::vector<std::string> out;
  for (const auto& [name, cues] : payment_methods_)
    for (const std::string& c : cues)
      if (FindWord(folded_text, c) != std::string_view::npos) {
        out.push_back(name);
        break;
      }
  return out;
}

std::vector<std::string> Lexicon::Concepts() const {
  std::vector<std::string> out;
  for (const auto& [name, langs] : concepts_) out.push_back(name);
  return out;
}

std::vector<std::string> Lexicon::Languages(std::string_view cue) const {
  std::vector<std::string> out;
  auto it = concepts_.find(cue);
  if (it == concepts_.end()) return out;
  for (const auto& [lang, phrases] : it->second)
    if (!phrases.empty()) out.push_back(lang);
  return out;
}

}  // namespace mmaudit::facts
