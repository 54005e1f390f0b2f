#include "tests/support/json_subset.h"

#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdlib>

#include "core/embedded.h"

namespace mmaudit::testing {
namespace {

std::string Show(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  std::string s = buf.GetString();
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

// Applies a comparator string to a number. Returns false when `spec` is not a comparator.
bool Compare(const std::string& spec, double actual, bool* result) {
  auto number = [](const std::string& s, double* out) {
    char* end = nullptr;
    *out = std::strtod(s.c_str(), &end);
    return end != s.c_str() && *end == '\0';
  };
  double n = 0;
  if (spec.rfind(">=", 0) == 0 && number(spec.substr(2), &n)) return *result = actual >= n, true;
  if (spec.rfind("<=", 0) == 0 && number(spec.substr(2), &n)) return *result = actual <= n, true;
  if (spec.rfind(">", 0) == 0 && number(spec.substr(1), &n)) return *result = actual > n, true;
  if (spec.rfind("<", 0) == 0 && number(spec.substr(1), &n)) return *result = actual < n, true;
  const auto pm = spec.find("±");
  double d = 0;
  if (pm != std::string::npos && number(spec.substr(0, pm), &n) && number(spec.substr(pm + 2), &d))
    return *result = std::abs(actual - n) <= d, true;
  return false;
}

}  // namespace

bool JsonSubset(const rapidjson::Value& expected, const rapidjson::Value& actual, const std::string& path,
                std::string* why) {
  if (expected.IsObject()) {
    if (!actual.IsObject()) {
      *why += path + ": expected an object, got " + Show(actual) + "\n";
      return false;
    }
    bool ok = true;
    for (const auto& m : expected.GetObject()) {
      const std::string name = m.name.GetString();
      auto it = actual.FindMember(m.name);
      if (it == actual.MemberEnd()) {
        *why += path + "." + name + ": missing\n";
        ok = false;
        continue;
      }
      ok = JsonSubset(m.value, it->value, path + "." + name, why) && ok;
    }
    return ok;
  }
  if (expected.IsArray()) {
    if (!actual.IsArray() || actual.Size() != expected.Size()) {
      *why += path + ": expected " + Show(expected) + ", got " + Show(actual) + "\n";
      return false;
    }
    bool ok = true;
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i)
      ok = JsonSubset(expected[i], actual[i], path + "[" + std::to_string(i) + "]", why) && ok;
    return ok;
  }
  if (expected.IsString() && actual.IsNumber()) {
    bool result = false;
    if (Compare(expected.GetString(), actual.GetDouble(), &result)) {
      if (!result) *why += path + ": " + Show(actual) + " is not " + expected.GetString() + "\n";
      return result;
    }
  }
  if (expected.IsNumber() && actual.IsNumber()) {
    if (std::abs(expected.GetDouble() - actual.GetDouble()) < 1e-9) return true;
  } else if (expected == actual) {
    return true;
  }
  *why += path + ": expected " + Show(expected) + ", got " + Show(actual) + "\n";
  return false;
}

std::string ReportSchemaError(const std::string& report_json) {
  auto schema_text = embedded::Find("reports/schema/report.schema.json");
  if (!schema_text) return "the schema is not embedded";
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_text->data(), schema_text->size());
  if (schema_doc.HasParseError()) return "the schema is not valid JSON";
  rapidjson::SchemaDocument schema(schema_doc);
  rapidjson::Document actual;
  actual.Parse(report_json.c_str());
  if (actual.HasParseError()) return "the report is not valid JSON";
  rapidjson::SchemaValidator validator(schema);
  if (actual.Accept(validator)) return "";
  rapidjson::StringBuffer where, rule;
  validator.GetInvalidSchemaPointer().StringifyUriFragment(where);
  validator.GetInvalidDocumentPointer().StringifyUriFragment(rule);
  return std::string("invalid at ") + rule.GetString() + " (schema " + where.GetString() + ", keyword " +
         validator.GetInvalidSchemaKeyword() + ")";
}

}  // namespace mmaudit::testing
