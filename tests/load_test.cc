// Load weight end to end over real loopback HTTP (issue 5) against fixtures/shops/weight: the byte
// accounting of pipeline/load.cc checked exactly against the fixture files (compressed and
// uncompressed, shared resources, the srcset choice, lazy images), the opportunities, the budget and
// --no-resources through the CLI. fixtures/shops/weight/README.md says what each page pins down.
#include <gtest/gtest.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "pipeline/audit.h"
#include "tests/support/fixture_server.h"
#include "tests/support/json_subset.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_paths.h"

namespace mmaudit {
namespace {

const char kShop[] = "fixtures/shops/weight/";

std::uint64_t FileSize(const std::string& relative) {
  return std::filesystem::file_size(testing::SourcePath(kShop + relative));
}

// The body of a canned .http file: what follows the first blank line.
std::uint64_t CannedBodySize(const std::string& relative) {
  const std::string canned = testing::ReadFixture(kShop + relative);
  const std::size_t blank = canned.find("\n\n");
  EXPECT_NE(blank, std::string::npos) << relative;
  return canned.size() - (blank + 2);
}

class Load : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server = new testing::FixtureServer(testing::SourcePath("fixtures/shops/weight/site"));
    std::string error;
    ASSERT_TRUE(server->Start(&error)) << error;
    pipeline::AuditOptions options;
    options.device = *fetch::FindDevice("moto-g-power");
    options.fetch.user_agent = options.device.user_agent;
    options.catalogue = rules::DefaultCatalogue();
    options.crawl.follow_links = false;  // exactly these pages, as `mmaudit audit --no-crawl`
    options.crawl.use_sitemaps = false;
    options.checkout = "off";
    NullProgress progress;
    result = new report::AuditResult(pipeline::AuditSite({server->Url("/"), server->Url("/other")}, options, progress));
  }
  static void TearDownTestSuite() {
    delete result;
    delete server;
  }

  static const facts::PagePerformance& Perf(const std::string& page) {
    for (const auto& p : result->pages)
      if (p.facts.http.final_url == server->Url(page)) return p.facts.performance;
    ADD_FAILURE() << "no page " << page;
    static const facts::PagePerformance none;
    return none;
  }
  // The page's record of `path`; fails the test when there is none.
  static const facts::ResourceRecord& Rec(const std::string& page, const std::string& path) {
    for (const auto& r : Perf(page).resources)
      if (r.url == server->Url(path)) return r;
    ADD_FAILURE() << "no record of " << path << " on " << page;
    static const facts::ResourceRecord none;
    return none;
  }
  static bool Has(const std::string& page, const std::string& path) {
    for (const auto& r : Perf(page).resources)
      if (r.url == server->Url(path)) return true;
    return false;
  }
  static int RequestsFor(const std::string& path) {
    int n = 0;
    for (const auto& r : server->Requests()) n += r.path == path;
    return n;
  }
  static const facts::WeightBucket& ByType(const std::string& page, const std::string& type) {
    for (const auto& [name, bucket] : Perf(page).weight.by_type)
      if (name == type) return bucket;
    ADD_FAILURE() << "no type " << type;
    static const facts::WeightBucket none;
    return none;
  }
  static const facts::Opportunity* Find(const std::string& page, const std::string& id) {
    for (const auto& o : Perf(page).opportunities)
      if (o.id == id) return &o;
    return nullptr;
  }
  static std::vector<std::string> ItemPaths(const facts::Opportunity& o) {
    std::vector<std::string> paths;
    for (const auto& i : o.items) paths.push_back(i.url.substr(server->Url("").size()));
    return paths;
  }

