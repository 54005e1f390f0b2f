// The rules that read the HTTP response rather than the page (http-status-code, server-response-time,
// text-compression) on responses built by hand the way fetch::CurlFetcher fills them, read by
// facts::ExtractPage. A saved page (--file) has no response to judge: those rules are then N/A
// (commands_test.cc checks that). The cases of fixtures/rule-cases/ point here for these rules.
#include <gtest/gtest.h>

#include <stdexcept>

#include "facts/extract.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"
#include "tests/support/test_paths.h"

namespace mmaudit::rules {
namespace {

const RuleSpec& Rule(const std::string& id) {
  static const Catalogue cat = DefaultCatalogue();
  const RuleSpec* r = cat.Find(id);
  if (r == nullptr) throw std::runtime_error("no rule " + id);
  return *r;
}

// The long phone listing of the rule cases (78 KB of HTML), as a server answered it.
fetch::Response Served(int status = 200) {
  fetch::Response r;
  r.requested_url = r.final_url = "https://shop.example/c/phones";
  r.status = status;
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = testing::ReadFixture("fixtures/rule-cases/dom-size/fail.html");
  r.decoded_bytes = r.body_transfer_bytes = r.body.size();
  r.transfer_bytes = r.body.size() + 300;
  r.ttfb_ms = 150;
  return r;
}

TEST(HttpRules, ServerResponseTimePassesOnAQuickFirstByteAndFailsOnASlowOne) {
  fetch::Response quick = Served(), slow = Served();
  quick.ttfb_ms = 180;
  slow.ttfb_ms = 2400;
  const Finding pass = Evaluate(Rule("server-response-time"), facts::ExtractPage(quick));
  const Finding fail = Evaluate(Rule("server-response-time"), facts::ExtractPage(slow));
  EXPECT_EQ(pass.status, Status::kPass) << pass.display_value;
  EXPECT_EQ(fail.status, Status::kFail) << fail.display_value;
  EXPECT_EQ(fail.numeric_value, 2400);
}

TEST(HttpRules, TextCompressionPassesOnACompressedDocumentAndFailsOnALargeUncompressedOne) {
  fetch::Response gzipped = Served(), plain = Served();
  gzipped.headers.push_back({"content-encoding", "gzip"});
  gzipped.body_transfer_bytes = gzipped.body.size() / 8;
  const Finding pass = Evaluate(Rule("text-compression"), facts::ExtractPage(gzipped));
  const Finding fail = Evaluate(Rule("text-compression"), facts::ExtractPage(plain));
  EXPECT_EQ(pass.status, Status::kPass) << pass.display_value;
  EXPECT_EQ(fail.status, Status::kFail) << fail.display_value;
  ASSERT_TRUE(fail.numeric_value);
  EXPECT_GT(*fail.numeric_value, 10'000) << "a 78 KB listing compresses well";
  // A small uncompressed page would save less than the rule's minimum, so it passes.
  fetch::Response small = Served();
  small.body = testing::ReadFixture("fixtures/rule-cases/html-lang/pass.html");
  small.decoded_bytes = small.body_transfer_bytes = small.body.size();
  EXPECT_EQ(Evaluate(Rule("text-compression"), facts::ExtractPage(small)).status, Status::kPass);
}

// The check fails on an error status, but the audit refuses such a page before any rule runs
// (ExtractPage leaves it unparsed), so in a report the rule only ever passes.
TEST(HttpRules, HttpStatusCodePassesOnA200AndFailsOnAnErrorStatus) {
  const facts::PageFacts ok = facts::ExtractPage(Served(200));
  const facts::PageFacts gone = facts::ExtractPage(Served(410));
  EXPECT_EQ(Evaluate(Rule("http-status-code"), ok).status, Status::kPass);
  EXPECT_EQ(Evaluate(Rule("http-status-code"), gone).status, Status::kFail);
  EXPECT_FALSE(gone.parsed);
  EXPECT_EQ(gone.error_code, "http-status");
}

}  // namespace
}  // namespace mmaudit::rules
