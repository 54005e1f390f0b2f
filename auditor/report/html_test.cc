// The HTML report: built from real report JSON (fixture pages run through facts, rules and
// ToJson), so these tests see what users see. The hostile page carries markup, script-breaking
// sequences, javascript: URLs and bidi overrides in every string the report shows.
#include "report/html.h"

#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "facts/extract.h"
#include "report/result.h"
#include "rules/catalogue.h"
#include "rules/scoring.h"
#include "rules/site.h"
#include "tests/support/report_json.h"
#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

constexpr const char* kHostile = "fixtures/pages/hostile/xss.html";

// The report JSON for `pages` (URL, fixture path), as a run over local files makes it, plus one
// page that could not be fetched when `with_failed_page` is set.
std::string ReportJson(const std::vector<std::pair<std::string, std::string>>& pages, bool with_failed_page) {
  mmaudit::testing::ReportSpec spec;
  spec.pages = pages;
  spec.with_failed_page = with_failed_page;
  spec.mode = "file";
  return mmaudit::testing::BuildReportJson(spec);
}

std::string DemoJson() {
  return ReportJson({{"https://demo.example/p/trail-runner-x", "fixtures/shops/demo/site/p/trail-runner-x.html"},
                     {"https://demo.example/stores", "fixtures/shops/demo/site/stores.html"},
                     {"https://demo.example/", "fixtures/shops/demo/site/index.html"}},
                    /*with_failed_page=*/true);
}

std::string HostileJson() { return ReportJson({{"https://hostile.example/p/xss", kHostile}}, false); }

std::string Render(const std::string& json) {
  std::string html, error;
  EXPECT_TRUE(RenderHtml(json, &html, &error)) << error;
  return html;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::size_t Count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = haystack.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

// The text of the one <style> element.
std::string StyleText(const std::string& html) {
  const auto open = html.find("<style>");
  const auto close = html.find("</style>");
  if (open == std::string::npos || close == std::string::npos || close < open) return {};
  return html.substr(open + 7, close - open - 7);
}

// The text of the report's <script> elements, in document order.
std::vector<std::string> Scripts(const std::string& html) {
  std::vector<std::string> out;
  const std::string lower = Lower(html);
  for (std::size_t pos = 0; (pos = lower.find("<script", pos)) != std::string::npos;) {
    const auto open_end = lower.find('>', pos);
    const auto close = lower.find("</script", pos);
    if (open_end == std::string::npos || close == std::string::npos || close < open_end) {
      out.push_back("!unterminated");
      break;
    }
    out.push_back(html.substr(open_end + 1, close - open_end - 1));
    pos = close + 8;
  }
  return out;
}

// The CSP meta the report must carry when its script is `script`: remote loads forbidden, and only
// that script's text allowed, by its SHA-256 (recomputed here with OpenSSL's one-shot SHA256).
std::string CspFor(const std::string& script) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(script.data()), script.size(), digest);
  unsigned char b64[64] = {};
  EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-" +
         std::string(reinterpret_cast<const char*>(b64)) +
         "'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">";
}

// The CSP meta expected for `html`: allowing its one script (an empty script when it has none, so the
// expectation then fails).
std::string ExpectedCsp(const std::string& html) {
  const std::vector<std::string> scripts = Scripts(html);
  return CspFor(scripts.empty() ? std::string() : scripts.front());
}

// True when the report carries exactly one <script>, the search box's, right before </body>, with no
// attribute, and the CSP meta allows exactly its text.
::testing::AssertionResult OnlyItsOwnScript(const std::string& html) {
  const std::vector<std::string> scripts = Scripts(html);
  if (scripts.size() != 1) return ::testing::AssertionFailure() << scripts.size() << " script elements";
  if (!Contains(scripts[0], "getElementById('search-q')"))
    return ::testing::AssertionFailure() << "the script is not the search box's: " << scripts[0].substr(0, 200);
  if (!Contains(html, "<script>" + scripts[0] + "</script>\n</body>"))
    return ::testing::AssertionFailure() << "the script is not a bare <script> right before </body>";
  if (!Contains(html, CspFor(scripts[0]))) return ::testing::AssertionFailure() << "the CSP does not allow its hash";
  return ::testing::AssertionSuccess();
}

struct Tag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // value without quotes
};

