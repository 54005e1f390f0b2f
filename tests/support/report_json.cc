#include "tests/support/report_json.h"

#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <functional>
#include <set>

#include "facts/extract.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"
#include "rules/site.h"
#include "tests/support/test_paths.h"

namespace mmaudit::testing {
namespace {

fetch::Response FixtureResponse(const std::string& url, const std::string& fixture) {
  fetch::Response r;
  r.requested_url = url;
  r.final_url = url;
  r.status = 200;
  r.http_version = "1.1";
  r.headers = {{"content-type", "text/html; charset=utf-8"}};
  r.body = ReadFixture(fixture);
  r.decoded_bytes = r.body.size();
  r.body_transfer_bytes = r.body.size();
  r.transfer_bytes = r.body.size() + 180;
  r.ttfb_ms = 120;
  r.total_ms = 180;
  return r;
}

}  // namespace

std::string BuildReportJson(const ReportSpec& spec) {
  const rules::Catalogue catalogue = rules::DefaultCatalogue();
  report::AuditResult result;
  result.generated_at = "2025-01-31T12:00:00Z";
  result.duration_ms = 1234;
  result.settings.mode = spec.mode;
  result.settings.device = "moto-g-power";
  result.settings.user_agent = "mmaudit-test";
  result.settings.viewport_width = 412;
  result.settings.connect_timeout_ms = 10000;
  result.settings.total_timeout_ms = 30000;
  result.settings.max_body_bytes = 10u << 20;
  result.settings.rules_source = "built-in";
  result.rules = catalogue.rules;
  result.rule_problems = catalogue.problems;
  std::vector<rules::PageOutcome> outcomes;
  for (const auto& [url, fixture] : spec.pages) {
    report::PageResult page;
    page.facts = facts::ExtractPage(FixtureResponse(url, fixture));
    page.audited = page.facts.error_code.empty();
    if (page.audited) {
      page.findings = rules::EvaluateAll(catalogue, page.facts);
      page.scores = rules::ScorePage(page.findings);
      outcomes.push_back(rules::OutcomeOf(catalogue, url, page.facts.page_type, page.findings, page.scores));
    }
    result.pages.push_back(std::move(page));
  }
  if (spec.with_failed_page) {
    fetch::Response r;
    r.requested_url = "https://gone.example/missing";
    r.final_url = r.requested_url;
    r.error = fetch::FetchError::kDns;
    r.error_message = "host not found";
    report::PageResult page;
    page.facts = facts::ExtractPage(r);
    page.audited = false;
    result.pages.push_back(std::move(page));
  }
  if (spec.with_checkout) {
    facts::CheckoutFlow flow;
    flow.mode = "inspect";
    flow.result = "blocked";
    flow.stop_reason = "the next step is behind a form";
    flow.start_url = spec.pages.empty() ? "https://demo.example/p/1" : spec.pages.front().first;
    flow.stop_url = "https://demo.example/checkout";
    flow.estimate_source = "step indicator";
    flow.estimated_steps = 6;
    flow.account_required = true;
    flow.express_payments = {"Buy with Apple Pay"};
    facts::CheckoutStepFacts cart;
    cart.url = "https://demo.example/cart";
    cart.title = "Your cart";
    cart.name = "Cart";
    cart.reached_by = "link";
    flow.steps.push_back(cart);
    result.checkout_findings = rules::EvaluateCheckoutRules(catalogue, flow);
    result.checkout = flow;
  }
  const std::size_t not_audited = result.pages.size() - outcomes.size();
  rules::SiteVerdict verdict =
      rules::JudgeSite(catalogue, rules::DefaultCategories(), outcomes, not_audited, result.checkout_findings);
  result.site = verdict.scores;
  result.site_findings = verdict.findings;
  result.explanations = verdict.explanations;
  result.categories = rules::DefaultCategories();
  return report::ToJson(result);
}

std::string DemoReportJson() {
  return BuildReportJson({{{"https://demo.example/p/trail-runner-x", "fixtures/shops/demo/site/p/trail-runner-x.html"},
                           {"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"},
                           {"https://demo.example/", "fixtures/shops/demo/site/index.html"}},
                          /*with_failed_page=*/true,
                          /*with_checkout=*/true});
}

std::string HostileReportJson() {
  std::string json = ReadFixture("fixtures/reports/hostile.json");
  const std::string marker = "INVALID_UTF8";
  if (const auto at = json.find(marker); at != std::string::npos) json.replace(at, marker.size(), "\xff\xfe\xc0\xaf\xed\xa0\x80");
  return json;
}

std::string WithoutTimings(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError()) return "not JSON";
  static const std::set<std::string> kTimings = {"generated_at", "duration_ms", "ttfb_ms", "total_ms", "walk_ms"};
  std::function<void(rapidjson::Value&)> strip = [&](rapidjson::Value& v) {
    if (v.IsObject()) {
      if (v.HasMember("unit") && v["unit"].IsString() && std::string(v["unit"].GetString()) == "ms") {
        v.RemoveMember("value");
        v.RemoveMember("display_value");
      }
      for (auto m = v.MemberBegin(); m != v.MemberEnd();) {
        if (kTimings.count(m->name.GetString())) {
          m = v.EraseMember(m);
        } else {
          strip(m->value);
          ++m;
        }
      }
    } else if (v.IsArray()) {
      for (auto& e : v.GetArray()) strip(e);
    }
  };
  strip(d);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d.Accept(w);
  return out.GetString();
}

void ExpectSameReport(const std::string& first, const std::string& second) {
  ASSERT_GT(first.size(), 10000u);
  if (first != second) {
    std::size_t i = 0;
    while (i < first.size() && i < second.size() && first[i] == second[i]) ++i;
    const std::size_t from = i > 200 ? i - 200 : 0;
    FAIL() << "the reports differ at byte " << i << ":\n" << first.substr(from, 400) << "\n---\n" << second.substr(from, 400);
  }
}

}  // namespace mmaudit::testing