  // The bytes of the status line and headers the fixture server sends for `path` over a kept-alive
  // connection, measured on a second server over the same site (so the first one's request counts
  // stay untouched): "HTTP/1.1 STATUS REASON\r\n", each "Name: value\r\n", then "\r\n".
  static std::uint64_t HeaderBytes(const std::string& path) {
    testing::FixtureServer twin(testing::SourcePath("fixtures/shops/weight/site"));
    std::string error;
    EXPECT_TRUE(twin.Start(&error)) << error;
    httplib::Client client("127.0.0.1", twin.port());
    client.set_keep_alive(true);  // as libcurl: the server then answers Keep-Alive, not Connection: close
    client.set_decompress(false);
    const auto res = client.Get(path.c_str(), {{"Accept-Encoding", "deflate, gzip, br, zstd"}});
    EXPECT_TRUE(res) << path;
    if (!res) return 0;
    std::uint64_t n = std::string("HTTP/1.1 ").size() + std::to_string(res->status).size() + 1 + res->reason.size() + 2;
    for (const auto& [name, value] : res->headers) n += name.size() + 2 + value.size() + 2;
    return n + 2;
  }

  static testing::FixtureServer* server;
  static report::AuditResult* result;
};
testing::FixtureServer* Load::server = nullptr;
report::AuditResult* Load::result = nullptr;

TEST_F(Load, MeasuresBothPagesOnThePhone) {
  ASSERT_EQ(result->pages.size(), 2u);
  for (const char* page : {"/", "/other"}) {
    EXPECT_TRUE(Perf(page).measured) << page << ": " << Perf(page).not_measured_reason;
    EXPECT_EQ(Perf(page).device, "mobile");
  }
}

// The mobile layout is read again with the fetched stylesheets: site.css's 120 rules with margins,
// paddings and display count; the gzipped theme.css and the extra.css it imports are read too.
TEST_F(Load, ReadsTheLayoutOnAPhoneWithTheLinkedStylesheets) {
  for (const auto& p : result->pages) {
    if (p.facts.http.final_url != server->Url("/")) continue;
    const facts::MobileLayoutFacts& m = p.facts.mobile;
    EXPECT_EQ(m.css_read, "inline+linked");
    EXPECT_EQ(m.linked_stylesheets, 2u);
    EXPECT_EQ(m.linked_stylesheets_read, 2u);
    EXPECT_EQ(m.linked_css_note, "");
    EXPECT_GE(m.css_rules, 120u);
    EXPECT_TRUE(p.facts.mobile_dom.nodes.empty());  // dropped once read
    return;
  }
  ADD_FAILURE() << "no home page";
}

TEST_F(Load, CountsAnUncompressedStylesheetByItsFileSizePlusHeaders) {
  const facts::ResourceRecord& css = Rec("/", "/css/site.css");
  const std::uint64_t body = CannedBodySize("site/css/site.css.http");
  EXPECT_EQ(body, FileSize("src/site.css"));
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_encoding, "");
  EXPECT_EQ(css.decoded_bytes, body);
  EXPECT_EQ(css.transfer_bytes, HeaderBytes("/css/site.css") + body);
  EXPECT_GT(css.transfer_bytes, css.decoded_bytes);
  EXPECT_GT(css.gzip_estimate_bytes, 0u);  // what gzip would send
  EXPECT_LT(css.gzip_estimate_bytes, body / 4);
  EXPECT_EQ(css.max_age_s, 31536000);
}

TEST_F(Load, CountsGzipEncodedStylesheetsByTheirCompressedBytes) {
  const facts::ResourceRecord& css = Rec("/", "/css/theme.css");
  const std::uint64_t gzip_body = CannedBodySize("site/css/theme.css.http");
  EXPECT_EQ(css.content_encoding, "gzip");
  EXPECT_EQ(css.decoded_bytes, FileSize("src/theme.css"));  // the body after gunzip
  EXPECT_EQ(css.transfer_bytes, HeaderBytes("/css/theme.css") + gzip_body);
  EXPECT_LT(css.transfer_bytes, css.decoded_bytes);
  EXPECT_EQ(css.gzip_estimate_bytes, 0u);  // already compressed: nothing to estimate
}

