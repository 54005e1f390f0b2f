// Internal to the rules stage: one rule entry read from parsed JSON. Shared by the catalogue loader
// (catalogue.cc) and the overlay's added rules (overlay.cc), so both validate entries alike.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "rules/catalogue.h"

namespace mmaudit::rules {

// Reads the rule entry `v` of file `file` into *rule. Returns true when it is usable; otherwise
// false with *problem naming the file, the rule id (when the entry has one), the field and why.
// Fields the entry does not know are ignored here (the overlay rejects them itself).
bool ReadRuleEntry(const rapidjson::Value& v, std::string_view file, RuleSpec* rule, RuleProblem* problem);

}  // namespace mmaudit::rules
