// The HTML report, rendered from the report JSON (never from AuditResult), as one self-contained
// file: inline CSS and inline SVG only, a Content-Security-Policy that forbids every remote load and
// every script but the report's own (the page-detail search box, allowed by its SHA-256), and every
// string that came from a page escaped.
#pragma once

#include <string>
#include <string_view>

namespace mmaudit::report {

// Renders `report_json` (the output of ToJson). Returns true and fills *html on success; returns
// false and sets *error when the JSON does not parse or lacks the fields the report needs.
bool RenderHtml(std::string_view report_json, std::string* html, std::string* error);

// The CSP source expression for `text` as an inline script: "sha256-" and the base64 of its SHA-256
// (OpenSSL), e.g. "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" for "". "" only if OpenSSL
// fails.
std::string CspSha256(std::string_view text);

// `s` escaped for HTML text and double-quoted attribute values (& < > " ' and `).
std::string HtmlEscape(std::string_view s);

}  // namespace mmaudit::report
