// The rule catalogue: loading, validating and holding RuleSpecs.
//
// Sources, in order: the catalogue embedded at build time from rules/*.json (Catalogue::Default), or
// every *.json file of a directory given with --rules-dir. Files whose names end in "lexicon.json"
// (rules/lexicon.json and the cue lists of later stages, such as rules/fields-lexicon.json) hold
// phrases, not rules, and are skipped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/rule.h"

namespace mmaudit::rules {

// A problem with one rule that does not stop the run: the rule is left out and the report lists it.
struct RuleProblem {
  std::string file;
  std::string rule_id;  // "" when the entry had no id
  std::string field;    // the offending field, e.g. "check"
  std::string message;
};

struct Catalogue {
  std::vector<RuleSpec> rules;          // valid rules, in file order (files sorted by name)
  std::vector<RuleProblem> problems;    // rules left out, with the reason

  const RuleSpec* Find(std::string_view id) const;
};

// Parses one rule file's text and appends its rules (or problems) to `out`. Returns false and sets
// *error (naming the file) when the file is not valid JSON or lacks a top-level "rules" array; then
// nothing is appended. That case is a configuration error (exit code 2), unlike a single bad rule.
bool ParseRuleFile(std::string_view file_name, std::string_view json, Catalogue* out, std::string* error);

// The catalogue compiled into the binary.
Catalogue DefaultCatalogue();
// True for a cue file (a name ending in "lexicon.json"), which the catalogue loaders skip.
bool IsCueFile(std::string_view path);

// The rule reference as Markdown (docs/rules.md is this for the built-in catalogue, written by
// `mmaudit rules --markdown`): a table of contents per moment, then each rule's titles, scope,
// check, score mode, weight, options, description, threshold source and learn-more link, in
// catalogue order. Deterministic; every string comes from the rule files.
std::string RuleReferenceMarkdown(const Catalogue& catalogue);

// Every rule file in `dir` (sorted by name). Returns false with *error on an unreadable directory or
// an invalid file.
bool LoadCatalogueDir(const std::string& dir, Catalogue* out, std::string* error);

}  // namespace mmaudit::rules
