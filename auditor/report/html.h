// The HTML report, rendered from the report JSON (never from AuditResult), as one self-contained
// file: inline CSS and inline SVG only, a Content-Security-Policy that forbids every remote load and
// every script, and every string that came from a page escaped.
#pragma once

#include <string>
#include <string_view>

namespace mmaudit::report {

// Renders `report_json` (the output of ToJson). Returns true and fills *html on success; returns
// false and sets *error when the JSON does not parse or lacks the fields the report needs.
bool RenderHtml(std::string_view report_json, std::string* html, std::string* error);

// `s` escaped for HTML text and double-quoted attribute values (& < > " ' and `).
std::string HtmlEscape(std::string_view s);

}  // namespace mmaudit::report
