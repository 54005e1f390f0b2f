// A short plain-text summary for the terminal, rendered from the report JSON: pages audited, the
// site score per moment, and the top findings. Strings from pages are stripped of control
// characters so they cannot drive the terminal.
#pragma once

#include <string>
#include <string_view>

namespace mmaudit::report {

// Returns false and sets *error when `report_json` does not parse.
bool RenderSummary(std::string_view report_json, std::string* text, std::string* error);

}  // namespace mmaudit::report
