// The HTML report in a real browser: Debian's headless Chromium loads reports that the real mmaudit
// binary wrote (the demo shop, and a hostile shop whose strings carry script payloads) from file://
// and the tests check what a reader would meet: the main sections render, the page makes no network
// request (every request, even to localhost, goes through a recording proxy), logs nothing to the
// console, runs no script, and looks right at phone and desktop widths (screenshots are saved under
// the build dir's test-artifacts/ folder and their paths printed).
//
// Chromium is found as $MMAUDIT_CHROMIUM or `chromium` on PATH (ci/setup installs Debian's
// package). When it is absent these tests FAIL under CI=true, so a CI machine without it cannot
// pass silently, and are SKIPPED with a message elsewhere, so a developer without a browser can
// still run the rest of the suite.
//
// Chromium logs console messages without their level, so "no console error" is checked as "no
// console message at all": the report's one script (the search box) logs nothing, so any message is
// the browser complaining (a CSP violation, e.g. a script whose hash the CSP does not list, or a
// blocked or failed load).
#include <gtest/gtest.h>
#include <gumbo.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "tests/support/chromium.h"
#include "tests/support/fixture_server.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

namespace fs = std::filesystem;

constexpr int kTimeoutS = 45;
// The string the hostile payloads compute at run time ('mm'+'pwned'+(6*7)); spelled in two parts
// so that it appears nowhere in the sources either.
const std::string kMarker = std::string("mmpwn") + "ed42";

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) != "" && std::string(ci) != "false" && std::string(ci) != "0";
}

std::string Slurp(const std::string& path) {
  std::string out;
  EXPECT_TRUE(testing::ReadWholeFile(path, &out)) << path << " is missing";
  return out;
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  out << data;
  ASSERT_TRUE(out.good()) << path;
}

std::string FileUrl(const std::string& path) { return "file://" + fs::absolute(path).lexically_normal().string(); }

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += "  " + l + "\n";
  return s;
}

// The parsed DOM that Chromium dumped, walked with a visitor.
class Dom {
 public:
  explicit Dom(const std::string& html) : html_(html), out_(gumbo_parse(html_.c_str())) {}
  ~Dom() { gumbo_destroy_output(&kGumboDefaultOptions, out_); }
  Dom(const Dom&) = delete;
  Dom& operator=(const Dom&) = delete;

  void ForEachElement(const std::function<void(const GumboElement&)>& f) const { Walk(out_->root, f); }

  // The element with id `id`, or nullptr.
  const GumboElement* ById(const std::string& id) const {
    const GumboElement* found = nullptr;
    ForEachElement([&](const GumboElement& e) {
      const GumboAttribute* a = gumbo_get_attribute(&e.attributes, "id");
      if (found == nullptr && a != nullptr && id == a->value) found = &e;
    });
    return found;
  }

  static std::string Text(const GumboNode* n) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE || n->type == GUMBO_NODE_CDATA)
      return n->v.text.text;
    if (n->type != GUMBO_NODE_ELEMENT) return "";
    std::string s;
    for (unsigned i = 0; i < n->v.element.children.length; ++i)
      s += Text(static_cast<const GumboNode*>(n->v.element.children.data[i]));
    return s;
  }
  static std::string Text(const GumboElement& e) {
    std::string s;
    for (unsigned i = 0; i < e.children.length; ++i) s += Text(static_cast<const GumboNode*>(e.children.data[i]));
    return s;
  }
  std::string AllText() const { return Text(out_->root); }

 private:
  static void Walk(const GumboNode* n, const std::function<void(const GumboElement&)>& f) {
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_TEMPLATE) return;
    f(n->v.element);
    for (unsigned i = 0; i < n->v.element.children.length; ++i)
      Walk(static_cast<const GumboNode*>(n->v.element.children.data[i]), f);
  }
  std::string html_;
  GumboOutput* out_;
};

// The text of the report's own script (the search box) in the report file at `path`: what its CSP
// allows by hash. "" when the file has no script.
std::string OwnScript(const std::string& path) {
  std::string html;
  if (!testing::ReadWholeFile(path, &html)) return "";
  const std::size_t open = html.rfind("<script>"), close = html.rfind("</script>");
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return html.substr(open + 8, close - open - 8);
}