// Every start tag of the document, read the way a browser tokenizer would for our output: the
// <style> element's text is skipped, comments and end tags are ignored. Attributes must be
// double-quoted or bare names; anything else is reported as an attribute named "!malformed".
std::vector<Tag> StartTags(const std::string& html) {
  std::vector<Tag> tags;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    if (html.compare(i, 4, "<!--") == 0) {
      i = html.find("-->", i);
      if (i == std::string::npos) break;
      continue;
    }
    if (i + 1 >= html.size() || !std::isalpha(static_cast<unsigned char>(html[i + 1]))) {
      ++i;
      continue;
    }
    Tag tag;
    std::size_t j = i + 1;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-')) tag.name += html[j++];
    tag.name = Lower(tag.name);
    while (j < html.size() && html[j] != '>') {
      if (std::isspace(static_cast<unsigned char>(html[j])) || html[j] == '/') {
        ++j;
        continue;
      }
      std::string name;
      while (j < html.size() && !std::isspace(static_cast<unsigned char>(html[j])) && html[j] != '=' && html[j] != '>' &&
             html[j] != '/')
        name += html[j++];
      std::string value;
      if (j < html.size() && html[j] == '=') {
        ++j;
        if (j >= html.size() || html[j] != '"') {
          tag.attributes.emplace_back("!malformed", name);
          break;
        }
        const auto end = html.find('"', j + 1);
        if (end == std::string::npos) break;
        value = html.substr(j + 1, end - j - 1);
        j = end + 1;
      }
      tag.attributes.emplace_back(Lower(name), value);
    }
    i = j;
    if (tag.name == "style" || tag.name == "script") {
      i = html.find("</" + tag.name + ">", i);
      if (i == std::string::npos) break;
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

const std::set<std::string>& AllowedTags() {
  static const std::set<std::string> tags = {
      "html", "head", "meta", "title", "style", "body", "a", "header", "nav", "main", "footer", "section",
      "div", "h1", "h2", "h3", "h4", "h5", "p", "span", "strong", "code", "abbr", "bdi", "dl", "dt", "dd",
      "ul", "ol", "li", "table", "caption", "thead", "tbody", "tr", "th", "td", "figure", "figcaption",
      "svg", "circle", "rect", "line", "text", "polygon", "details", "summary", "article", "input", "label",
      "script"};
  return tags;
}

// --------------------------------------------------------------------------- structure

TEST(HtmlReport, IsOneStandaloneDocumentWithCharsetViewportAndContentSecurityPolicy) {
  const std::string html = Render(DemoJson());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_TRUE(Contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(Contains(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
  EXPECT_TRUE(Contains(html, ExpectedCsp(html)));
  EXPECT_EQ(Count(html, "<html"), 1u);
  EXPECT_EQ(Count(html, "</html>"), 1u);
  EXPECT_EQ(Count(html, "<style>"), 1u);
}

TEST(HtmlReport, EmbedsTheReportStylesheetWithStatusColoursAndPrintRules) {
  const std::string css = StyleText(Render(DemoJson()));
  ASSERT_FALSE(css.empty());
  EXPECT_TRUE(Contains(css, "@media print"));
  EXPECT_TRUE(Contains(css, "--pass:"));
  EXPECT_TRUE(Contains(css, "--fail:"));
  EXPECT_TRUE(Contains(css, "system-ui"));
}

TEST(HtmlReport, HeaderNamesTheSiteTheDeviceTheToolAndWhenItRan) {
  const std::string html = Render(DemoJson());
  EXPECT_TRUE(Contains(html, "<h1>mmaudit report</h1>"));
  EXPECT_TRUE(Contains(html, ">https://demo.example</a>"));
  EXPECT_TRUE(Contains(html, "2025-01-31T12:00:00Z"));
  EXPECT_TRUE(Contains(html, "moto-g-power"));
  EXPECT_TRUE(Contains(html, "412 px viewport"));
  EXPECT_TRUE(Contains(html, std::string("mmaudit ") + kToolVersion));
}

TEST(HtmlReport, OverviewDrawsAnSvgGaugeForTheSiteAndEveryMoment) {
  const std::string html = Render(DemoJson());
  EXPECT_EQ(Count(html, "<svg class=\"gauge-ring\""), 9u);  // overall + 8 moments
  for (const char* label : {"I want to know", "I want to go", "I want to do", "I want to buy", "Mobile friendliness",
                            "Speed", "Discoverability", "Engagement"})
    EXPECT_TRUE(Contains(html, std::string("role=\"img\" aria-label=\"") + label + ": ")) << label;
  EXPECT_TRUE(Contains(html, "<figcaption>I want to know</figcaption>"));
  EXPECT_TRUE(Contains(html, "<figcaption>Discover&shy;ability</figcaption>"));
  EXPECT_TRUE(Contains(html, "<figcaption>Overall score</figcaption>"));
  EXPECT_TRUE(Contains(html, "<dt>Pages requested</dt><dd>4</dd>"));
  EXPECT_TRUE(Contains(html, "<dt>Pages audited</dt><dd>3</dd>"));
  EXPECT_TRUE(Contains(html, "<dt>Pages not audited</dt><dd>1</dd>"));
  EXPECT_TRUE(Contains(html, "<caption>Pages by type</caption>"));
  EXPECT_TRUE(Contains(html, "<td>product</td><td class=\"num\">1</td>"));
}

TEST(HtmlReport, GaugeShowsNotApplicableWhenAMomentHasNoScore) {
  // Only a page that could not be fetched: every score is null.
  const std::string html = Render(ReportJson({}, /*with_failed_page=*/true));
  EXPECT_TRUE(Contains(html, "aria-label=\"I want to buy: not applicable\""));
  EXPECT_TRUE(Contains(html, "dominant-baseline=\"central\">n/a</text>"));
  EXPECT_FALSE(Contains(html, "class=\"gauge-arc\""));
}

TEST(HtmlReport, TopFixesShowTheFailureTitleMomentPagesAndRuleDescription) {
  const std::string json = DemoJson();
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_TRUE(doc.IsObject());
  const auto& tops = doc["summary"]["top_findings"];
  ASSERT_TRUE(tops.IsArray());
  ASSERT_GT(tops.Size(), 0u) << "the demo shop has no failing rule any more; pick another fixture";
  const std::string rule_id = tops[0]["rule_id"].GetString();
  std::string description;
  for (const auto& r : doc["rules"].GetArray())
    if (rule_id == r["id"].GetString()) description = r["description"].GetString();
  ASSERT_FALSE(description.empty());

  const std::string html = Render(json);
  const auto section = html.find("<section id=\"top-fixes\"");
  const auto end = html.find("<section id=\"pages\"");
  ASSERT_NE(section, std::string::npos);
  const std::string fixes = html.substr(section, end - section);
  EXPECT_TRUE(Contains(fixes, "<h3>" + HtmlEscape(tops[0]["failure_title"].GetString()) + "</h3>"));
  EXPECT_TRUE(Contains(fixes, HtmlEscape(description)));
  EXPECT_TRUE(Contains(fixes, "Below target on " + std::to_string(tops[0]["pages"].GetInt()) + " of 3 audited pages"));
  EXPECT_TRUE(Contains(fixes, "<code class=\"rule-id\">" + rule_id + "</code>"));
}

TEST(HtmlReport, PagesTableListsEveryUrlWithTypeAndScores) {
  const std::string html = Render(DemoJson());
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(Contains(html, "href=\"#page-" + std::to_string(i) + "\"")) << i;
  EXPECT_TRUE(Contains(html, ">https://demo.example/p/trail-runner-x</a></th><td>product</td>"));
  EXPECT_TRUE(Contains(html, ">https://demo.example/stores</a></th>"));
  EXPECT_TRUE(Contains(html, "<abbr title=\"I want to know\">Know</abbr>"));
  EXPECT_TRUE(Contains(html, "<td class=\"err-cell\"><code>fetch</code></td>"));
}

TEST(HtmlReport, ByPageTypeShowsCoveragePerTypeAndLeavesOutWeightWhenNoLoadWasMeasured) {
  const std::string html = Render(DemoJson());
  const auto at = html.find("<section id=\"by-type\"");
  ASSERT_NE(at, std::string::npos);
  const std::string section = html.substr(at, html.find("</section>", at) - at);
  // The demo pages here come from fixtures without a measured load: no weight table.
  EXPECT_FALSE(Contains(section, "Weight on a phone"));
  EXPECT_TRUE(Contains(section, "<th scope=\"row\">product</th>"));
  // The one product page shows reviews and a price.
  const std::string product = section.substr(section.find("<th scope=\"row\">product</th>"));
  EXPECT_TRUE(Contains(product.substr(0, product.find("</tr>")), " 1 of 1</td>")) << product.substr(0, 600);
  EXPECT_TRUE(Contains(html, "<a href=\"#by-type\">By page type</a>"));
}

TEST(HtmlReport, PageDetailsFilterByStatusMomentAndPageTypeWithRadiosAndCssAlone) {
  const std::string html = Render(DemoJson());
  EXPECT_TRUE(OnlyItsOwnScript(html));
  // One radio group per filter, the first option checked, before the list of pages.
  const auto radios = html.find("<input type=\"radio\" class=\"filter-radio\" name=\"f-type\" id=\"f-type-all\" checked>");
  const auto list = html.find("<div class=\"page-list\">");
  ASSERT_NE(radios, std::string::npos);
  ASSERT_NE(list, std::string::npos);
  EXPECT_LT(radios, list);
  EXPECT_TRUE(Contains(html, "id=\"f-type-product\""));
  EXPECT_TRUE(Contains(html, "id=\"f-moment-buy\""));
  EXPECT_TRUE(Contains(html, "id=\"f-status-problems\""));
  // The CSS that hides what a checked radio leaves out, and the classes it selects on.
  EXPECT_TRUE(Contains(html, "#f-type-product:checked ~ .page-list .page:not(.t-product) { display: none; }"));
  EXPECT_TRUE(Contains(html, "#f-moment-buy:checked ~ .page-list .moment-group:not(.m-buy) { display: none; }"));
  EXPECT_TRUE(Contains(html, "#f-status-problems:checked ~ .page-list .finding.st-pass"));
  EXPECT_TRUE(Contains(html, "<section class=\"page t-product\" id=\"page-"));
  EXPECT_TRUE(Contains(html, "<section class=\"moment-group m-know\">"));
}

TEST(HtmlReport, EachPageHasASectionWithFindingsGroupedByMoment) {
  const std::string html = Render(DemoJson());
  for (int i = 1; i <= 4; ++i)
    EXPECT_TRUE(Contains(html, "\" id=\"page-" + std::to_string(i) + "\" aria-labelledby=\"page-" + std::to_string(i) + "-h\""));
  EXPECT_TRUE(Contains(html, "<section class=\"page t-"));
  EXPECT_TRUE(Contains(html, "Trail Runner X"));
  EXPECT_TRUE(Contains(html, "<h4>I want to know <span class=\"chip"));
  EXPECT_TRUE(Contains(html, "<h4>I want to buy <span class=\"chip"));
  EXPECT_TRUE(Contains(html, "<span class=\"badge st-pass\">Pass</span>"));
  // Passing findings show the rule's title and a learn-more link.
  EXPECT_TRUE(Contains(html, "<h5>Product pages describe the product in depth</h5>"));
  EXPECT_TRUE(Contains(html, ">Learn more</a>"));
  // The first pages start expanded.
  EXPECT_TRUE(Contains(html, "id=\"page-1\" aria-labelledby=\"page-1-h\">\n<details open>"));
}

TEST(HtmlReport, FailingFindingsShowFailureTitleValueThresholdAndEvidence) {
  const std::string html = Render(HostileJson());
  EXPECT_TRUE(Contains(html, "<span class=\"badge st-fail\">Fail</span><h5>Product description is thin</h5>"));
  EXPECT_TRUE(Contains(html, "characters of product description</span>"));
  EXPECT_TRUE(Contains(html, "<span class=\"threshold\">Target: "));
  EXPECT_TRUE(Contains(html, "<ul class=\"evidence\""));
  EXPECT_TRUE(Contains(html, "Threshold source: "));
}

TEST(HtmlReport, PageThatWasNotAuditedShowsItsErrorCodeAndMessage) {
  const std::string html = Render(DemoJson());
  EXPECT_TRUE(Contains(html, "<strong>Not audited:</strong> <code>fetch</code>"));
  EXPECT_TRUE(Contains(html, "host not found"));
  // The errors section lists it too.
  const auto errors = html.find("<section id=\"errors\"");
  ASSERT_NE(errors, std::string::npos);
  EXPECT_TRUE(Contains(html.substr(errors), ">https://gone.example/missing</a>"));
  EXPECT_TRUE(Contains(html.substr(errors), "<span class=\"badge st-error\">Page</span>"));
}

TEST(HtmlReport, ErrorsSectionListsRuleProblemsWithFileRuleAndField) {
  const std::string json =
      R"j({"schema_version":"1.0.0","summary":{},"rules":[],"pages":[],"errors":[)j"
      R"j({"kind":"rule","file":"rules/x.json","rule_id":"bad-rule","field":"check","message":"unknown check \"nope\""},)j"
      R"j({"kind":"finding","url":"https://a.example/","rule_id":"dom-size","message":"check threw"}]})j";
  const std::string html = Render(json);
  EXPECT_TRUE(Contains(html, "<span class=\"badge st-error\">Rule file</span>"));
  EXPECT_TRUE(Contains(html, "<code>rules/x.json</code>"));
  EXPECT_TRUE(Contains(html, "<code>bad-rule</code>"));
  EXPECT_TRUE(Contains(html, "<code>check</code>"));
  EXPECT_TRUE(Contains(html, "unknown check &quot;nope&quot;"));
  EXPECT_TRUE(Contains(html, "<span class=\"badge st-error\">Rule check</span>"));
}

TEST(HtmlReport, FooterNamesTheSchemaVersionAndRulesSource) {
  const std::string html = Render(DemoJson());
  const auto footer = html.find("<footer");
  ASSERT_NE(footer, std::string::npos);
  EXPECT_TRUE(Contains(html.substr(footer), std::string("Report schema ") + kSchemaVersion));
  EXPECT_TRUE(Contains(html.substr(footer), "rules: built-in"));
}

TEST(HtmlReport, HeaderListsWhatARuleOverlayChangedWithEveryStringEscaped) {
  EXPECT_FALSE(Contains(Render(DemoJson()), "Rules customised")) << "nothing to say without an overlay";
  rapidjson::Document d;
  d.Parse(DemoJson().c_str());
  ASSERT_FALSE(d.HasParseError());
  auto& a = d.GetAllocator();
  auto& settings = d["settings"];
  settings["rules_overlay"].SetString("<b>agency</b>.json", a);
  auto change = [&](const char* id, const char* kind, const char* field, const char* from, const char* to) {
    rapidjson::Value c(rapidjson::kObjectType);
    c.AddMember("rule_id", rapidjson::Value(id, a), a);
    c.AddMember("kind", rapidjson::Value(kind, a), a);
    if (field) {
      c.AddMember("field", rapidjson::Value(field, a), a);
      c.AddMember("from", rapidjson::Value(from, a), a);
      c.AddMember("to", rapidjson::Value(to, a), a);
    }
    settings["rule_changes"].PushBack(c, a);
  };
  change("doctype", "disabled", nullptr, nullptr, nullptr);
  change("largest-contentful-paint", "changed", "weight", "5", "6");
  change("<img src=x onerror=alert(1)>", "added", nullptr, nullptr, nullptr);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  const std::string html = Render(buf.GetString());
  const std::string header = html.substr(0, html.find("</header>"));
  EXPECT_TRUE(Contains(header, "<strong>Rules customised</strong> by <code>&lt;b&gt;agency&lt;/b&gt;.json</code>: 3 changes"));
  EXPECT_TRUE(Contains(header, "<li><code>doctype</code> disabled</li>"));
  EXPECT_TRUE(Contains(header, "<li><code>largest-contentful-paint</code> weight 5 \xe2\x86\x92 6</li>"));
  EXPECT_TRUE(Contains(header, "<li><code>&lt;img src=x onerror=alert(1)&gt;</code> added</li>"));
  EXPECT_FALSE(Contains(html, "<img src=x"));
  EXPECT_TRUE(Contains(html.substr(html.find("<footer")), "rules: built-in with overlay &lt;b&gt;agency&lt;/b&gt;.json"));
}

// --------------------------------------------------------------------------- branding

// `json` with settings.branding set to `name` (null when nullptr) and a logo whose data URI is
// `data_uri` (no logo when nullptr), as a hand-edited or hostile report could carry them.
std::string WithBranding(const std::string& json, const char* name, const char* data_uri) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError());
  auto& a = d.GetAllocator();
  rapidjson::Value branding(rapidjson::kObjectType);
  branding.AddMember("name", name ? rapidjson::Value(name, a) : rapidjson::Value(), a);
  rapidjson::Value logo;
  if (data_uri) {
    logo.SetObject();
    logo.AddMember("media_type", "image/png", a);
    logo.AddMember("bytes", 135, a);
    logo.AddMember("sha256", rapidjson::Value(std::string(64, '0').c_str(), a), a);
    logo.AddMember("data_uri", rapidjson::Value(data_uri, a), a);
  }
  branding.AddMember("logo", logo, a);
  d["settings"].AddMember("branding", branding, a);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return buf.GetString();
}

TEST(HtmlReport, BrandingShowsTheNameEscapedAndTheLogoAsADataUriImageInTheHeader) {
  EXPECT_FALSE(Contains(Render(DemoJson()), "class=\"brand")) << "no branding unless asked for";
  const std::string html =
      Render(WithBranding(DemoJson(), "Acme <script>alert(1)</script> & \"Co\"", "data:image/png;base64,iVBORw0KGgo="));
  const std::string header = html.substr(html.find("<header"), html.find("</header>") - html.find("<header"));
  EXPECT_TRUE(Contains(header, "<img class=\"brand-logo\" src=\"data:image/png;base64,iVBORw0KGgo=\" "
                               "alt=\"Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;\">"));
  EXPECT_TRUE(Contains(header, "Prepared by <strong>Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</strong>"));
  EXPECT_TRUE(OnlyItsOwnScript(html));
  EXPECT_TRUE(Contains(html, ExpectedCsp(html)))
      << "the logo needs data: images and nothing remote";
  for (const Tag& tag : StartTags(html))
    if (tag.name == "img")
      for (const auto& [name, value] : tag.attributes) {
        EXPECT_TRUE(name == "class" || name == "src" || name == "alt") << name;
        if (name == "src") {
          EXPECT_EQ(value.rfind("data:image/", 0), 0u) << value;
        }
      }
}

TEST(HtmlReport, ABrandLogoThatIsNotAnImageDataUriIsLeftOutAndTheNameStillShows) {
  for (const char* uri : {"https://tracker.example/logo.png", "//tracker.example/logo.png", "javascript:alert(1)",
                          "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
                          "data:image/svg+xml,<svg onload=alert(1)>", "data:image/png;base64,AAAA\" onerror=\"alert(1)"}) {
    const std::string html = Render(WithBranding(DemoJson(), "Acme", uri));
    EXPECT_FALSE(Contains(html, "<img")) << uri;
    EXPECT_FALSE(Contains(html, "tracker.example")) << uri;
    EXPECT_TRUE(Contains(html, "Prepared by <strong>Acme</strong>")) << uri;
  }
  const std::string logo_only = Render(WithBranding(DemoJson(), nullptr, "data:image/png;base64,iVBORw0KGgo="));
  EXPECT_TRUE(Contains(logo_only, "alt=\"Logo\">"));
  EXPECT_FALSE(Contains(logo_only, "Prepared by"));
}

TEST(HtmlReport, ThePrintStylesheetHidesNavigationBreaksPagesAndPrintsCollapsedSections) {
  const std::string css = StyleText(Render(DemoJson()));
  const std::size_t print = css.find("@media print");
  ASSERT_NE(print, std::string::npos);
  const std::string rest = css.substr(print);
  EXPECT_TRUE(Contains(rest, ".toc")) << "no navigation on paper";
  EXPECT_TRUE(Contains(rest, "display: none"));
  EXPECT_TRUE(Contains(rest, "break-before: page"));
  EXPECT_TRUE(Contains(rest, "::details-content")) << "collapsed page sections print";
  EXPECT_TRUE(Contains(rest, "attr(href)")) << "link targets printed after links";
  EXPECT_TRUE(Contains(rest, ".brand")) << "the branding prints";
}

// --------------------------------------------------------------------------- hostile input

TEST(HtmlReport, HostileFixtureReallyCarriesItsPayloadsIntoTheJson) {
  // Guards the tests below: they prove nothing if the payloads never reach the report JSON.
  const std::string json = HostileJson();
  EXPECT_TRUE(Contains(json, "<script>alert(1)</script>"));
  EXPECT_TRUE(Contains(json, "<img src=x onerror=alert(1)>"));
  EXPECT_TRUE(Contains(json, "</script><script>alert(2)</script>"));
  EXPECT_TRUE(Contains(json, "<svg onload=alert(1)>"));
  EXPECT_TRUE(Contains(json, "javascript:alert(1)"));
  EXPECT_TRUE(Contains(json, "\xE2\x80\xAE"));  // U+202E
}

// The checkout funnel shows strings read from shop pages (step names, control texts, validation
// messages, URLs): all escaped, no script, and only http(s) links.
TEST(HtmlReport, CheckoutFunnelShowsHostileShopStringsInert) {
  rapidjson::Document d;
  d.Parse(HostileJson().c_str());
  AuditResult result;  // only for the checkout section's JSON
  facts::CheckoutFlow flow;
  flow.mode = "walk";
  flow.result = "blocked";
  flow.stop_reason = "refused: <script>alert(1)</script>";
  flow.stop_url = "javascript:alert(1)";
  flow.start_url = "https://hostile.example/p/<svg onload=alert(1)>";
  flow.payment_methods = {"<img src=x onerror=alert(1)>"};
  facts::CheckoutStepFacts step;
  step.url = "javascript:alert(2)";
  step.name = "</script><script>alert(2)</script>";
  step.control = "\xE2\x80\xAE<b>Continue</b>";
  step.validation_errors = {"<iframe src=//evil.example>"};
  step.fields = 3;
  flow.steps = {step, step};
  result.checkout = flow;
  rapidjson::Document c;
  c.Parse(ToJson(result).c_str());
  ASSERT_TRUE(c.IsObject());
  d.RemoveMember("checkout");
  d.AddMember("checkout", rapidjson::Value(c["checkout"], d.GetAllocator()), d.GetAllocator());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  const std::string html = Render(buf.GetString());
  EXPECT_TRUE(Contains(html, "id=\"checkout\""));
  const std::string lower = Lower(html);
  EXPECT_TRUE(OnlyItsOwnScript(html));
  EXPECT_FALSE(Contains(lower, "<img src=x"));
  EXPECT_FALSE(Contains(lower, "<iframe"));
  EXPECT_FALSE(Contains(lower, "<svg onload"));
  EXPECT_FALSE(Contains(lower, "href=\"javascript:"));
  EXPECT_FALSE(Contains(html, "\xE2\x80\xAE"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
}

TEST(HtmlReport, ContainsNoScriptElementEvenForAHostilePage) {
  const std::string html = Render(HostileJson());
  EXPECT_TRUE(OnlyItsOwnScript(html));
}

TEST(HtmlReport, HostileMarkupNeverBecomesAnElementOrAnEventHandler) {
  const std::string html = Render(HostileJson());
  EXPECT_FALSE(Contains(html, "<img src=x"));
  EXPECT_FALSE(Contains(html, "<svg onload"));
  EXPECT_FALSE(Contains(Lower(html), "<img"));
  EXPECT_FALSE(Contains(Lower(html), "<iframe"));
  for (const Tag& tag : StartTags(html)) {
    EXPECT_TRUE(AllowedTags().count(tag.name)) << "unexpected element <" << tag.name << ">";
    for (const auto& [name, value] : tag.attributes) {
      EXPECT_NE(name, "!malformed") << "unquoted attribute " << value << " on <" << tag.name << ">";
      EXPECT_NE(name.rfind("on", 0), 0u) << "event handler " << name << " on <" << tag.name << ">";
      EXPECT_NE(name, "src") << "resource load on <" << tag.name << ">";
      EXPECT_NE(name, "style") << "style attribute on <" << tag.name << ">";
      EXPECT_FALSE(Contains(value, "<")) << name << "=\"" << value << "\"";
    }
  }
}

TEST(HtmlReport, LinksOnlyToHttpAndHttpsUrlsWithSafeRel) {
  const std::string html = Render(HostileJson());
  EXPECT_FALSE(Contains(Lower(html), "href=\"javascript:"));
  EXPECT_FALSE(Contains(Lower(html), "href=\" javascript:"));
  int external = 0;
  for (const Tag& tag : StartTags(html)) {
    if (tag.name != "a") continue;
    std::string href, rel;
    for (const auto& [name, value] : tag.attributes) {
      if (name == "href") href = value;
      if (name == "rel") rel = value;
    }
    if (!href.empty() && href[0] == '#') continue;  // in-report navigation
    ++external;
    EXPECT_TRUE(href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0) << href;
    EXPECT_EQ(rel, "noopener noreferrer nofollow") << href;
  }
  EXPECT_GT(external, 0);
  // The javascript: canonical and the javascript: links are still shown, as text.
  EXPECT_TRUE(Contains(html, "<li><bdi>javascript:alert(1)</bdi></li>"));
  EXPECT_TRUE(Contains(html, "<span class=\"url\">javascript:alert(1)//"));
}

TEST(HtmlReport, LinkSchemeCheckIsCaseInsensitiveAndIgnoresSurroundingSpace) {
  const std::string json =
      R"j({"schema_version":"1.0.0","summary":{"top_findings":[{"rule_id":"a"},{"rule_id":"b"},{"rule_id":"c"},)j"
      R"j({"rule_id":"d"}]},"pages":[],"rules":[)j"
      R"j({"id":"a","description":"A","learn_more":"  HTTPS://Example.com/a  "},)j"
      R"j({"id":"b","description":"B","learn_more":" JavaScript:alert(1)"},)j"
      R"j({"id":"c","description":"C","learn_more":"data:text/html,<script>alert(1)</script>"},)j"
      R"j({"id":"d","description":"D","learn_more":"/relative/path"}]})j";
  const std::string html = Render(json);
  EXPECT_TRUE(Contains(html, "<a href=\"HTTPS://Example.com/a\" rel=\"noopener noreferrer nofollow\" class=\"learn\">"));
  EXPECT_EQ(Count(html, "class=\"learn\""), 1u);
  EXPECT_FALSE(Contains(Lower(html), "javascript:alert"));  // not shown as a link, and learn_more is not shown as text
  EXPECT_FALSE(Contains(html, "href=\"data:"));
  EXPECT_FALSE(Contains(html, "href=\"/relative"));
}

TEST(HtmlReport, LoadsNothingFromOutside) {
  const std::string html = Render(HostileJson());
  EXPECT_FALSE(Contains(html, " src=\""));
  EXPECT_FALSE(Contains(Lower(html), "<link"));
  EXPECT_FALSE(Contains(Lower(html), "<iframe"));
  EXPECT_FALSE(Contains(Lower(html), "<object"));
  const std::string css = Lower(StyleText(html));
  ASSERT_FALSE(css.empty());
  EXPECT_FALSE(Contains(css, "url("));
  EXPECT_FALSE(Contains(css, "@import"));
  EXPECT_FALSE(Contains(css, "@font-face"));
}

TEST(HtmlReport, ShowsHostileTextEscapedSoTheReaderSeesItInert) {
  const std::string html = Render(HostileJson());
  // The title, in the page heading and the page facts.
  EXPECT_GE(Count(html, "Hostile shoes &lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
            2u);
  // The JSON-LD product name.
  EXPECT_TRUE(Contains(html, "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; Runner"));
  // The meta description and the visible FAQ question.
  EXPECT_TRUE(Contains(html, "&lt;svg onload=alert(1)&gt; cheap"));
  EXPECT_TRUE(Contains(html, "&lt;svg onload=alert(1)&gt; Is it safe?"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt; Does the shoe fit?"));
}

TEST(HtmlReport, PageFactsNameTheEngagementFoundAndShowItsPageEvidenceEscaped) {
  const std::string widgets = Render(ReportJson({{"https://harbour.example/", "fixtures/pages/engagement/widgets-en.html"}}, false));
  EXPECT_TRUE(Contains(widgets, "<dt>Engagement</dt><dd>chat: <bdi>Intercom</bdi>, <bdi>Tawk.to</bdi>"));
  EXPECT_TRUE(Contains(widgets, "newsletter form"));
  EXPECT_TRUE(Contains(widgets, "social: <bdi>Instagram</bdi>, <bdi>Facebook</bdi>, <bdi>Pinterest</bdi>"));

  // The smart app banner and manifest findings quote the page's meta contents.
  const std::string html = Render(ReportJson({{"https://hostile.example/p/app", "fixtures/pages/engagement/hostile.html"}}, false));
  EXPECT_TRUE(OnlyItsOwnScript(html));
  EXPECT_FALSE(Contains(Lower(html), "<img"));
  EXPECT_FALSE(Contains(Lower(html), "<svg/onload"));
  EXPECT_TRUE(Contains(html, "app-argument=&lt;script&gt;alert(7)&lt;/script&gt;"));
  EXPECT_TRUE(Contains(html, "&quot;&gt;&lt;img src=x onerror=alert(8)&gt;"));
}

TEST(HtmlReport, RemovesBidiOverrideAndIsolateCharacters) {
  const std::string html = Render(HostileJson());
  for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
                           "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"})
    EXPECT_FALSE(Contains(html, bidi)) << "bidi control U+" << std::hex
                                       << (((static_cast<unsigned char>(bidi[1]) & 0x3f) << 6) |
                                           (static_cast<unsigned char>(bidi[2]) & 0x3f) | 0x2000);
  EXPECT_TRUE(Contains(html, "&gt; gnp.exe"));  // the text around the override survives
}

TEST(HtmlReport, OutputIsByteIdenticalAcrossRenders) {
  const std::string json = DemoJson() ;
  std::string first, second, error;
  ASSERT_TRUE(RenderHtml(json, &first, &error)) << error;
  ASSERT_TRUE(RenderHtml(json, &second, &error)) << error;
  EXPECT_EQ(first, second);
  // Rendering other JSON in between changes nothing either.
  std::string other;
  ASSERT_TRUE(RenderHtml(HostileJson(), &other, &error)) << error;
  ASSERT_TRUE(RenderHtml(json, &second, &error)) << error;
  EXPECT_EQ(first, second);
}

// --------------------------------------------------------------------------- bad input

TEST(HtmlReport, MalformedJsonFailsWithAnErrorNamingTheOffset) {
  std::string html = "untouched", error;
  EXPECT_FALSE(RenderHtml("{\"schema_version\": \"1.0.0\", \"pages\": [", &html, &error));
  EXPECT_TRUE(Contains(error, "does not parse")) << error;
  EXPECT_TRUE(Contains(error, "offset")) << error;
  EXPECT_EQ(html, "untouched");
  EXPECT_FALSE(RenderHtml("", &html, &error));
  EXPECT_FALSE(error.empty());
}

TEST(HtmlReport, MissingOrMistypedSkeletonFieldsFailWithAPreciseError) {
  struct Case {
    const char* json;
    const char* expected;
  };
  const Case cases[] = {
      {R"j([1, 2])j", "top level is not an object"},
      {R"j({"summary":{},"rules":[],"pages":[]})j", "\"schema_version\" is missing"},
      {R"j({"schema_version":"2.0.0","summary":{},"rules":[],"pages":[]})j", "unsupported schema_version \"2.0.0\""},
      {R"j({"schema_version":"1.0.0","rules":[],"pages":[]})j", "\"summary\" is missing or not an object"},
      {R"j({"schema_version":"1.0.0","summary":{},"rules":{},"pages":[]})j", "\"rules\" is missing or not an array"},
      {R"j({"schema_version":"1.0.0","summary":{},"rules":[]})j", "\"pages\" is missing or not an array"},
      {R"j({"schema_version":"1.0.0","summary":{},"rules":[],"pages":[{}, 3]})j", "pages[1] is not an object"},
      {R"j({"schema_version":"1.0.0","summary":{},"rules":[{"id":7}],"pages":[]})j", "rules[0].id is missing"},
  };
  for (const Case& c : cases) {
    std::string html, error;
    EXPECT_FALSE(RenderHtml(c.json, &html, &error)) << c.json;
    EXPECT_TRUE(Contains(error, c.expected)) << c.json << " gave: " << error;
  }
}

TEST(HtmlReport, MistypedOptionalFieldsAreRenderedAsAbsentNotFatal) {
  const std::string json = R"j({"schema_version":"1.0.0","tool":"mmaudit","generated_at":7,"settings":[],
    "summary":{"scores":{"overall":"high","moments":{"know":true,"go":null}},"top_findings":[5,{"rule_id":null}],
               "pages_requested":"three"},
    "rules":[{"id":"r1","title":["x"],"moment":5,"learn_more":12}],
    "pages":[{"url":42,"scores":"none","findings":[1,{"status":7,"details":"x","rule_id":"r1"},
              {"rule_id":"r1","status":"fail","moment":"teleport","details":[1,"<b>ok</b>"]}],
              "facts":{"http":"x","meta":{"title":false},"faq":{"questions":[7,{"question":3}]}},
              "error":"boom"}],
    "errors":[3,{"kind":9}]})j";
  std::string html, error;
  ASSERT_TRUE(RenderHtml(json, &html, &error)) << error;
  EXPECT_TRUE(Contains(html, "</html>"));
  EXPECT_TRUE(Contains(html, "aria-label=\"Overall score: not applicable\""));
  EXPECT_TRUE(Contains(html, "<li><bdi>&lt;b&gt;ok&lt;/b&gt;</bdi></li>"));
  EXPECT_TRUE(Contains(html, "<h4>teleport</h4>"));  // an unknown moment still gets its group
  EXPECT_TRUE(OnlyItsOwnScript(html));
}

TEST(HtmlReport, DeeplyNestedJsonNeitherCrashesNorExhaustsTheStack) {
  constexpr int kDepth = 200000;
  const std::string nested = std::string(kDepth, '[') + std::string(kDepth, ']');
  std::string html, error;
  EXPECT_FALSE(RenderHtml(nested, &html, &error));
  EXPECT_TRUE(Contains(error, "not an object")) << error;
  const std::string inside = R"j({"schema_version":"1.0.0","summary":{},"rules":[],"pages":[{"facts":)j" + nested + "}]}";
  EXPECT_TRUE(RenderHtml(inside, &html, &error)) << error;
}

TEST(HtmlReport, InvalidUtf8AndControlCharactersAreRepairedNotCopied) {
  std::string json = R"j({"schema_version":"1.0.0","summary":{},"rules":[],"pages":[{"url":"https://a.example/","facts":{"meta":{"title":"A)j";
  json += "\xff\xfe";
  json += R"j(\u0001B\u0000C\u0085D"}}}]})j";
  const std::string html = Render(json);
  EXPECT_TRUE(Contains(html, "A\xEF\xBF\xBD"));  // U+FFFD
  EXPECT_FALSE(Contains(html, std::string(1, '\x01')));
  EXPECT_FALSE(Contains(html, std::string(1, '\0')));
  EXPECT_FALSE(Contains(html, "\xC2\x85"));
  EXPECT_TRUE(Contains(html, "BCD"));
}

