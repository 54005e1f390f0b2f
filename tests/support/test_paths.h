// Paths and file access for tests. Tests run with the source tree as working directory, but use
// these helpers so they also work from elsewhere.
#pragma once

#include <string>

#include "fetch/fetcher.h"
#include "html/document.h"

namespace mmaudit::testing {

// `relative` under the source tree, e.g. SourcePath("fixtures/pages/meta/basic.html").
std::string SourcePath(const std::string& relative);
// The whole file at SourcePath(relative). Fails the current test (ADD_FAILURE) and returns "" when
// it cannot be read.
std::string ReadFixture(const std::string& relative);
// The fixture's bytes, made valid UTF-8 and parsed, as the pipeline does before extraction.
html::Document ParseFixture(const std::string& relative);

// A 200 response for `url` whose body is the fixture's bytes, with `content_type`, as a fetch gives
// it to facts::ExtractPage.
fetch::Response FixturePage(const std::string& url, const std::string& relative,
                            const std::string& content_type = "text/html; charset=utf-8");

// The shared reference folder beside the checkout (../shared), or "" when it is absent.
std::string SharedDir();

}  // namespace mmaudit::testing
