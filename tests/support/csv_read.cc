#include "tests/support/csv_read.h"

namespace mmaudit::testing {

bool ReadCsv(const std::string& csv, CsvRows* rows, std::string* error) {
  rows->clear();
  const std::string bom = "\xef\xbb\xbf";
  std::size_t i = csv.compare(0, bom.size(), bom) == 0 ? bom.size() : 0;
  auto fail = [&](const std::string& why) {
    *error = why + " at byte " + std::to_string(i);
    return false;
  };
  std::vector<std::string> row;
  std::string field;
  while (i < csv.size()) {
    if (csv[i] == '"') {
      ++i;
      for (;;) {
        if (i >= csv.size()) return fail("unterminated quoted field");
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += csv[i++];
      }
    } else {
      while (i < csv.size() && csv[i] != ',' && csv[i] != '\r' && csv[i] != '\n') {
        if (csv[i] == '"') return fail("a quote inside an unquoted field");
        field += csv[i++];
      }
    }
    if (i < csv.size() && csv[i] == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (i + 1 < csv.size() && csv[i] == '\r' && csv[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows->push_back(std::move(row));
      row.clear();
      i += 2;
    } else {
      return fail("a record not ended by CRLF, or text after a quoted field");
    }
  }
  if (!row.empty() || !field.empty()) return fail("the last record lacks its CRLF");
  return true;
}

}  // namespace mmaudit::testing
