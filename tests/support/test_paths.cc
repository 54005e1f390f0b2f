#include "tests/support/test_paths.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace mmaudit::testing {

std::string SourcePath(const std::string& relative) { return std::string(MMAUDIT_SOURCE_DIR) + "/" + relative; }

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(SourcePath(relative), std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read fixture " << SourcePath(relative);
    return {};
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

html::Document ParseFixture(const std::string& relative) {
  return html::Document::Parse(text::SanitizeUtf8(ReadFixture(relative)));
}

fetch::Response FixturePage(const std::string& url, const std::string& relative, const std::string& content_type) {
  fetch::Response r;
  r.requested_url = r.final_url = url;
  r.status = 200;
  r.headers = {{"content-type", content_type}};
  r.body = ReadFixture(relative);
  r.decoded_bytes = r.body.size();
  return r;
}

std::string SharedDir() {
  const std::filesystem::path p = std::filesystem::path(MMAUDIT_SOURCE_DIR).parent_path() / "shared";
  return std::filesystem::is_directory(p) ? p.string() : std::string();
}

}  // namespace mmaudit::testing
