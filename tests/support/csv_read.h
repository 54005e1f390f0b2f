// A strict RFC 4180 reader for tests of mmaudit's CSV output.
#pragma once

#include <string>
#include <vector>

namespace mmaudit::testing {

using CsvRows = std::vector<std::vector<std::string>>;

// Reads `csv` (after an optional UTF-8 byte order mark): records end with CRLF, the last one too;
// a quoted field may hold commas, CR, LF and doubled quotes; an unquoted field holds no quote.
// Returns false and sets *error (with the byte offset) on anything else.
bool ReadCsv(const std::string& csv, CsvRows* rows, std::string* error);

}  // namespace mmaudit::testing