TEST_F(Load, CountsEveryImageFontAndScriptByItsFileBytes) {
  const std::map<std::string, std::string> files = {
      {"/img/icon.png", "site/img/icon.png"},       {"/img/logo.png", "site/img/logo.png"},
      {"/img/lazy-top.png", "site/img/lazy-top.png"}, {"/img/p-800.jpg", "site/img/p-800.jpg"},
      {"/img/lazy-far.png", "site/img/lazy-far.png"}, {"/img/bg.png", "site/img/bg.png"},
      {"/fonts/shop.woff2", "site/fonts/shop.woff2"},
  };
  for (const auto& [path, file] : files) {
    const facts::ResourceRecord& r = Rec("/", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.decoded_bytes, FileSize(file)) << path;
    // Binary types are sent as they are: on the wire, the file plus the headers.
    EXPECT_EQ(r.transfer_bytes, HeaderBytes(path) + FileSize(file)) << path;
  }
  EXPECT_EQ(Rec("/", "/js/app.js").decoded_bytes, FileSize("src/app.js"));
  EXPECT_EQ(Rec("/", "/js/app.js").transfer_bytes, HeaderBytes("/js/app.js") + FileSize("src/app.js"));
  EXPECT_EQ(Rec("/", "/css/extra.css").decoded_bytes, FileSize("src/extra.css"));
  // The documents themselves come br-compressed from the fixture server: decoded is the file.
  EXPECT_EQ(Rec("/", "/").decoded_bytes, FileSize("site/index.html"));
  EXPECT_EQ(Rec("/other", "/other").decoded_bytes, FileSize("site/other.html"));
}

TEST_F(Load, FollowsAnImportAFontFaceAndABackgroundImageFromTheGzippedStylesheet) {
  const std::string theme = server->Url("/css/theme.css");
  const facts::ResourceRecord& extra = Rec("/", "/css/extra.css");
  EXPECT_EQ(extra.via, "css-import");
  EXPECT_EQ(extra.initiator, theme);
  EXPECT_EQ(extra.type, facts::ResourceType::kStylesheet);
  EXPECT_TRUE(extra.render_blocking);
  const facts::ResourceRecord& font = Rec("/", "/fonts/shop.woff2");
  EXPECT_EQ(font.via, "font-face");
  EXPECT_EQ(font.type, facts::ResourceType::kFont);
  EXPECT_EQ(font.initiator, theme);
  EXPECT_EQ(font.font_display, "");
  const facts::ResourceRecord& bg = Rec("/", "/img/bg.png");
  EXPECT_EQ(bg.via, "css-url");
  EXPECT_EQ(bg.initiator, theme);
  EXPECT_EQ(bg.intrinsic_width, 64);
  EXPECT_EQ(bg.intrinsic_height, 64);
}

TEST_F(Load, SumsEachPagesWeightExactlyByType) {
  // Home: the document, 3 stylesheets, 1 script, 6 images (icon, logo, lazy-top, p-800, the 404,
  // bg), 1 font; lazy-far is deferred.
  const facts::WeightSummary& home = Perf("/").weight;
  EXPECT_EQ(home.total.count, 12u);
  EXPECT_EQ(ByType("/", "document").count, 1u);
  EXPECT_EQ(ByType("/", "stylesheet").count, 3u);
  EXPECT_EQ(ByType("/", "script").count, 1u);
  EXPECT_EQ(ByType("/", "image").count, 6u);
  EXPECT_EQ(ByType("/", "font").count, 1u);
  EXPECT_EQ(ByType("/", "media").count, 0u);
  EXPECT_EQ(ByType("/", "other").count, 0u);
  EXPECT_EQ(ByType("/", "stylesheet").decoded_bytes,
            FileSize("src/site.css") + FileSize("src/theme.css") + FileSize("src/extra.css"));
  EXPECT_EQ(ByType("/", "font").decoded_bytes, FileSize("site/fonts/shop.woff2"));
  const std::uint64_t files = FileSize("site/index.html") + FileSize("src/site.css") + FileSize("src/theme.css") +
                              FileSize("src/extra.css") + FileSize("src/app.js") + FileSize("site/img/icon.png") +
                              FileSize("site/img/logo.png") + FileSize("site/img/lazy-top.png") +
                              FileSize("site/img/p-800.jpg") + FileSize("site/img/bg.png") +
                              FileSize("site/fonts/shop.woff2");
  EXPECT_EQ(home.total.decoded_bytes, files + Rec("/", "/img/missing.png").decoded_bytes);
  std::uint64_t transfer = 0;
  for (const auto& r : Perf("/").resources)
    if (!r.deferred) transfer += r.transfer_bytes;
  EXPECT_EQ(home.total.transfer_bytes, transfer);
  EXPECT_EQ(home.first_party.transfer_bytes, home.total.transfer_bytes);
  EXPECT_EQ(home.third_party.count, 0u);
  EXPECT_EQ(home.third_party_origins, 0u);

  // Other: the document, site.css, app.js, icon, logo and the webp hero.
  const facts::WeightSummary& other = Perf("/other").weight;
  EXPECT_EQ(other.total.count, 6u);
  EXPECT_EQ(ByType("/other", "stylesheet").count, 1u);
  EXPECT_EQ(ByType("/other", "script").count, 1u);
  EXPECT_EQ(ByType("/other", "image").count, 3u);
  EXPECT_EQ(ByType("/other", "font").count, 0u);
  EXPECT_EQ(other.total.decoded_bytes, FileSize("site/other.html") + FileSize("src/site.css") +
                                           FileSize("src/app.js") + FileSize("site/img/icon.png") +
                                           FileSize("site/img/logo.png") + FileSize("site/img/hero.webp"));
  EXPECT_EQ(other.deferred.count, 0u);
  EXPECT_EQ(other.failed, 0u);
}