TEST(HtmlEscape, EscapesEveryCharacterThatCanEndTextOrAnAttribute) {
  EXPECT_EQ(HtmlEscape(R"j(<a href="x" title='y'>`&`</a>)j"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&#96;&amp;&#96;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain text, \xC3\xA9t\xC3\xA9"), "plain text, \xC3\xA9t\xC3\xA9");
  EXPECT_EQ(HtmlEscape(""), "");
  EXPECT_EQ(HtmlEscape("&amp;"), "&amp;amp;");  // escaping is not idempotent: escape exactly once
}


// --------------------------------------------------------------------------- charts and search

std::string Serialize(const rapidjson::Document& d) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  d.Accept(w);
  return buf.GetString();
}

// `json` with the performance objects of fixtures/reports/performance-pages.json on its first pages.
std::string WithMeasuredLoads(const std::string& json) {
  rapidjson::Document d, loads;
  d.Parse(json.c_str());
  loads.Parse(mmaudit::testing::ReadFixture("fixtures/reports/performance-pages.json").c_str());
  EXPECT_TRUE(d.IsObject() && loads.IsObject());
  rapidjson::Value& pages = d["pages"];
  const rapidjson::Value& with = loads["pages"];
  for (rapidjson::SizeType i = 0; i < with.Size() && i < pages.Size(); ++i) {
    pages[i].RemoveMember("performance");
    pages[i].AddMember("performance", rapidjson::Value(with[i]["performance"], d.GetAllocator()), d.GetAllocator());
  }
  return Serialize(d);
}

// `json` with option `key` of rule `rule_id` set to `value`, or removed when `value` is nullopt.
std::string WithRuleOption(const std::string& json, const std::string& rule_id, const char* key,
                           std::optional<double> value) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  bool found = false;
  for (auto& r : d["rules"].GetArray()) {
    if (!r.IsObject() || !r.HasMember("id") || r["id"] != rule_id.c_str() || !r.HasMember("options")) continue;
    found = true;
    r["options"].RemoveMember(key);
    if (value) r["options"].AddMember(rapidjson::Value(key, d.GetAllocator()), rapidjson::Value(*value), d.GetAllocator());
  }
  EXPECT_TRUE(found) << rule_id;
  return Serialize(d);
}

