// Compares a JSON result against an expectation the way Lighthouse's smoke tests do: the
// expectation is a subset of the result. Objects match when every expected member matches;
// arrays match element by element and must have the same length; scalars must be equal, except
// that an expected string of the form ">N", ">=N", "<N", "<=N" or "N±D" is a comparison applied to
// a numeric actual value.
#pragma once

#include <rapidjson/document.h>

#include <string>

namespace mmaudit::testing {

// True when `expected` is a subset of `actual`. On a mismatch, appends one line per difference to
// *why, each starting with the JSON path (e.g. "pages[/faq].facts.faq.markup_questions").
bool JsonSubset(const rapidjson::Value& expected, const rapidjson::Value& actual, const std::string& path,
                std::string* why);

// "" when `report_json` is valid against the embedded reports/schema/report.schema.json; otherwise
// where it is not ("invalid at #/checkout/steps/0 (schema ..., keyword required)") or why it could
// not be checked.
std::string ReportSchemaError(const std::string& report_json);

}  // namespace mmaudit::testing