TEST_F(Load, FetchesASharedResourceOnceButCountsItOnEveryPage) {
  for (const char* path : {"/css/site.css", "/js/app.js", "/img/logo.png", "/img/icon.png"}) {
    EXPECT_EQ(RequestsFor(path), 1) << path;
    const facts::ResourceRecord& home = Rec("/", path);
    const facts::ResourceRecord& other = Rec("/other", path);
    EXPECT_EQ(home.transfer_bytes, other.transfer_bytes) << path;
    EXPECT_EQ(home.decoded_bytes, other.decoded_bytes) << path;
    EXPECT_GT(home.transfer_bytes, 0u) << path;
  }
  // Every subresource of the run was asked for once, whatever the number of pages naming it.
  std::map<std::string, int> counts;
  for (const auto& r : server->Requests()) ++counts[r.path];
  for (const auto& [path, n] : counts) EXPECT_EQ(n, 1) << path;
}

TEST_F(Load, ChoosesTheSrcsetCandidateForA412PxPhoneAtDpr175) {
  // sizes 100vw on a 412 px viewport at DPR 1.75 wants 721 device px: 800w is the least dense
  // candidate dense enough (400w gives 0.97x, 800w 1.94x).
  const facts::ResourceRecord& img = Rec("/", "/img/p-800.jpg");
  EXPECT_EQ(img.via, "img-srcset");
  EXPECT_EQ(img.srcset_choice, "800w");
  EXPECT_EQ(img.image_format, "jpeg");
  EXPECT_EQ(img.intrinsic_width, 800);
  EXPECT_EQ(img.intrinsic_height, 600);
  EXPECT_FALSE(Has("/", "/img/p-400.jpg"));
  EXPECT_FALSE(Has("/", "/img/p-1600.jpg"));
  EXPECT_EQ(RequestsFor("/img/p-400.jpg"), 0) << "the src fallback of a srcset image is not loaded";
  EXPECT_EQ(RequestsFor("/img/p-1600.jpg"), 0);
}

TEST_F(Load, LoadsTheWebpSourceOfAPictureAndNotItsJpegFallback) {
  const facts::ResourceRecord& hero = Rec("/other", "/img/hero.webp");
  EXPECT_EQ(hero.via, "picture-source");
  EXPECT_EQ(hero.media_type, "image/webp");
  EXPECT_EQ(hero.image_format, "webp");
  EXPECT_EQ(hero.intrinsic_width, 600);
  EXPECT_EQ(hero.intrinsic_height, 400);
  EXPECT_EQ(hero.decoded_bytes, FileSize("site/img/hero.webp"));
  EXPECT_FALSE(Has("/other", "/img/hero.jpg"));
  EXPECT_EQ(RequestsFor("/img/hero.jpg"), 0);
}