// Everything in the DOM that could run a script: script elements (but one whose text is exactly
// `own_script`, the report's search box, which its CSP allows by hash), on* attributes, javascript:
// (or data:/vbscript:) URLs in URL attributes, frames, objects and embeds. Each as a short description.
std::vector<std::string> LiveScriptVectors(const Dom& dom, const std::string& own_script) {
  std::vector<std::string> found;
  std::size_t own = 0;
  dom.ForEachElement([&](const GumboElement& e) {
    const std::string tag = e.tag == GUMBO_TAG_UNKNOWN ? "?" : gumbo_normalized_tagname(e.tag);
    if (e.tag == GUMBO_TAG_SCRIPT && !own_script.empty() && e.attributes.length == 0 && own == 0 &&
        Dom::Text(e) == own_script) {
      ++own;
    } else if (e.tag == GUMBO_TAG_SCRIPT || e.tag == GUMBO_TAG_IFRAME || e.tag == GUMBO_TAG_OBJECT ||
               e.tag == GUMBO_TAG_EMBED || e.tag == GUMBO_TAG_FRAME || e.tag == GUMBO_TAG_BASE) {
      found.push_back("<" + tag + "> element" + (e.tag == GUMBO_TAG_SCRIPT ? ": " + Dom::Text(e).substr(0, 120) : ""));
    }
    for (unsigned i = 0; i < e.attributes.length; ++i) {
      const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
      const std::string name = text::AsciiLower(a->name);
      const std::string value = text::AsciiLower(std::string(text::Trim(a->value)));
      if (name.rfind("on", 0) == 0) found.push_back("<" + tag + " " + name + "=...>");
      const bool url_attr = name == "href" || name == "src" || name == "action" || name == "formaction" ||
                            name == "xlink:href" || name == "srcdoc" || name == "data";
      if (url_attr && (value.rfind("javascript:", 0) == 0 || value.rfind("vbscript:", 0) == 0 ||
                       (value.rfind("data:", 0) == 0 && value.find("image/") == std::string::npos)))
        found.push_back("<" + tag + " " + name + "=\"" + a->value + "\">");
      if (name == "style" && value.find("url(") != std::string::npos) found.push_back("<" + tag + " style with url()>");
    }
  });
  return found;
}

// Every <a href> of the DOM that is neither an in-page anchor (#...) nor an http(s) URL.
std::vector<std::string> NonHttpLinks(const Dom& dom) {
  std::vector<std::string> found;
  dom.ForEachElement([&](const GumboElement& e) {
    if (e.tag != GUMBO_TAG_A) return;
    const GumboAttribute* href = gumbo_get_attribute(&e.attributes, "href");
    if (href == nullptr) return;
    const std::string v = text::AsciiLower(std::string(text::Trim(href->value)));
    if (v.rfind("#", 0) != 0 && v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) found.push_back(href->value);
  });
  return found;
}

// The page-detail sections (section.page) of the DOM: id -> whether the search hid it (class search-miss).
std::map<std::string, bool> PageSections(const Dom& dom) {
  std::map<std::string, bool> pages;
  dom.ForEachElement([&](const GumboElement& e) {
    const GumboAttribute* cls = gumbo_get_attribute(&e.attributes, "class");
    const GumboAttribute* id = gumbo_get_attribute(&e.attributes, "id");
    if (e.tag != GUMBO_TAG_SECTION || cls == nullptr || id == nullptr) return;
    const std::string c = std::string(" ") + cls->value + " ";
    if (c.find(" page ") == std::string::npos) return;
    pages[id->value] = c.find(" search-miss ") != std::string::npos;
  });
  return pages;
}

// A file under the build dir's test-artifacts folder (created when missing).
std::string ArtifactPath(const std::string& name) {
  const fs::path dir = fs::path(MMAUDIT_ARTIFACT_DIR);
  std::error_code ec;
  fs::create_directories(dir, ec);
  return (dir / name).string();
}

