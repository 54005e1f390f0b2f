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
  // The embedded lexicon file at `path` (e.g. "rules/checkout-lexicon.json"), parsed on first use
  // and kept for the whole program (thread-safe). Aborts the program if it was not embedded or is
  // broken, which a test of each file guards against.
  static const Lexicon& Embedded(std::string_view path);

  // One concept, looked up once for asking about many texts (a page's links, its buttons) without a
  // lookup by name per text. A Cue of an unknown concept matches nothing. Valid while its Lexicon
  // lives; cheap to copy.
  class Cue {
   public:
    // As Lexicon::Matches, FirstMatch and Equals for this concept.
    bool Matches(std::string_view folded_text) const;
    std::string FirstMatch(std::string_view folded_text) const;
    bool Equals(std::string_view folded_text) const;

   private:
    friend class Lexicon;
    const PhraseMatcher* matcher_ = nullptr;
    const std::map<std::string, std::vector<std::string>>* phrases_ = nullptr;  // by language
  };
  Cue Find(std::string_view cue) const;

  // True when the case-folded `folded_text` contains a phrase of `cue`. Unknown concepts never
  // match.
  bool Matches(std::string_view cue, std::string_view folded_text) const;
  // The phrase of `cue` that ends first in `folded_text` (the longer one on a tie), without a stem's
  // "*", or "".
  std::string FirstMatch(std::string_view cue, std::string_view folded_text) const;
  // True when the folded text *equals* one of the phrases (for short link/button texts).
  bool Equals(std::string_view cue, std::string_view folded_text) const;
  // What one pass over a text finds: every concept with a phrase in it (in name order) and every
  // payment method with a cue in it (in lexicon order).
  struct TextCues {
    std::vector<std::string> concepts;
    std::vector<std::string> payment_methods;
  };
  // Both lists from one pass over `folded_text` (for a page's whole text, where many concepts and
  // the payment methods are asked about).
  TextCues CuesIn(std::string_view folded_text) const;
  // CuesIn(folded_text).concepts.
  std::vector<std::string> ConceptsIn(std::string_view folded_text) const;
  // CuesIn(folded_text).payment_methods.
  std::vector<std::string> PaymentMethods(std::string_view folded_text) const;
  // One place where a concept's phrase occurs in a text.
  struct Match {
    std::string concept_name;
    std::string phrase;    // as stored: case-folded, without a stem's "*"
    std::size_t end = 0;   // byte offset just past the match in the text
  };
  // Every whole-word match of every concept in `folded_text` (payment cues left out), in order of
  // where they end (at one end position, longer phrases first), for callers that weigh where a
  // cue sits, such as reading a form field's name. Empty when nothing matches.
  std::vector<Match> AllMatches(std::string_view folded_text) const;
  std::vector<std::string> Concepts() const;
  // Languages that have at least one phrase for `cue`.
  std::vector<std::string> Languages(std::string_view cue) const;

 private:
  void BuildMatchers();

  std::map<std::string, std::map<std::string, std::vector<std::string>>, std::less<>> concepts_;
  std::vector<std::pair<std::string, std::vector<std::string>>> payment_methods_;
  // One automaton per concept, and one for every concept's phrases and every payment cue, so a
  // text is read once per question however many phrases there are.
  std::map<std::string, std::shared_ptr<const PhraseMatcher>, std::less<>> matchers_;
  // Ids below concept_names_.size() index concept_names_; the rest index payment_methods_ after
  // subtracting that size.
  std::shared_ptr<const PhraseMatcher> all_matcher_;
  std::vector<std::string> concept_names_;
};

}  // namespace mmaudit::facts