TEST_F(Load, ReadsIntrinsicImageSizesFromTheBytes) {
  const std::map<std::string, std::tuple<std::string, int, int>> want = {
      {"/img/icon.png", {"png", 32, 32}},         {"/img/logo.png", {"png", 128, 96}},
      {"/img/lazy-top.png", {"png", 100, 100}},   {"/img/lazy-far.png", {"png", 200, 200}},
      {"/img/bg.png", {"png", 64, 64}},           {"/img/p-800.jpg", {"jpeg", 800, 600}},
  };
  for (const auto& [path, size] : want) {
    const facts::ResourceRecord& r = Rec("/", path);
    EXPECT_EQ(r.image_format, std::get<0>(size)) << path;
    EXPECT_EQ(r.intrinsic_width, std::get<1>(size)) << path;
    EXPECT_EQ(r.intrinsic_height, std::get<2>(size)) << path;
  }
}

TEST_F(Load, CountsALazyImageInTheViewportButDefersOneFarBelowTheFold) {
  const facts::ResourceRecord& top = Rec("/", "/img/lazy-top.png");
  EXPECT_TRUE(top.lazy);
  EXPECT_FALSE(top.deferred);
  EXPECT_TRUE(top.above_fold);
  const facts::ResourceRecord& far = Rec("/", "/img/lazy-far.png");
  EXPECT_TRUE(far.lazy);
  EXPECT_TRUE(far.deferred);
  EXPECT_FALSE(far.above_fold);
  EXPECT_GT(far.estimated_top, 3000 + 823);  // more than 3000 px below the fold of an 823 px viewport
  const facts::WeightSummary& w = Perf("/").weight;
  EXPECT_EQ(w.deferred.count, 1u);
  EXPECT_EQ(w.deferred.decoded_bytes, FileSize("site/img/lazy-far.png"));
  EXPECT_EQ(w.deferred.transfer_bytes, far.transfer_bytes);
  // Measured all the same (the loader fetches it), but outside the total.
  EXPECT_EQ(RequestsFor("/img/lazy-far.png"), 1);
}

TEST_F(Load, RecordsA404SubresourceAsFailedAndStillCountsItsRequest) {
  const facts::ResourceRecord& gone = Rec("/", "/img/missing.png");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.type, facts::ResourceType::kImage);
  EXPECT_EQ(gone.intrinsic_width, 0);
  EXPECT_EQ(Perf("/").weight.failed, 1u);
  EXPECT_EQ(Perf("/other").weight.failed, 0u);
  // No icon is missing, so neither page makes Chrome ask for /favicon.ico.
  EXPECT_EQ(RequestsFor("/favicon.ico"), 0);
}

TEST_F(Load, FindsTheOpportunitiesTheFixtureSetsAndNoOthers) {
  std::set<std::string> ids;
  for (const auto& o : Perf("/").opportunities) ids.insert(o.id);
  EXPECT_EQ(ids, (std::set<std::string>{"uses-text-compression", "uses-long-cache-ttl", "modern-image-formats",
                                         "uses-responsive-images", "font-display"}));
  // Only the stylesheet sent uncompressed: not the gzipped one, not the small script and import.
  const facts::Opportunity* text = Find("/", "uses-text-compression");
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(ItemPaths(*text), std::vector<std::string>{"/css/site.css"});
  const facts::ResourceRecord& css = Rec("/", "/css/site.css");
  EXPECT_EQ(text->bytes_saved, css.decoded_bytes - css.gzip_estimate_bytes);
  // The 128 x 96 noise logo shown at 32 x 24 is oversized and heavy for a PNG; the JPEG and the
  // small solid PNGs are not.
  for (const char* id : {"modern-image-formats", "uses-responsive-images"}) {
    ASSERT_NE(Find("/", id), nullptr) << id;
    EXPECT_EQ(ItemPaths(*Find("/", id)), std::vector<std::string>{"/img/logo.png"}) << id;
  }
  ASSERT_NE(Find("/", "font-display"), nullptr);
  EXPECT_EQ(ItemPaths(*Find("/", "font-display")), std::vector<std::string>{"/fonts/shop.woff2"});
  // Cached for a year: site.css is not in the cache TTL list; the failed and the deferred are not either.
  const std::vector<std::string> ttl = ItemPaths(*Find("/", "uses-long-cache-ttl"));
  const std::set<std::string> ttl_set(ttl.begin(), ttl.end());
  EXPECT_EQ(ttl_set, (std::set<std::string>{"/img/logo.png", "/img/p-800.jpg", "/fonts/shop.woff2", "/css/theme.css",
                                             "/img/lazy-top.png", "/img/bg.png", "/img/icon.png", "/js/app.js",
                                             "/css/extra.css"}));
  // Not set: no lazy LCP image, no eager image far below the fold.
  EXPECT_EQ(Find("/", "offscreen-images"), nullptr);
  EXPECT_EQ(Find("/", "lcp-lazy-loaded"), nullptr);
  EXPECT_EQ(Find("/other", "font-display"), nullptr);
  EXPECT_EQ(Find("/other", "offscreen-images"), nullptr);
}