class HtmlReportInChromium : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    chromium = new std::string(testing::FindChromium());
    if (chromium->empty()) return;
    proxy = new testing::RecordingProxy();
    std::string error;
    ASSERT_TRUE(proxy->Start(&error)) << error;
  }
  static void TearDownTestSuite() {
    delete proxy;
    delete chromium;
    delete demo_html;
    delete hostile_html;
    proxy = nullptr;
    chromium = nullptr;
    demo_html = hostile_html = nullptr;
  }

  void SetUp() override {
    const std::string why = "headless Chromium is not installed (ci/setup installs Debian's `chromium`; "
                            "or set MMAUDIT_CHROMIUM to a Chromium binary)";
    if (chromium == nullptr || chromium->empty()) {
      if (InCi()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    ASSERT_NE(proxy, nullptr);
    proxy->Clear();
  }

  static std::vector<std::string> DemoPaths() {
    std::vector<std::string> paths;
    std::istringstream pages(testing::ReadFixture("fixtures/shops/demo/pages.txt"));
    for (std::string line; std::getline(pages, line);) {
      const std::string p(text::Trim(line));
      if (!p.empty() && p[0] != '#') paths.push_back(p);
    }
    return paths;
  }

  // Serves `site` on loopback, audits `paths` there with the real binary, and returns the path of
  // the report.html it wrote ("" after a test failure when it wrote none).
  static std::string AuditShop(const std::string& site, const std::vector<std::string>& paths) {
    testing::FixtureServer server(testing::SourcePath(site));
    std::string error;
    EXPECT_TRUE(server.Start(&error)) << error;
    const std::string out = testing::TempDir();
    std::ofstream urls(out + "/urls.txt");
    for (const auto& p : paths) urls << server.Url(p) << "\n";
    urls.close();
    const auto run = testing::RunMmaudit({"audit", "--no-crawl", "--urls-file", out + "/urls.txt",
                                          "--checkout-ignore-robots", "--server-time-ms", "100", "--format",
                                          "html,json", "--out-dir", out + "/report"});
    EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.output;
    const std::string html = out + "/report/report.html";
    EXPECT_TRUE(fs::exists(html)) << run.output;
    return fs::exists(html) ? html : "";
  }

  // The reports, audited on first use (ctest runs each test in a process of its own).
  static const std::string& DemoHtml() {
    if (demo_html == nullptr) demo_html = new std::string(AuditShop("fixtures/shops/demo/site", DemoPaths()));
    return *demo_html;
  }
  static const std::string& HostileHtml() {
    if (hostile_html == nullptr)
      hostile_html = new std::string(AuditShop("fixtures/pages/hostile", {"/scripts", "/xss", "/inject"}));
    return *hostile_html;
  }

  static testing::ChromiumRun Load(const std::string& url, const std::vector<std::string>& extra) {
    testing::ChromiumRun run = testing::RunChromium(*chromium, url, extra, proxy->port(), kTimeoutS);
    EXPECT_TRUE(run.started) << run.error;
    EXPECT_FALSE(run.timed_out) << "Chromium did not finish " << url << " within " << kTimeoutS << " s";
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run;
  }
  static testing::ChromiumRun DumpDom(const std::string& path) { return Load(FileUrl(path), {"--dump-dom"}); }

  static std::string* chromium;
  static testing::RecordingProxy* proxy;
  static std::string* demo_html;
  static std::string* hostile_html;
};
std::string* HtmlReportInChromium::chromium = nullptr;
testing::RecordingProxy* HtmlReportInChromium::proxy = nullptr;
std::string* HtmlReportInChromium::demo_html = nullptr;
std::string* HtmlReportInChromium::hostile_html = nullptr;

// The observers can see what they look for: a page that requests a URL, logs to the console and
// runs a script shows all three, so their absence in the reports' runs means something.
TEST_F(HtmlReportInChromium, TheProxyTheConsoleAndTheDomSeeAPageThatRequestsLogsAndRunsScript) {
  const std::string page = testing::TempDir() + "/control.html";
  WriteFile(page,
            "<!DOCTYPE html><html><head><title>control</title></head><body>"
            "<img src=\"http://mmaudit-probe.invalid/probe.png\" alt=\"\">"
            "<script>console.error('mmaudit control'); document.title = 'mm' + 'pwn' + 'ed' + (6*7);</script>"
            "</body></html>");
  const auto run = DumpDom(page);
  EXPECT_NE(run.out.find(kMarker), std::string::npos) << run.out;
  bool logged = false;
  for (const auto& m : run.ConsoleMessages()) logged = logged || m.find("mmaudit control") != std::string::npos;
  EXPECT_TRUE(logged) << run.err;
  bool requested = false;
  for (const auto& r : proxy->PageRequests()) requested = requested || r.find("mmaudit-probe.invalid") != std::string::npos;
  EXPECT_TRUE(requested) << Join(proxy->Requests());
}

TEST_F(HtmlReportInChromium, TheDemoReportRendersItsMainSectionsWithoutAnyRequestOrConsoleMessage) {
  ASSERT_FALSE(DemoHtml().empty());
  const auto run = DumpDom(DemoHtml());
  Dom dom(run.out);
  for (const std::string id : {"overview", "moments", "top-fixes", "pages", "checkout", "details"}) {
    const GumboElement* section = dom.ById(id);
    ASSERT_NE(section, nullptr) << "no #" << id << " in the rendered DOM";
    EXPECT_EQ(section->tag, GUMBO_TAG_SECTION) << id;
    const GumboElement* heading = dom.ById(id + "-h");
    ASSERT_NE(heading, nullptr) << id;
    EXPECT_FALSE(text::Trim(Dom::Text(*heading)).empty()) << id;
    EXPECT_GT(text::Trim(Dom::Text(*section)).size(), 40u) << "#" << id << " rendered almost nothing";
  }
  std::size_t svgs = 0;
  dom.ForEachElement([&](const GumboElement& e) { svgs += e.tag == GUMBO_TAG_SVG; });
  EXPECT_GT(svgs, 0u) << "no inline SVG chart rendered";
  EXPECT_TRUE(proxy->PageRequests().empty()) << "requests from the demo report:\n" << Join(proxy->PageRequests());
  EXPECT_TRUE(run.ConsoleMessages().empty()) << "console messages:\n" << Join(run.ConsoleMessages());
  EXPECT_TRUE(LiveScriptVectors(dom, OwnScript(DemoHtml())).empty()) << Join(LiveScriptVectors(dom, OwnScript(DemoHtml())));
  EXPECT_TRUE(NonHttpLinks(dom).empty()) << Join(NonHttpLinks(dom));
}

// Once as written, and once with its Content-Security-Policy meta removed, so that escaping alone
// must keep every payload inert: if any became markup it would run there, change the title or the
// DOM, or request http://mmaudit-pwned.invalid/ through the proxy.
TEST_F(HtmlReportInChromium, TheHostileReportRunsNoScriptEvenWithoutItsContentSecurityPolicy) {
  ASSERT_FALSE(HostileHtml().empty());
  const std::string html = Slurp(HostileHtml());
  // The rest (alt text, image and form URLs, link text) reached the JSON the HTML is rendered from.
  const std::string json = Slurp(fs::path(HostileHtml()).replace_filename("report.json").string());
  for (const char* via : {"/*via-alt*/", "/*via-alt-svg*/", "/*via-img-src*/", "/*via-form*/", "/*via-link-text*/",
                          "/*via-jsonld-img*/", "/*via-jsonld-svg*/", "/*via-jsonld-url*/", "/*via-attr-title*/",
                          "/*via-jsonld-close*/", "/*via-data-canonical*/", "/*via-svg-description*/"})
    EXPECT_NE(json.find(via), std::string::npos) << via << " is not in report.json";
  const std::string csp = "<meta http-equiv=\"Content-Security-Policy\"";
  const std::size_t at = html.find(csp);
  ASSERT_NE(at, std::string::npos) << "the report has no CSP meta";
  std::string without_csp = html;
  without_csp.erase(at, html.find('>', at) + 1 - at);
  ASSERT_EQ(without_csp.find("Content-Security-Policy"), std::string::npos);
  const std::string stripped = testing::TempDir() + "/hostile-without-csp.html";
  WriteFile(stripped, without_csp);

  for (const std::string& path : {HostileHtml(), stripped}) {
    SCOPED_TRACE(path);
    proxy->Clear();
    const auto run = DumpDom(path);
    Dom dom(run.out);
    // The payloads the report shows (titles, JSON-LD, descriptions, javascript: URLs, FAQ text)
    // reached it, as text.
    const std::string shown = dom.AllText();
    for (const char* via : {"/*via-title*/", "/*via-title-img*/", "/*via-jsonld*/", "/*via-description*/",
                            "/*via-description-script*/", "/*via-canonical*/", "/*via-href*/", "/*via-faq*/",
                            "/*via-attr-title*/", "/*via-attr-single*/", "/*via-bidi-title*/", "/*via-script-close*/",
                            "/*via-svg-description*/", "/*via-data-canonical*/"})
      EXPECT_NE(shown.find(via), std::string::npos) << via << " is not in the report's text";
    // Bidi embeddings, overrides and isolates from page strings cannot reorder the report's text.
    for (const char* bidi : {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
                             "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"})
      EXPECT_EQ(shown.find(bidi), std::string::npos) << "a bidi control character reached the report's text";
    // javascript: and data: URLs from the pages are text, never links.
    EXPECT_TRUE(NonHttpLinks(dom).empty()) << Join(NonHttpLinks(dom));
    // None of them ran.
    EXPECT_EQ(run.out.find(kMarker), std::string::npos) << "a payload ran:\n" << run.out;
    const GumboElement* title = nullptr;
    dom.ForEachElement([&](const GumboElement& e) { title = title == nullptr && e.tag == GUMBO_TAG_TITLE ? &e : title; });
    ASSERT_NE(title, nullptr);
    EXPECT_EQ(Dom::Text(*title).rfind("mmaudit report", 0), 0u) << Dom::Text(*title);
    EXPECT_TRUE(LiveScriptVectors(dom, OwnScript(HostileHtml())).empty()) << Join(LiveScriptVectors(dom, OwnScript(HostileHtml())));
    EXPECT_TRUE(proxy->PageRequests().empty()) << "requests from the hostile report:\n" << Join(proxy->PageRequests());
    EXPECT_TRUE(run.ConsoleMessages().empty()) << "console messages:\n" << Join(run.ConsoleMessages());
  }
}

// The search box, driven by a "#q=" fragment the report's script reads at load: only the pages whose
// title, URL or finding titles hold every word stay; with script disabled the box stays hidden and
// every page shows. Either way nothing is logged, so the CSP hash matched the script.
TEST_F(HtmlReportInChromium, TheSearchBoxFiltersThePageDetailsAndScriptlessReadersSeeEveryPage) {
  ASSERT_FALSE(DemoHtml().empty());
  const auto run = Load(FileUrl(DemoHtml()) + "#q=trail-runner", {"--dump-dom"});
  Dom dom(run.out);
  const auto pages = PageSections(dom);
  ASSERT_GT(pages.size(), 3u) << "no page sections in the DOM";
  std::size_t shown = 0;
  for (const auto& [id, hidden] : pages) shown += hidden ? 0 : 1;
  EXPECT_EQ(shown, 1u) << "one demo page (/p/trail-runner-x) matches \"trail-runner\"";
  const GumboElement* box = dom.ById("search");
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(gumbo_get_attribute(&box->attributes, "hidden"), nullptr) << "the script did not show the box";
  const GumboElement* input = dom.ById("search-q");
  ASSERT_NE(input, nullptr);
  const GumboElement* status = dom.ById("search-status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(Dom::Text(*status), "1 of " + std::to_string(pages.size()) + " pages match");
  EXPECT_TRUE(run.ConsoleMessages().empty()) << "console messages:\n" << Join(run.ConsoleMessages());

  // Two words: both must occur (a finding title and a URL).
  const auto both = Load(FileUrl(DemoHtml()) + "#q=stores%20" + "trail", {"--dump-dom"});
  std::size_t both_shown = 0;
  for (const auto& [id, hidden] : PageSections(Dom(both.out))) both_shown += hidden ? 0 : 1;
  EXPECT_EQ(both_shown, 0u) << "no demo page is both /stores and about trail shoes";

  // Script disabled: headless Chromium's --dump-dom needs script itself, so the report is loaded
  // with its one <script> element removed, which is what a reader without script gets.
  std::string without_script = Slurp(DemoHtml());
  const std::size_t at = without_script.rfind("<script>");
  ASSERT_NE(at, std::string::npos);
  without_script.erase(at, without_script.find("</script>", at) + 9 - at);
  ASSERT_EQ(without_script.find("<script"), std::string::npos);
  const std::string scriptless = testing::TempDir() + "/demo-without-script.html";
  WriteFile(scriptless, without_script);
  const auto off = Load(FileUrl(scriptless) + "#q=trail-runner", {"--dump-dom"});
  Dom off_dom(off.out);
  EXPECT_GT(PageSections(off_dom).size(), 3u);
  for (const auto& [id, hidden] : PageSections(off_dom)) EXPECT_FALSE(hidden) << id << " hidden without script";
  const GumboElement* off_box = off_dom.ById("search");
  ASSERT_NE(off_box, nullptr);
  EXPECT_NE(gumbo_get_attribute(&off_box->attributes, "hidden"), nullptr) << "a search box that cannot work is shown";
  EXPECT_TRUE(proxy->PageRequests().empty()) << Join(proxy->PageRequests());
}

// Screenshots at a phone's and a desktop's width, saved as artifacts; the render time of the demo
// report against a trivial page in the same run, and the report's size, are printed as figures.
TEST_F(HtmlReportInChromium, ScreenshotsAtPhoneAndDesktopWidthsAreSavedAsArtifacts) {
  ASSERT_FALSE(DemoHtml().empty());
  const std::string trivial = testing::TempDir() + "/trivial.html";
  WriteFile(trivial, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head><body><p>t</p></body></html>");

  struct Shot {
    const char* name;
    int width, height;
  };
  double report_ms = 0, trivial_ms = 0;
  for (const Shot& s : {Shot{"report-phone.png", 412, 2000}, Shot{"report-desktop.png", 1280, 2400}}) {
    const std::string png = ArtifactPath(s.name);
    fs::remove(png);
    const std::string size = "--window-size=" + std::to_string(s.width) + "," + std::to_string(s.height);
    const auto base = Load(FileUrl(trivial), {"--screenshot=" + ArtifactPath("trivial.png"), size});
    const auto run = Load(FileUrl(DemoHtml()), {"--screenshot=" + png, size});
    trivial_ms += base.wall_ms;
    report_ms += run.wall_ms;
    const testing::PngInfo info = testing::ReadPngInfo(png);
    ASSERT_TRUE(info.valid) << png << " is not a PNG\n" << run.err;
    EXPECT_EQ(info.width, static_cast<unsigned>(s.width)) << png;
    EXPECT_EQ(info.height, static_cast<unsigned>(s.height)) << png;
    const testing::PngInfo blank = testing::ReadPngInfo(ArtifactPath("trivial.png"));
    // A rendered report compresses far worse than a near-blank page of the same size.
    EXPECT_GT(info.bytes, 20000u) << png;
    EXPECT_GT(info.bytes, 3 * blank.bytes) << png << " is hardly more than a blank page";
    std::cout << "[ artifact ] " << png << " (" << info.width << "x" << info.height << ", " << info.bytes
              << " bytes)\n";
    EXPECT_TRUE(run.ConsoleMessages().empty()) << Join(run.ConsoleMessages());
  }
  fs::remove(ArtifactPath("trivial.png"));
  EXPECT_TRUE(proxy->PageRequests().empty()) << Join(proxy->PageRequests());
  const auto bytes = fs::file_size(DemoHtml());
  std::cout << "[ figures  ] demo report.html: " << bytes << " bytes (" << (bytes + 512) / 1024 << " KiB); "
            << "headless Chromium screenshot runs (phone + desktop): report " << static_cast<long>(report_ms)
            << " ms, trivial page " << static_cast<long>(trivial_ms) << " ms, ratio "
            << (trivial_ms > 0 ? report_ms / trivial_ms : 0) << "\n";
}

// The runner never hangs and leaves nothing behind: a "browser" that never exits, with a child of
// its own, is killed with its whole process group when the timeout passes. (No Chromium needed.)
TEST(ChromiumRunner, ATimedOutRunIsKilledWithItsWholeProcessGroup) {
  const std::string dir = testing::TempDir();
  const std::string fake = dir + "/fake-chromium", pid_file = dir + "/child.pid";
  WriteFile(fake, "#!/bin/sh\nsleep 120 &\necho $! > '" + pid_file + "'\nsleep 120\n");
  fs::permissions(fake, fs::perms::owner_all);
  const auto run = testing::RunChromium(fake, "about:blank", {}, 0, 1);
  EXPECT_TRUE(run.started) << run.error;
  EXPECT_TRUE(run.timed_out);
  EXPECT_LT(run.wall_ms, 10000);
  const std::string child = std::string(text::Trim(Slurp(pid_file)));
  ASSERT_FALSE(child.empty());
  // The orphaned child is gone, or a zombie waiting for init, within a moment.
  bool alive = true;
  for (int i = 0; i < 100 && alive; ++i) {
    std::string stat;
    alive = testing::ReadWholeFile("/proc/" + child + "/stat", &stat) && stat.find(") Z") == std::string::npos;
    if (alive) usleep(20000);
  }
  EXPECT_FALSE(alive) << "child " << child << " outlived the run";
}

}  // namespace
}  // namespace mmaudit
