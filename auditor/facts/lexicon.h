// Multilingual text cues as data. Each cue ("faq_heading", "add_to_cart" ...) maps to phrases in
// English, Russian, Polish, German, French, Spanish, Italian, Portuguese and Dutch, loaded from
// rules/lexicon.json. Matching is whole-word matching on case-folded text (text::FoldCase): "reso"
// matches "reso gratuito" but not "resort", "p24" matches "p24" but not "sp24x". A phrase written
// with a trailing "*" is a stem that takes any ending ("opini*": "opinie", "opinii").
// A Lexicon is immutable after loading and safe to share between threads.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::facts {

class PhraseMatcher;  // Aho-Corasick over a set of phrases, in lexicon.cc

class Lexicon {
 public:
  // Parses lexicon JSON: {"concepts": {"name": {"en": ["..."], "ru": [...]}, ...},
  // "payment_methods": {"Apple Pay": ["apple pay", "applepay"], ...}}. Returns nullopt and sets
  // *error on malformed input.
  static std::optional<Lexicon> Parse(std::string_view json, std::string* error);
  // The embedded rules/lexicon.json. Aborts the program if the embedded copy is broken, which a
  // test guards against.
  static const Lexicon& Default();

  // True when the case-folded `folded_text` contains a phrase of `cue`. Unknown concepts never
  // match.
  bool Matches(std::string_view cue, std::string_view folded_text) const;
  // The phrase of `cue` that ends first in `folded_text` (the longer one on a tie), without a stem's
  // "*", or "".
  std::string FirstMatch(std::string_view cue, std::string_view folded_text) const;
  // True when the folded text *equals* one of the phrases (for short link/button texts).
  bool Equals(std::string_view cue, std::string_view folded_text) const;
  // Every concept with a phrase in `folded_text`, found in one pass (for a page's whole text, where
  // several concepts are asked about).
  std::vector<std::string> ConceptsIn(std::string_view folded_text) const;
  // Payment method names whose cues appear in `folded_text`, in lexicon order.
  std::vector<std::string> PaymentMethods(std::string_view folded_text) const;
  std::vector<std::string> Concepts() const;
  // Languages that have at least one phrase for `cue`.
  std::vector<std::string> Languages(std::string_view cue) const;

 private:
  void BuildMatchers();

  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::less<>> concepts_;
  std::vector<std::pair<std::string, std::vector<std::string>>> payment_methods_;
  // One automaton per concept and one for all payment cues, so a page's text is read once per
  // question however many phrases there are.
  std::map<std::string, std::shared_ptr<const PhraseMatcher>, std::less<>> matchers_;
  std::shared_ptr<const PhraseMatcher> payment_matcher_;
  std::shared_ptr<const PhraseMatcher> all_matcher_;  // every concept's phrases; ids index concept_names_
  std::vector<std::string> concept_names_;
};

}  // namespace mmaudit::facts
