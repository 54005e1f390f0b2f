#include "report/csv.h"

#include <vector>

#include "report/json_view.h"

namespace mmaudit::report {
namespace {

using view::Value;

// A cell already made safe (a number, or CsvTextCell's output) or a text to make safe.
struct Cell {
  std::string text;
  bool number = false;
};

std::string Quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void Row(const std::vector<Cell>& cells, std::string& out) {
  bool first = true;
  for (const Cell& c : cells) {
    if (!first) out += ',';
    first = false;
    out += c.number ? Quote(c.text) : CsvTextCell(c.text);
  }
  out += "\r\n";
}

Cell Number(const Value* v) { return {view::NumberText(v), true}; }

void FindingRows(const Value* findings, const std::string& site, const std::string& scope, const std::string& url,
                 const std::string& page_type, std::string& out) {
  if (!findings || !findings->IsArray()) return;
  for (const Value& f : findings->GetArray()) {
    if (!f.IsObject()) continue;
    const std::vector<std::string> details = view::StrList(&f, "details");
    Row({{site}, {scope}, {url}, {page_type}, {view::Str(&f, "rule_id")}, {view::Str(&f, "moment")},
         {view::Str(&f, "status")}, Number(view::Member(&f, "score")), Number(view::Member(&f, "weight")),
         Number(view::Member(&f, "value")), {view::Str(&f, "unit")}, {view::Str(&f, "display_value")},
         {view::Str(&f, "threshold")}, {details.empty() ? std::string() : details.front()}},
        out);
  }
}

}  // namespace

std::string CsvTextCell(std::string_view s) {
  std::string cell = view::OneLine(s);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' || cell[0] == '\t' ||
                        cell[0] == '\r'))
    cell.insert(cell.begin(), '\'');
  return Quote(cell);
}

bool RenderCsv(std::string_view report_json, std::string* csv, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(report_json.data(), report_json.size());
  if (d.HasParseError() || !d.IsObject()) {
    *error = "the report JSON is malformed";
    return false;
  }
  std::string out = "\xef\xbb\xbf";  // UTF-8 byte order mark, for Excel
  std::vector<Cell> header;
  for (const char* c : kCsvColumns) header.push_back({c});
  Row(header, out);
  const std::string site = view::SiteOf(d);
  if (const Value* pages = view::Arr(&d, "pages"))
    for (const Value& p : pages->GetArray()) {
      if (!p.IsObject()) continue;
      const std::string url = view::Str(&p, "url");
      const std::string type = view::Str(&p, "page_type");
      const Value* error_obj = view::Obj(&p, "error");
      if (error_obj || !view::Bool(&p, "audited").value_or(true)) {
        std::string message = view::Str(error_obj, "message");
        if (view::OneLine(message).empty()) message = "the page could not be audited";
        Row({{site}, {"page"}, {url}, {type}, {}, {}, {"error"}, {"", true}, {"", true}, {"", true}, {},
             {"not audited: " + message}, {}, {view::Str(error_obj, "code")}},
            out);
      }
      FindingRows(view::Arr(&p, "findings"), site, "page", url, type, out);
    }
  FindingRows(view::Arr(&d, "site_findings"), site, "site", "", "", out);
  FindingRows(view::Arr(view::Obj(&d, "checkout"), "findings"), site, "checkout", "", "", out);
  *csv = std::move(out);
  return true;
}

}  // namespace mmaudit::report