TEST_F(Load, PlacesNoOrderAndSendsOnlyGets) {
  EXPECT_TRUE(server->OrderAttempts().empty());
  for (const auto& r : server->Requests()) EXPECT_EQ(r.method, "GET") << r.path;
}

// --- the CLI: --no-resources and --budget -----------------------------------------------------------

struct CliRun {
  testing::RunResult run;
  std::string json;
  rapidjson::Document report;
};

CliRun Audit(testing::FixtureServer& server, std::vector<std::string> extra) {
  const std::string out = testing::TempDir();
  std::vector<std::string> args = {"audit", server.Url("/"), server.Url("/other"), "--no-crawl", "--checkout", "off",
                                   "--out-dir", out};
  args.insert(args.end(), extra.begin(), extra.end());
  CliRun r;
  r.run = testing::RunMmaudit(args);
  std::ifstream in(out + "/report.json");
  r.json.assign((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  r.report.Parse(r.json.c_str());
  return r;
}

const rapidjson::Value* PageJson(const rapidjson::Document& d, const std::string& url) {
  if (!d.IsObject() || !d.HasMember("pages")) return nullptr;
  for (const auto& p : d["pages"].GetArray())
    if (url == p["url"].GetString()) return &p;
  return nullptr;
}

const rapidjson::Value* FindingJson(const rapidjson::Value& page, const std::string& rule) {
  for (const auto& f : page["findings"].GetArray())
    if (rule == f["rule_id"].GetString()) return &f;
  return nullptr;
}

TEST(LoadCli, NoResourcesSaysWhyAndMakesTheLoadRulesNotApplicable) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/weight/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  CliRun r = Audit(server, {"--no-resources"});
  ASSERT_EQ(r.run.exit_code, 0) << r.run.output;
  ASSERT_TRUE(r.report.IsObject()) << r.run.output;
  for (const char* path : {"/", "/other"}) {
    const rapidjson::Value* page = PageJson(r.report, server.Url(path));
    ASSERT_NE(page, nullptr) << path;
    const rapidjson::Value& perf = (*page)["performance"];
    EXPECT_FALSE(perf["measured"].GetBool()) << path;
    EXPECT_STREQ(perf["not_measured_reason"].GetString(), "resources not fetched (--no-resources)");
    const rapidjson::Value& mobile = (*page)["facts"]["mobile"];
    EXPECT_STREQ(mobile["css_read"].GetString(), "inline") << path;
    EXPECT_NE(std::string(mobile["linked_css_note"].GetString()).find("not read: resources not fetched (--no-resources)"),
              std::string::npos) << mobile["linked_css_note"].GetString();
    for (const char* rule : {"total-byte-weight", "uses-text-compression", "modern-image-formats", "font-display",
                             "largest-contentful-paint", "performance-budget"}) {
      const rapidjson::Value* f = FindingJson(*page, rule);
      ASSERT_NE(f, nullptr) << rule;
      EXPECT_STREQ((*f)["status"].GetString(), "not-applicable") << path << " " << rule;
    }
  }
  // Only the two pages were fetched (and perhaps robots.txt): no subresource at all.
  for (const auto& req : server.Requests())
    EXPECT_TRUE(req.path == "/" || req.path == "/other" || req.path == "/robots.txt") << req.path;
  EXPECT_TRUE(server.OrderAttempts().empty());
  EXPECT_EQ(testing::ReportSchemaError(r.json), "");
}

TEST(LoadCli, ABudgetFailsThePageOverItAndPassesThePageWithinIt) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/weight/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  CliRun r = Audit(server, {"--budget", testing::SourcePath("fixtures/shops/weight/budget.json")});
  ASSERT_EQ(r.run.exit_code, 0) << r.run.output;
  ASSERT_TRUE(r.report.IsObject()) << r.run.output;
  EXPECT_EQ(testing::ReportSchemaError(r.json), "");
  const rapidjson::Value* home = PageJson(r.report, server.Url("/"));
  const rapidjson::Value* other = PageJson(r.report, server.Url("/other"));
  ASSERT_NE(home, nullptr);
  ASSERT_NE(other, nullptr);
  EXPECT_STREQ((*FindingJson(*home, "performance-budget"))["status"].GetString(), "fail");
  EXPECT_STREQ((*FindingJson(*other, "performance-budget"))["status"].GetString(), "pass");
  rapidjson::Document want;
  want.Parse(testing::ReadFixture("fixtures/shops/weight/expected-budget.json").c_str());
  ASSERT_FALSE(want.HasParseError());
  std::string why;
  EXPECT_TRUE(testing::JsonSubset(want["/"], (*home)["performance"]["budget"], "pages[/].performance.budget", &why))
      << why;
  why.clear();
  EXPECT_TRUE(testing::JsonSubset(want["/other"], (*other)["performance"]["budget"],
                                  "pages[/other].performance.budget", &why))
      << why;
  EXPECT_TRUE(server.OrderAttempts().empty());
}

