// Field purpose: what a form control asks the shopper for ("postal-code", "cc-number", "coupon" ...),
// inferred from its markup, so a checkout walker knows what to type where and the report can say
// which fields carry autofill tokens. Pure functions over FormControl (facts/page_facts.h); the
// multilingual cues are data in rules/fields-lexicon.json, embedded in the binary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "facts/lexicon.h"
#include "facts/page_facts.h"

namespace mmaudit::facts {

// Every purpose. Those from kName to kImpp are the WHATWG autofill field names, one each, named as
// the autocomplete attribute spells them; the rest are fields a checkout walker meets that no
// autofill token describes.
enum class FieldPurpose {
  kUnknown,
  // WHATWG autofill field names.
  kName, kHonorificPrefix, kGivenName, kAdditionalName, kFamilyName, kHonorificSuffix, kNickname,
  kUsername, kNewPassword, kCurrentPassword, kOneTimeCode, kOrganizationTitle, kOrganization,
  kStreetAddress, kAddressLine1, kAddressLine2, kAddressLine3,
  kAddressLevel4, kAddressLevel3, kAddressLevel2, kAddressLevel1,  // level2: city, level1: state/region
  kCountry, kCountryName, kPostalCode,
  kCcName, kCcGivenName, kCcAdditionalName, kCcFamilyName, kCcNumber, kCcExp, kCcExpMonth, kCcExpYear,
  kCcCsc, kCcType,
  kTransactionCurrency, kTransactionAmount, kLanguage, kBday, kBdayDay, kBdayMonth, kBdayYear, kSex,
  kUrl, kPhoto,
  kTel, kTelCountryCode, kTelNational, kTelAreaCode, kTelLocal, kTelLocalPrefix, kTelLocalSuffix,
  kTelExtension, kEmail, kImpp,
  // Not autofill field names.
  kHouseNumber,  // a separate house/building number field ("Nr domu", "Hausnummer", "Дом")
  kApartment,    // a separate flat/apartment number field ("Nr lokalu", "Квартира")
  kTaxId,        // VAT or tax number (NIP, ИНН, USt-IdNr., CPF ...)
  kCoupon,       // promo, discount or voucher code
  kGiftCard,     // gift card number or PIN
  kComment,      // order notes, delivery instructions, gift message
  kSearch,
  kQuantity,
  kCaptcha,
  kNewsletter,   // a checkbox or radio that subscribes to marketing
  kTerms,        // a checkbox or radio that accepts terms or a privacy policy
};

// The stable name written to JSON reports: the autofill field name for autofill purposes
// ("postal-code", "cc-number"), else "house-number", "apartment", "tax-id", "coupon", "gift-card",
// "comment", "search", "quantity", "captcha", "newsletter", "terms" or "unknown". Never empty.
std::string_view FieldPurposeName(FieldPurpose purpose);
// The purpose FieldPurposeName calls `name` (exact, lower case), or nullopt for any other string.
std::optional<FieldPurpose> FieldPurposeFromName(std::string_view name);
// True for the purposes that are WHATWG autofill field names (kName ... kImpp).
bool IsAutofillFieldName(FieldPurpose purpose);
// Every purpose, in declaration order.
const std::vector<FieldPurpose>& AllFieldPurposes();

// An autocomplete attribute value read with the WHATWG grammar (HTML, "Autofill", autofill detail
// tokens): tokens split on ASCII whitespace and compared ASCII case-insensitively, in this order:
//   [section-*] [shipping|billing] ( field-name | [home|work|mobile|fax|pager] contact-field-name ) [webauthn]
// or the keyword "on" or "off" alone. Contact field names are tel, tel-*, email and impp; the
// other field names are those of FieldPurpose. Whether a field name suits the control's type (the
// spec's control groups) is not checked.
struct Autocomplete {
  bool valid = false;             // the value follows the grammar (also true for "on" and "off")
  std::string keyword;            // "on" or "off" when the value is that keyword alone, else ""
  std::string field_name;         // e.g. "postal-code"; "" unless valid and not a keyword
  std::string section;            // the whole "section-..." token, lower case, or ""
  std::string address_type;       // "shipping", "billing" or ""
  std::string contact_type;       // "home", "work", "mobile", "fax", "pager" or ""
  bool webauthn = false;
  // When not valid: the tokens that break the grammar (unknown words, or known ones out of place),
  // lower case, in the order written; at most kMaxInvalidTokens, each cut to kMaxTokenBytes bytes
  // at a character boundary (pages put script source in this attribute). Empty when valid, and
  // for an empty or all-whitespace value (no tokens at all: valid is false, nothing to list).
  std::vector<std::string> invalid_tokens;
  static constexpr std::size_t kMaxInvalidTokens = 8;
  static constexpr std::size_t kMaxTokenBytes = 64;
};
Autocomplete ParseAutocomplete(std::string_view value);

// The purpose of an autofill field name token ("cc-exp" -> kCcExp), or nullopt when `field_name`
// (lower case) is none.
std::optional<FieldPurpose> PurposeOfAutofillFieldName(std::string_view field_name);

// Where an inferred purpose came from.
enum class PurposeSource { kNone, kAutocomplete, kType, kNameOrId, kLabel, kPlaceholder };
// "none", "autocomplete", "type", "name-or-id", "label", "placeholder".
std::string_view PurposeSourceName(PurposeSource source);

struct FieldPurposeGuess {
  FieldPurpose purpose = FieldPurpose::kUnknown;
  PurposeSource source = PurposeSource::kNone;  // kNone exactly when purpose is kUnknown
  // The cue that decided: the autocomplete field name ("postal-code"), the input type ("email"),
  // or the lexicon phrase found in the name/id, label or placeholder (case-folded, e.g. "kod
  // pocztowy"). "" when purpose is kUnknown.
  std::string evidence;
  std::string address_type;  // "shipping" or "billing" from the autocomplete attribute, else ""
};

// Infers what `control` asks for. Never fails: a control with no usable cue is kUnknown.
// Buttons (tag button, type submit/button/reset/image) are always kUnknown.
// Precedence:
//  1. a valid autocomplete field name (not "on"/"off", not an invalid value);
//  2. the input type: email -> kEmail, search -> kSearch, url -> kUrl; tel -> kTel and password ->
//     kCurrentPassword, except that these two are also used only for the phone keypad or for
//     masking, so a cue from steps 3-4 naming a purpose that fits the type wins over them (type=tel
//     named "postcode" is a postal code, type=password named "cvv" is a card security code);
//  3. the name attribute, then the id, split into words (billing_postcode, zipCode,
//     checkout[shipping_address][city] -> "checkout shipping address city"; see
//     IdentifierWords). Of the cues found, the one ending last wins ("shipping address city" is a
//     city: English compounds end with their head), ties going to the more specific purpose. A
//     generic cue (a bare "name" or "password", see PurposeCue) gives way to a cue of step 4;
//  4. the label text, then the placeholder: the most specific purpose whose cue appears anywhere;
//     a text naming the street with a house or flat number ("Straße und Hausnummer") is
//     address-line1, and one listing flat and other parts ("Apartamento, local, etc.")
//     address-line2.
// Checkboxes and radios only ever get kNewsletter, kTerms or kUnknown, from steps 3-4; those two
// purposes are never given to other controls. A textarea whose cues say address-line1 is the
// whole street address (kStreetAddress).
// `cues` must hold the concepts of rules/fields-lexicon.json (FieldLexicon()); the guess holds no
// reference to it or to `control`.
FieldPurposeGuess InferFieldPurpose(const FormControl& control, const Lexicon& cues);
FieldPurposeGuess InferFieldPurpose(const FormControl& control);  // with FieldLexicon()

// The embedded rules/fields-lexicon.json, parsed once (thread-safe). Aborts the program if the
// embedded copy is broken, which a test guards against.
const Lexicon& FieldLexicon();

// The lexicon concepts InferFieldPurpose reads, most specific first, with the purpose each stands
// for. A concept whose name ends in ":id" is matched in name/id words only, not in text people read
// (programmers' abbreviations such as "fname", "ccnum", "ein"). A purpose may have several
// concepts at different ranks. For the test that checks the lexicon file against this list.
struct PurposeCue {
  std::string_view concept_name;
  FieldPurpose purpose;
  // A cue too vague to trust in a name/id when the label or placeholder has a cue of its own
  // (name="name" with the label "Name on card" is a cardholder name; name="password" with the
  // label "Confirm password" a new password).
  bool generic = false;
};
const std::vector<PurposeCue>& PurposeCues();

// A name or id attribute as lower-case words separated by single spaces: ASCII punctuation and
// spaces separate words, so do camelCase humps ("zipCode", "CCNumber" -> "cc number") and
// letter/digit changes ("address1" -> "address 1"). A bracketed number of up to six digits is a
// zero-based index and reads one higher ("street[0]" -> "street 1", Magento's first street line).
// Non-ASCII letters are kept and case-folded (text::FoldCase). "" for an identifier without
// letters or digits.
std::string IdentifierWords(std::string_view identifier);

}  // namespace mmaudit::facts
