// A rule overlay: a user's JSON file (`--rules FILE`) applied on top of a loaded catalogue (the
// built-in one or a --rules-dir one). It can disable rules, change some fields of a rule, and add
// rules that reuse a registered check with their own options:
//
//   {
//     "disable": ["doctype"],
//     "rules": {
//       "largest-contentful-paint": {"weight": 6, "options": {"p10": 2000, "median": 3500}},
//       "meta-description": {"page_types": ["product", "category"]}
//     },
//     "add": [ { a full rule entry, shaped exactly like those of rules/*.json } ]
//   }
//
// Every top-level key is optional; no other key is allowed. In "rules", a rule may change only:
//   weight            a number >= 0
//   score_mode        "binary", "numeric" or "informative"
//   page_types        an array of known page types (facts::PageTypes()); [] means every page type
//   threshold_source  a non-empty string (say where changed thresholds come from)
//   options           an object merged key by key into the rule's options: each key must be an
//                     option the rule already has, and keep its type (number, string or list of
//                     strings)
// After the changes a numeric rule must still have a usable curve ("linear" with "good" != "poor",
// or "log-normal" with 0 < "p10" < "median", also for the device variants such as "desktop_p10").
// An added rule must carry every documented field (see rules/*.json), name a registered check, use
// an id that is not taken, and say where its numbers come from ("threshold_source") when its options
// hold numbers. The order of application is: disable, then rules, then add.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/catalogue.h"

namespace mmaudit::rules {

// One mistake in an overlay. Every mistake is a configuration error (exit code 2).
struct OverlayError {
  std::string file;
  std::string rule_id;  // "" when the mistake is not about one rule (e.g. the file is not JSON)
  std::string field;    // e.g. "weight", "options.p10", "disable", "add"; "" for the file as a whole
  std::string message;

  // `FILE: rule "ID", field "FIELD": MESSAGE`, leaving out the parts that are empty.
  std::string Text() const;
};

// One change an overlay made, for the report (settings.rule_changes).
struct RuleChange {
  std::string rule_id;
  std::string kind;   // "disabled", "changed" or "added"
  std::string field;  // for "changed": "weight", "score_mode", "page_types", "threshold_source" or
                      // "options.NAME"; "" otherwise
  std::string from;   // for "changed": the old and new values as text (numbers as rule files write
  std::string to;     // them, lists joined with ", ", page_types [] as "all"); "" otherwise

  // A short line for people: "doctype disabled", "largest-contentful-paint weight 5 → 6",
  // "product-description-long added".
  std::string Describe() const;
};

// Parses the overlay `json` (named `file` in errors) and applies it to *catalogue. All or nothing:
// returns true and appends the changes made (in the order of application; a field set to the value it
// already had is not a change) to *changes; or returns false, leaves *catalogue and *changes
// untouched and appends every mistake found to *errors (at least one).
bool ApplyOverlay(std::string_view file, std::string_view json, Catalogue* catalogue, std::vector<RuleChange>* changes,
                  std::vector<OverlayError>* errors);

// Reads the file at `path` and applies it as ApplyOverlay does; an unreadable file is an error too.
bool ApplyOverlayFile(const std::string& path, Catalogue* catalogue, std::vector<RuleChange>* changes,
                      std::vector<OverlayError>* errors);

}  // namespace mmaudit::rules