TEST(LoadCli, TheDesktopPresetSimulatesTheFasterNetworkAndScoresOnTheDesktopCurve) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/weight/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  CliRun phone = Audit(server, {});
  CliRun desktop = Audit(server, {"--device", "desktop"});
  ASSERT_EQ(phone.run.exit_code, 0) << phone.run.output;
  ASSERT_EQ(desktop.run.exit_code, 0) << desktop.run.output;
  const rapidjson::Value* p = PageJson(phone.report, server.Url("/"));
  const rapidjson::Value* d = PageJson(desktop.report, server.Url("/"));
  ASSERT_NE(p, nullptr);
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ((*p)["performance"]["device"].GetString(), "mobile");
  EXPECT_STREQ((*d)["performance"]["device"].GetString(), "desktop");
  // 40 ms round trips and 10 Mbit/s against 150 ms and 1.6 Mbit/s: several times faster.
  const double fcp_phone = (*p)["performance"]["metrics"]["fcp"]["value_ms"].GetDouble();
  const double fcp_desktop = (*d)["performance"]["metrics"]["fcp"]["value_ms"].GetDouble();
  EXPECT_LT(fcp_desktop * 2, fcp_phone);
  // The finding's threshold is the desktop curve's p10 (934 ms), not the phone's (1800 ms).
  EXPECT_NE(std::string((*FindingJson(*d, "first-contentful-paint"))["threshold"].GetString()).find("934"),
            std::string::npos);
  EXPECT_NE(std::string((*FindingJson(*p, "first-contentful-paint"))["threshold"].GetString()).find("1800"),
            std::string::npos);
  EXPECT_EQ(testing::ReportSchemaError(desktop.json), "");
}

TEST(LoadCli, ABrokenBudgetFileStopsTheCliWithExitCode2AndSaysWhy) {
  testing::FixtureServer server(testing::SourcePath("fixtures/shops/weight/site"));
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  CliRun r = Audit(server, {"--budget", testing::SourcePath("fixtures/budgets/not-json.json")});
  EXPECT_EQ(r.run.exit_code, 2) << r.run.output;
  EXPECT_NE(r.run.output.find("not-json.json"), std::string::npos) << r.run.output;
  EXPECT_NE(r.run.output.find("not valid JSON"), std::string::npos) << r.run.output;
  EXPECT_TRUE(server.Requests().empty()) << "nothing is fetched before the options are valid";
}

}  // namespace
}  // namespace mmaudit
