#include "facts/field_purpose.h"

#include <iterator>

#include "core/text.h"

namespace mmaudit::facts {
namespace {

using P = FieldPurpose;

struct PurposeInfo {
  P purpose;
  std::string_view name;
  bool contact = false;  // a WHATWG contact field name (may follow home, work, mobile, fax or pager)
};

// Declaration order of FieldPurpose; the names between "name" and "impp" are the WHATWG autofill
// field names.
constexpr PurposeInfo kPurposes[] = {
    {P::kUnknown, "unknown"},
    {P::kName, "name"}, {P::kHonorificPrefix, "honorific-prefix"}, {P::kGivenName, "given-name"},
    {P::kAdditionalName, "additional-name"}, {P::kFamilyName, "family-name"},
    {P::kHonorificSuffix, "honorific-suffix"}, {P::kNickname, "nickname"}, {P::kUsername, "username"},
    {P::kNewPassword, "new-password"}, {P::kCurrentPassword, "current-password"},
    {P::kOneTimeCode, "one-time-code"}, {P::kOrganizationTitle, "organization-title"},
    {P::kOrganization, "organization"}, {P::kStreetAddress, "street-address"},
    {P::kAddressLine1, "address-line1"}, {P::kAddressLine2, "address-line2"},
    {P::kAddressLine3, "address-line3"}, {P::kAddressLevel4, "address-level4"},
    {P::kAddressLevel3, "address-level3"}, {P::kAddressLevel2, "address-level2"},
    {P::kAddressLevel1, "address-level1"}, {P::kCountry, "country"}, {P::kCountryName, "country-name"},
    {P::kPostalCode, "postal-code"}, {P::kCcName, "cc-name"}, {P::kCcGivenName, "cc-given-name"},
    {P::kCcAdditionalName, "cc-additional-name"}, {P::kCcFamilyName, "cc-family-name"},
    {P::kCcNumber, "cc-number"}, {P::kCcExp, "cc-exp"}, {P::kCcExpMonth, "cc-exp-month"},
    {P::kCcExpYear, "cc-exp-year"}, {P::kCcCsc, "cc-csc"}, {P::kCcType, "cc-type"},
    {P::kTransactionCurrency, "transaction-currency"}, {P::kTransactionAmount, "transaction-amount"},
    {P::kLanguage, "language"}, {P::kBday, "bday"}, {P::kBdayDay, "bday-day"},
    {P::kBdayMonth, "bday-month"}, {P::kBdayYear, "bday-year"}, {P::kSex, "sex"}, {P::kUrl, "url"},
    {P::kPhoto, "photo"},
    {P::kTel, "tel", true}, {P::kTelCountryCode, "tel-country-code", true},
    {P::kTelNational, "tel-national", true}, {P::kTelAreaCode, "tel-area-code", true},
    {P::kTelLocal, "tel-local", true}, {P::kTelLocalPrefix, "tel-local-prefix", true},
    {P::kTelLocalSuffix, "tel-local-suffix", true}, {P::kTelExtension, "tel-extension", true},
    {P::kEmail, "email", true}, {P::kImpp, "impp", true},
    {P::kHouseNumber, "house-number"}, {P::kApartment, "apartment"}, {P::kTaxId, "tax-id"},
    {P::kCoupon, "coupon"}, {P::kGiftCard, "gift-card"}, {P::kComment, "comment"}, {P::kSearch, "search"},
    {P::kQuantity, "quantity"}, {P::kCaptcha, "captcha"}, {P::kNewsletter, "newsletter"},
    {P::kTerms, "terms"},
};

constexpr bool InDeclarationOrder() {
  for (std::size_t i = 0; i < std::size(kPurposes); ++i)
    if (static_cast<std::size_t>(kPurposes[i].purpose) != i) return false;
  return std::size(kPurposes) == static_cast<std::size_t>(P::kTerms) + 1;
}
static_assert(InDeclarationOrder(), "kPurposes lists every FieldPurpose, in declaration order");

const PurposeInfo& Info(P p) { return kPurposes[static_cast<std::size_t>(p)]; }

// The lexicon concepts, most specific first (see PurposeCues). Label and placeholder text take the
// first that matches; name/id words the one ending last, ties going to the earlier row.
const std::vector<PurposeCue>& CueTable() {
  static const std::vector<PurposeCue> table = {
      {"captcha", P::kCaptcha},
      {"gift-card", P::kGiftCard},
      {"coupon", P::kCoupon},
      {"coupon:id", P::kCoupon},
      {"cc-csc", P::kCcCsc},
      {"cc-csc:id", P::kCcCsc},
      {"cc-exp-month-and-year", P::kCcExp},  // "MM/YY" before the month and year cues it contains
      {"bday", P::kBday},
      {"cc-exp-month", P::kCcExpMonth},
      {"cc-exp-month:id", P::kCcExpMonth},
      {"cc-exp-year", P::kCcExpYear},
      {"cc-exp-year:id", P::kCcExpYear},
      {"cc-exp", P::kCcExp},
      {"cc-exp:id", P::kCcExp},
      {"cc-type", P::kCcType},
      {"cc-name", P::kCcName},
      {"cc-name:id", P::kCcName},
      {"cc-number", P::kCcNumber},
      {"cc-number:id", P::kCcNumber},
      {"one-time-code", P::kOneTimeCode},
      {"new-password", P::kNewPassword},
      {"new-password:id", P::kNewPassword},
      {"current-password", P::kCurrentPassword, true},  // "Password" may still be a new one
      {"current-password:id", P::kCurrentPassword, true},
      {"email", P::kEmail},
      {"email:id", P::kEmail},
      {"username", P::kUsername},
      {"username:id", P::kUsername},
      {"tel-country-code", P::kTelCountryCode},
      {"tel-extension", P::kTelExtension},
      {"tel", P::kTel},
      {"tel:id", P::kTel},
      {"tax-id", P::kTaxId},
      {"tax-id:id", P::kTaxId},
      {"postal-code", P::kPostalCode},
      {"postal-code:id", P::kPostalCode},
      {"apartment", P::kApartment},
      {"address-line3", P::kAddressLine3},
      {"address-line2", P::kAddressLine2},
      {"address-line2:id", P::kAddressLine2},
      {"address-level3", P::kAddressLevel3},
      {"country", P::kCountry},
      {"country:id", P::kCountry},
      {"address-level2", P::kAddressLevel2},
      {"address-level1", P::kAddressLevel1},
      {"address-level1:id", P::kAddressLevel1},
      {"address-line1", P::kAddressLine1},
      {"address-line1:id", P::kAddressLine1},
      {"house-number", P::kHouseNumber},
      {"organization", P::kOrganization},
      {"organization:id", P::kOrganization},
      {"full-name", P::kName},  // "first and last name" before the given and family name cues
      {"full-name:id", P::kName},
      {"additional-name", P::kAdditionalName},
      {"given-name", P::kGivenName},
      {"given-name:id", P::kGivenName},
      {"family-name", P::kFamilyName},
      {"family-name:id", P::kFamilyName},
      {"name", P::kName, true},
      {"honorific-prefix", P::kHonorificPrefix},
      {"comment", P::kComment},
      {"quantity", P::kQuantity},
      {"quantity:id", P::kQuantity},
      {"transaction-amount", P::kTransactionAmount},
      {"url", P::kUrl},
      {"search", P::kSearch},
      {"search:id", P::kSearch},
      {"newsletter", P::kNewsletter},
      {"terms", P::kTerms},
  };
  return table;
}

bool IsChoicePurpose(P p) { return p == P::kNewsletter || p == P::kTerms; }

// Purposes a type=tel control can hold: digits typed on the phone keypad.
bool FitsTelType(P p) {
  switch (p) {
    case P::kTel: case P::kTelCountryCode: case P::kTelNational: case P::kTelAreaCode: case P::kTelLocal:
    case P::kTelLocalPrefix: case P::kTelLocalSuffix: case P::kTelExtension: case P::kCcNumber: case P::kCcExp:
    case P::kCcExpMonth: case P::kCcExpYear: case P::kCcCsc: case P::kPostalCode: case P::kHouseNumber:
    case P::kApartment: case P::kOneTimeCode: case P::kQuantity: case P::kBday: case P::kBdayDay:
    case P::kBdayMonth: case P::kBdayYear: case P::kGiftCard: case P::kCoupon: case P::kTaxId:
    case P::kTransactionAmount: case P::kCaptcha:
      return true;
    default:
      return false;
  }
}

// Purposes a type=password control can hold: secrets typed masked.
bool FitsPasswordType(P p) {
  switch (p) {
    case P::kCurrentPassword: case P::kNewPassword: case P::kOneTimeCode: case P::kCcCsc: case P::kCcNumber:
    case P::kGiftCard: case P::kCaptcha:
      return true;
    default:
      return false;
  }
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::vector<std::string_view> SplitAsciiWhitespace(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && IsAsciiSpace(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !IsAsciiSpace(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordByte(char c) {
  return IsAsciiLower(c) || IsAsciiUpper(c) || IsAsciiDigit(c) || static_cast<unsigned char>(c) >= 0x80;
}

struct Cue {
  P purpose;
  std::string phrase;
  bool generic = false;  // from a PurposeCue::generic concept
};

std::size_t CueRank(std::string_view concept_name, bool identifier) {
  const auto& table = CueTable();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i].concept_name == concept_name) {
      if (!identifier && text::EndsWith(concept_name, ":id")) return table.size();
      return i;
    }
  return table.size();
}

bool Allowed(P p, bool choice) { return IsChoicePurpose(p) == choice; }

// The most specific cue anywhere in case-folded text people read (a label, a placeholder).
std::optional<Cue> TextCue(std::string_view folded, bool choice, const Lexicon& lex) {
  if (folded.empty()) return std::nullopt;
  const auto& table = CueTable();
  std::size_t best = table.size();
  std::string phrase;
  bool street = false;
  for (const Lexicon::Match& m : lex.AllMatches(folded)) {
    const std::size_t rank = CueRank(m.concept_name, false);
    if (rank >= table.size() || !Allowed(table[rank].purpose, choice)) continue;
    if (table[rank].purpose == P::kAddressLine1) street = true;
    if (rank < best) {
      best = rank;
      phrase = m.phrase;
    }
  }
  if (best == table.size()) return std::nullopt;
  P p = table[best].purpose;
  // "Street and house number", "Улица, дом, квартира": one field for the whole first line.
  if ((p == P::kHouseNumber || p == P::kApartment) && street) p = P::kAddressLine1;
  // "Apartamento, local, etc.", "Квартира, корпус": a list of parts is the free second line.
  if (p == P::kApartment && folded.find(',') != std::string_view::npos) p = P::kAddressLine2;
  return Cue{p, std::move(phrase)};
}

// The cue ending last in name/id words (ties: the most specific).
std::optional<Cue> IdentifierCue(std::string_view identifier, bool choice, const Lexicon& lex) {
  const std::string words = IdentifierWords(identifier);
  if (words.empty()) return std::nullopt;
  const auto& table = CueTable();
  std::size_t best = table.size(), best_end = 0;
  std::string phrase;
  for (const Lexicon::Match& m : lex.AllMatches(words)) {
    const std::size_t rank = CueRank(m.concept_name, true);
    if (rank >= table.size() || !Allowed(table[rank].purpose, choice)) continue;
    if (m.end > best_end || (m.end == best_end && rank < best)) {
      best = rank;
      best_end = m.end;
      phrase = m.phrase;
    }
  }
  if (best == table.size()) return std::nullopt;
  return Cue{table[best].purpose, std::move(phrase), table[best].generic};
}

// Steps 3 and 4 of InferFieldPurpose: name, id, label, placeholder.
FieldPurposeGuess CueGuess(const FormControl& c, bool choice, const Lexicon& lex) {
  FieldPurposeGuess g;
  std::optional<Cue> cue = IdentifierCue(c.name, choice, lex);
  if (!cue) cue = IdentifierCue(c.id, choice, lex);
  if (cue) g.source = PurposeSource::kNameOrId;
  if (!cue || cue->generic) {
    // A bare "name" says less than a label such as "Name on card" or "Company name".
    std::optional<Cue> text;
    if (c.label != c.placeholder && (text = TextCue(text::FoldCase(c.label), choice, lex))) {
      g.source = PurposeSource::kLabel;
    } else if ((text = TextCue(text::FoldCase(c.placeholder), choice, lex))) {
      // Also reached when the label is the placeholder (ExtractForms' fallback).
      g.source = PurposeSource::kPlaceholder;
    }
    if (text) cue = std::move(text);
  }
  if (!cue) return {};
  g.purpose = cue->purpose;
  g.evidence = std::move(cue->phrase);
  return g;
}

FieldPurposeGuess TypeGuess(P p, const std::string& type) {
  FieldPurposeGuess g;
  g.purpose = p;
  g.source = PurposeSource::kType;
  g.evidence = type;
  return g;
}

}  // namespace

std::string_view FieldPurposeName(FieldPurpose purpose) { return Info(purpose).name; }

std::optional<FieldPurpose> FieldPurposeFromName(std::string_view name) {
  for (const PurposeInfo& info : kPurposes)
    if (info.name == name) return info.purpose;
  return std::nullopt;
}

bool IsAutofillFieldName(FieldPurpose purpose) {
  return static_cast<int>(purpose) >= static_cast<int>(P::kName) &&
         static_cast<int>(purpose) <= static_cast<int>(P::kImpp);
}

const std::vector<FieldPurpose>& AllFieldPurposes() {
  static const std::vector<FieldPurpose> all = [] {
    std::vector<FieldPurpose> out;
    for (const PurposeInfo& info : kPurposes) out.push_back(info.purpose);
    return out;
  }();
  return all;
}

std::optional<FieldPurpose> PurposeOfAutofillFieldName(std::string_view field_name) {
  std::optional<FieldPurpose> p = FieldPurposeFromName(field_name);
  if (!p || !IsAutofillFieldName(*p)) return std::nullopt;
  return p;
}

Autocomplete ParseAutocomplete(std::string_view value) {
  Autocomplete a;
  const std::string lowered = text::AsciiLower(value);
  const std::vector<std::string_view> tokens = SplitAsciiWhitespace(lowered);
  if (tokens.empty()) return a;
  auto fail = [&](std::size_t bad_count) {
    // The first `bad_count` tokens are what the grammar could not place.
    a = Autocomplete{};
    for (std::size_t i = 0; i < bad_count && a.invalid_tokens.size() < Autocomplete::kMaxInvalidTokens; ++i)
      a.invalid_tokens.push_back(std::string(text::Utf8Prefix(tokens[i], Autocomplete::kMaxTokenBytes)));
    return a;
  };
  if (tokens.size() == 1 && (tokens[0] == "on" || tokens[0] == "off")) {
    a.valid = true;
    a.keyword = std::string(tokens[0]);
    return a;
  }
  // Read from the end, as the spec's processing model does.
  std::size_t end = tokens.size();  // tokens[0, end) are still to place
  if (tokens[end - 1] == "webauthn") {
    a.webauthn = true;
    --end;
    if (end == 0) return fail(1);
  }
  const std::optional<FieldPurpose> field = PurposeOfAutofillFieldName(tokens[end - 1]);
  if (!field) return fail(end);
  a.field_name = std::string(tokens[end - 1]);
  --end;
  if (end > 0 && Info(*field).contact) {
    const std::string_view t = tokens[end - 1];
    if (t == "home" || t == "work" || t == "mobile" || t == "fax" || t == "pager") {
      a.contact_type = std::string(t);
      --end;
    }
  }
  if (end > 0 && (tokens[end - 1] == "shipping" || tokens[end - 1] == "billing")) {
    a.address_type = std::string(tokens[end - 1]);
    --end;
  }
  if (end > 0 && text::StartsWith(tokens[end - 1], "section-")) {
    a.section = std::string(tokens[end - 1]);
    --end;
  }
  if (end > 0) return fail(end);
  a.valid = true;
  return a;
}

std::string_view PurposeSourceName(PurposeSource source) {
  switch (source) {
    case PurposeSource::kNone: return "none";
    case PurposeSource::kAutocomplete: return "autocomplete";
    case PurposeSource::kType: return "type";
    case PurposeSource::kNameOrId: return "name-or-id";
    case PurposeSource::kLabel: return "label";
    case PurposeSource::kPlaceholder: return "placeholder";
  }
  return "none";
}

const std::vector<PurposeCue>& PurposeCues() { return CueTable(); }

std::string IdentifierWords(std::string_view id) {
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    text::AppendFolded(word, &out);
    word.clear();
  };
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (c == '[') {
      // "[12]": a zero-based index, read one higher.
      std::size_t j = i + 1;
      while (j < id.size() && IsAsciiDigit(id[j])) ++j;
      if (j > i + 1 && j < id.size() && id[j] == ']' && j - i - 1 <= 6) {
        flush();
        word = std::to_string(std::stoul(std::string(id.substr(i + 1, j - i - 1))) + 1);
        flush();
        i = j;
        continue;
      }
    }
    if (!IsWordByte(c)) {
      flush();
      continue;
    }
    if (!word.empty()) {
      const char prev = word.back();
      const bool hump = IsAsciiUpper(c) && (IsAsciiLower(prev) || IsAsciiDigit(prev) ||
                                            (IsAsciiUpper(prev) && i + 1 < id.size() && IsAsciiLower(id[i + 1])));
      const bool digit_change = IsAsciiDigit(c) != IsAsciiDigit(prev) &&
                                static_cast<unsigned char>(c) < 0x80 && static_cast<unsigned char>(prev) < 0x80;
      if (hump || digit_change) flush();
    }
    word += c;
  }
  flush();
  return out;
}

FieldPurposeGuess InferFieldPurpose(const FormControl& c, const Lexicon& lex) {
  if (c.is_button()) return {};
  const bool choice = c.type == "checkbox" || c.type == "radio";
  if (choice) return CueGuess(c, true, lex);

  const Autocomplete ac = ParseAutocomplete(c.autocomplete);
  if (ac.valid && !ac.field_name.empty()) {
    FieldPurposeGuess g;
    g.purpose = *PurposeOfAutofillFieldName(ac.field_name);
    g.source = PurposeSource::kAutocomplete;
    g.evidence = ac.field_name;
    g.address_type = ac.address_type;
    return g;
  }
  if (c.type == "email") return TypeGuess(P::kEmail, c.type);
  if (c.type == "search") return TypeGuess(P::kSearch, c.type);
  if (c.type == "url") return TypeGuess(P::kUrl, c.type);

  FieldPurposeGuess g = CueGuess(c, false, lex);
  if (c.type == "tel" && !FitsTelType(g.purpose)) return TypeGuess(P::kTel, c.type);
  if (c.type == "password" && !FitsPasswordType(g.purpose)) return TypeGuess(P::kCurrentPassword, c.type);
  if (c.tag == "textarea" && g.purpose == P::kAddressLine1) g.purpose = P::kStreetAddress;
  return g;
}

FieldPurposeGuess InferFieldPurpose(const FormControl& control) { return InferFieldPurpose(control, FieldLexicon()); }

const Lexicon& FieldLexicon() {
  static const Lexicon& lex = Lexicon::Embedded("rules/fields-lexicon.json");  // no lock per call
  return lex;
}

}  // namespace mmaudit::facts
