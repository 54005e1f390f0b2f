// The CSV export, rendered from the report JSON (never from AuditResult): every finding, one row
// each, for spreadsheets. RFC 4180: comma-separated, CRLF line ends, a header row, a field quoted
// with "" (and inner quotes doubled) when it holds a comma, a quote or a line break. The file starts
// with a UTF-8 byte order mark so that Excel reads it as UTF-8.
//
// Columns (kCsvColumns): site (the audited site's origin), scope ("page", "site" or "checkout"),
// url (the page's URL; "" for site and checkout findings), page_type, rule_id, moment, status,
// score (0..1, "" when not scored), weight, value (the measured number, "" when none), unit,
// display_value, threshold, first_detail (the first piece of evidence). A page that could not be
// audited is one row with an empty rule_id, status "error", its error message as display_value and
// its error code as first_detail.
//
// Formula injection: a text cell that would start with = + - @ (or a tab or CR) gets a leading
// apostrophe, so a spreadsheet shows it as text and never evaluates it. Number cells are written
// from JSON numbers only and never guarded. Text cells are one line: control characters and line
// breaks become spaces, ill-formed UTF-8 is repaired.
#pragma once

#include <string>
#include <string_view>

namespace mmaudit::report {

inline constexpr const char* kCsvColumns[] = {"site",   "scope",  "url",  "page_type",     "rule_id",
                                              "moment", "status", "score", "weight",       "value",
                                              "unit",   "display_value", "threshold", "first_detail"};

// Renders `report_json` (the output of ToJson). Returns true and fills *csv on success; returns
// false and sets *error only when the text is not a JSON object. Missing members and members of the
// wrong type give empty cells, never a failure.
bool RenderCsv(std::string_view report_json, std::string* csv, std::string* error);

// One text cell: made one line, guarded against formula injection, quoted when RFC 4180 needs it.
std::string CsvTextCell(std::string_view s);

}  // namespace mmaudit::report