// `json` with the checkout section ToJson writes for `flow`.
std::string WithCheckout(const std::string& json, const facts::CheckoutFlow& flow) {
  rapidjson::Document d, c;
  d.Parse(json.c_str());
  AuditResult result;
  result.checkout = flow;
  c.Parse(ToJson(result).c_str());
  d.RemoveMember("checkout");
  d.AddMember("checkout", rapidjson::Value(c["checkout"], d.GetAllocator()), d.GetAllocator());
  return Serialize(d);
}

facts::CheckoutFlow FourStepCheckout() {
  facts::CheckoutFlow flow;
  flow.mode = "walk";
  flow.result = "reached_review";
  flow.start_url = "https://demo.example/cart";
  flow.guest_checkout = true;
  flow.payment_methods = {"Visa", "PayPal"};
  const std::vector<std::pair<std::string, int>> steps = {
      {"Cart", 0}, {"Information", 6}, {"Shipping", 2}, {"Payment & review", 4}};
  for (const auto& [name, fields] : steps) {
    facts::CheckoutStepFacts step;
    step.name = name;
    step.url = "https://demo.example/checkout/" + std::to_string(fields);
    step.fields = fields;
    flow.steps.push_back(step);
  }
  return flow;
}

// The text of `html` from the first `from` to the next `to` after it ("" when absent).
std::string Between(const std::string& html, const std::string& from, const std::string& to) {
  const auto a = html.find(from);
  if (a == std::string::npos) return "";
  const auto b = html.find(to, a + from.size());
  return html.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// Two product pages (one fixture under two URLs) and the home page.
std::string TwoProductsJson() {
  const std::string product = "fixtures/shops/demo/site/p/trail-runner-x.html";
  return ReportJson({{"https://demo.example/p/a", product},
                     {"https://demo.example/p/b", product},
                     {"https://demo.example/", "fixtures/shops/demo/site/index.html"}},
                    false);
}

TEST(HtmlReport, CheckoutIsDrawnAsAFunnelOfNarrowingBandsWithTheBaymardMarks) {
  const std::string html = Render(WithCheckout(DemoJson(), FourStepCheckout()));
  const std::string svg = Between(html, "<svg class=\"funnel-svg\"", "</svg>");
  ASSERT_FALSE(svg.empty());
  EXPECT_TRUE(Contains(svg, "role=\"img\" aria-label=\"4 steps from the cart to the order review, 12 form fields shown in all"));
  EXPECT_TRUE(Contains(svg, "<title>Checkout funnel: 4 steps"));
  // One band per step, each narrower at its top than the one before.
  EXPECT_EQ(Count(svg, "<polygon class=\"funnel-band"), 4u);
  EXPECT_EQ(Count(svg, "<polygon class=\"funnel-ghost\""), 2u);  // down to the 5.1-step average
  std::vector<double> widths;
  for (std::size_t pos = 0; (pos = svg.find("<polygon class=\"funnel-band", pos)) != std::string::npos; ++pos) {
    double x1 = 0, y1 = 0, x2 = 0;
    ASSERT_EQ(std::sscanf(svg.c_str() + svg.find("points=\"", pos) + 8, "%lf,%lf %lf", &x1, &y1, &x2), 3);
    widths.push_back(x2 - x1);
  }
  ASSERT_EQ(widths.size(), 4u);
  for (std::size_t i = 1; i < widths.size(); ++i) EXPECT_LT(widths[i], widths[i - 1]) << "band " << i;
  // Each band labelled with its step (escaped), its URL and its fields; the fields so far beside it.
  for (const char* want : {">1. Cart<", ">2. Information<", ">4. Payment &amp; review<", ">https://demo.example/checkout/6<",
                           ">0 fields<", ">6 fields<", ">2 fields<", ">4 fields<", ">12</text>"})
    EXPECT_TRUE(Contains(svg, want)) << want;
  // Baymard's marks, from the checkout rules' options.
  EXPECT_TRUE(Contains(svg, ">8 target</text>"));
  EXPECT_TRUE(Contains(svg, ">11.3 average</text>"));
  EXPECT_TRUE(Contains(svg, ">Baymard average: 5.1 steps</text>"));
  // Guest checkout and payment methods beside the funnel; the table stays for screen readers and print.
  const std::string wrap = Between(html, "<div class=\"funnel-wrap\">", "</ul>");
  EXPECT_TRUE(Contains(wrap, "Guest checkout: yes"));
  EXPECT_TRUE(Contains(wrap, "Visa, PayPal"));
  EXPECT_TRUE(Contains(html, "<table class=\"checkout-steps\">"));
}

TEST(HtmlReport, FunnelMarksFollowTheCheckoutRulesOptionsAndVanishWithoutThem) {
  std::string json = WithCheckout(DemoJson(), FourStepCheckout());
  json = WithRuleOption(json, "checkout-steps", "average", 6.2);
  json = WithRuleOption(json, "checkout-total-fields", "average", std::nullopt);
  json = WithRuleOption(json, "checkout-total-fields", "good", 7);
  const std::string html = Render(json);
  const std::string svg = Between(html, "<svg class=\"funnel-svg\"", "</svg>");
  EXPECT_TRUE(Contains(svg, ">Baymard average: 6.2 steps</text>"));
  EXPECT_TRUE(Contains(svg, ">7 target</text>"));
  EXPECT_FALSE(Contains(html, "5.1"));
  EXPECT_FALSE(Contains(html, "11.3"));
  EXPECT_FALSE(Contains(svg, "8 target"));
}

TEST(HtmlReport, PageDetailsDrawFcpAndLcpAgainstTheSpeedRulesThresholds) {
  const std::string html = Render(WithMeasuredLoads(TwoProductsJson()));
  const std::string phone = Between(html, "id=\"page-1\"", "id=\"page-2\"");
  // A phone: FCP 2.4 s between p10 1.8 s and median 3 s, LCP 5 s beyond the median 4 s.
  EXPECT_TRUE(Contains(phone, "aria-label=\"First Contentful Paint: 2.4 s, needs improvement (good up to 1.8 s, poor beyond 3 s)\""));
  EXPECT_TRUE(Contains(phone, "aria-label=\"Largest Contentful Paint: 5 s, poor (good up to 2.5 s, poor beyond 4 s)\""));
  for (const char* zone : {"class=\"zone-good\"", "class=\"zone-ni\"", "class=\"zone-poor\""}) EXPECT_EQ(Count(phone, zone), 2u) << zone;
  // Markers at value / (1.5 x the poor threshold) of 300: 2400/4500 and 5000/6000.
  EXPECT_TRUE(Contains(phone, "<line x1=\"160\" x2=\"160\" y1=\"12\" y2=\"30\" class=\"metric-marker\"/>"));
  EXPECT_TRUE(Contains(phone, "<line x1=\"250\" x2=\"250\" y1=\"12\" y2=\"30\" class=\"metric-marker\"/>"));
  EXPECT_TRUE(Contains(phone, "2.4 s: needs improvement</p>"));
  // A desktop load is judged on the desktop thresholds.
  const std::string desktop = Between(html, "id=\"page-2\"", "id=\"page-3\"");
  EXPECT_TRUE(Contains(desktop, "First Contentful Paint: 700 ms, good (good up to 934 ms, poor beyond 1.6 s)"));
  // A page whose load was not measured says so in words, with no chart.
  const std::string unmeasured = Between(html, "id=\"page-3\"", "id=\"errors\"");
  EXPECT_TRUE(Contains(unmeasured, "there is no FCP or LCP estimate")) << unmeasured.substr(0, 400);
  EXPECT_FALSE(Contains(unmeasured, "metric-chart"));
}

TEST(HtmlReport, SpeedChartThresholdsComeFromTheRuleOptions) {
  std::string json = WithMeasuredLoads(TwoProductsJson());
  json = WithRuleOption(json, "first-contentful-paint", "p10", 2000);
  json = WithRuleOption(json, "largest-contentful-paint", "median", std::nullopt);
  const std::string phone = Between(Render(json), "id=\"page-1\"", "id=\"page-2\"");
  EXPECT_TRUE(Contains(phone, "First Contentful Paint: 2.4 s, needs improvement (good up to 2 s, poor beyond 3 s)"));
  EXPECT_FALSE(Contains(phone, "Largest Contentful Paint: 5 s"));
  EXPECT_TRUE(Contains(phone, "5 s; the report's rules give no thresholds to draw."));
}

TEST(HtmlReport, ByPageTypeListsTheLongestCriticalChainOfEachPageType) {
  const std::string html = Render(WithMeasuredLoads(TwoProductsJson()));
  const std::string by_type = Between(html, "<section id=\"by-type\"", "</section>");
  const std::string chains = Between(by_type, "<h3>Critical request chains</h3>", "<h3>Coverage</h3>");
  ASSERT_FALSE(chains.empty()) << by_type;
  EXPECT_TRUE(Contains(chains, "<h4>product</h4>"));
  // The product page whose chain ends last (900 ms, not 300 ms), its requests with size and times.
  EXPECT_TRUE(Contains(chains, "3 requests one after another, done at 900 ms, on <bdi><a href=\"https://demo.example/p/a\""));
  EXPECT_TRUE(Contains(chains, "(the longest of 2 pages)"));
  EXPECT_TRUE(Contains(chains, "<a href=\"https://demo.example/css/slow-chain.css\" rel=\"noopener noreferrer nofollow\" "
                               "class=\"url\">https://demo.example/css/slow-chain.css</a></bdi> <span class=\"range\">30 KiB, "
                               "320 ms \xe2\x86\x92 610 ms</span>"));
  EXPECT_FALSE(Contains(chains, "fast-chain.css"));
  // A javascript: URL on the chain is shown as text, never as a link.
  EXPECT_TRUE(Contains(chains, "<bdi><span class=\"url\">javascript:/*via-chain*/alert(1)</span></bdi>"));
  EXPECT_FALSE(Contains(Lower(html), "href=\"javascript:"));
  // No page measured: no chain summary.
  EXPECT_FALSE(Contains(Render(TwoProductsJson()), "Critical request chains"));
}

TEST(HtmlReport, CspHashIsTheBase64OfTheSha256OfTheScriptText) {
  EXPECT_EQ(CspSha256(""), "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(CspSha256("abc"), "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST(HtmlReport, TheCspAllowsTheReportsOwnScriptByItsHashAndNothingElse) {
  const std::string html = Render(DemoJson());
  EXPECT_TRUE(OnlyItsOwnScript(html));
  const std::string script = Scripts(html).at(0);
  EXPECT_TRUE(Contains(html, "script-src '" + CspSha256(script) + "'"));
  EXPECT_FALSE(Contains(html, "unsafe-inline'; img") && Contains(html, "script-src 'unsafe-inline'"));
  // One byte more and the hash no longer matches: an altered or injected script would not run.
  EXPECT_FALSE(Contains(html, CspFor(script + " ")));
  // A report with no pages has no search, no script, and a CSP that allows none.
  const std::string empty = Render(ReportJson({}, false));
  EXPECT_TRUE(Scripts(empty).empty());
  EXPECT_TRUE(Contains(empty, "script-src 'none'"));
}

TEST(HtmlReport, SearchBoxIsHiddenUntilItsScriptShowsItAndNeverPrinted) {
  const std::string html = Render(DemoJson());
  EXPECT_TRUE(Contains(html, "<div class=\"search\" id=\"search\" role=\"search\" hidden><label for=\"search-q\">Search pages</label> "
                             "<input type=\"search\" id=\"search-q\""));
  // The box sits beside the radio filters, before the pages it filters.
  EXPECT_LT(html.find("id=\"search\""), html.find("<div class=\"page-list\">"));
  EXPECT_LT(html.find("class=\"filters\""), html.find("id=\"search\""));
  const std::string css = StyleText(html);
  EXPECT_TRUE(Contains(css, ".search[hidden] { display: none; }"));
  EXPECT_TRUE(Contains(css, ".page.search-miss { display: none; }"));
  EXPECT_TRUE(Contains(css, "@media print { .filters, .filter-radio, .search { display: none; } }"));
  const std::string script = Scripts(html).at(0);
  EXPECT_TRUE(Contains(script, "box.hidden = false"));
  EXPECT_TRUE(Contains(script, "q=([^&]*)"));
}


// fixtures/pages/hostile/inject.html (issue 8): attribute injection, "</script>" in JSON-LD strings,
// javascript: and data: URLs, bidi overrides and SVG with script. Its payloads reach the report JSON
// and come out of the HTML as text: no new element or attribute, no link but http(s), no bidi control.
TEST(HtmlReport, InjectionFixtureStaysTextWithNoLinkButHttpAndNoBidiControl) {
  const std::string json = ReportJson({{"https://hostile.example/p/inject", "fixtures/pages/hostile/inject.html"}}, false);
  for (const char* via : {"/*via-attr-title*/", "/*via-jsonld-close*/", "/*via-data-canonical*/", "/*via-bidi-title*/",
                          "/*via-svg-description*/"})
    EXPECT_TRUE(Contains(json, via)) << via << " is not in the report JSON";
  EXPECT_TRUE(Contains(json, "\xE2\x80\xAE"));  // U+202E reached the JSON
  const std::string html = Render(json);
  EXPECT_TRUE(OnlyItsOwnScript(html));
  EXPECT_TRUE(Contains(html, "Boots&quot; autofocus onfocus=&quot;/*via-attr-title*/document.title=&#39;mm&#39;"));
  EXPECT_TRUE(Contains(html, "data:text/html,&lt;script&gt;/*via-data-canonical*/"));
  for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x81\xA6",
                           "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"})
    EXPECT_FALSE(Contains(html, bidi));
  for (const Tag& tag : StartTags(html)) {
    EXPECT_TRUE(AllowedTags().count(tag.name)) << "unexpected element <" << tag.name << ">";
    for (const auto& [name, value] : tag.attributes) {
      EXPECT_NE(name, "!malformed") << value;
      EXPECT_NE(name.rfind("on", 0), 0u) << name << " on <" << tag.name << ">";
      EXPECT_NE(name, "autofocus");
      if (name == "href") EXPECT_TRUE(value.rfind("#", 0) == 0 || value.rfind("https://", 0) == 0 || value.rfind("http://", 0) == 0) << value;
    }
  }
}

}  // namespace
}  // namespace mmaudit::report
