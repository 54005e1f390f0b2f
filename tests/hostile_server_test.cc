// The hostile-server suite: the real mmaudit binary crawls a loopback server that stalls, floods and
// lies (tests/support/hostile_server.h), one misbehaviour per test. For every case the crawl must
// finish within its configured timeouts, keep its peak memory under 256 MB, record a clear error or
// limit for the hostile URL in the report, and still audit the other pages (/ok/a, /ok/b).
//
// Each crawl runs as a child process; its peak RSS comes from wait4's rusage (ru_maxrss, through GNU
// time), and each case prints its peak memory and time. In a sanitized build the 256 MB bound applies
// to the growth over a trivial audit's peak (see kSanitized). The only time bounds asserted are the
// tool's own: the per-request --timeout and the crawl's --max-crawl-time.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <fcntl.h>
#include <fstream>
#include <sstream>

#include "tests/support/hostile_server.h"
#include "tests/support/subprocess.h"

namespace mmaudit {
namespace {

using testing::HostileServer;

constexpr long kTimeoutMs = 2000;          // --timeout: one request, redirects included
constexpr long kConnectTimeoutMs = 1000;   // --connect-timeout
constexpr long kCrawlTimeMs = 60'000;      // --max-crawl-time (pages are audited within it, slowly under ASan)
constexpr double kMaxPeakMb = 256;
#ifdef MMAUDIT_SANITIZED
// A sanitized mmaudit peaks at 110-145 MB before it reads a page (the runtime, shadow memory and
// the instrumented binary): there the bound applies to the growth over a trivial audit's peak.
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

struct Outcome {
  int exit_code = -1;
  double seconds = 0;
  double peak_mb = 0;      // the child's peak RSS
  double baseline_mb = 0;  // what the binary peaks at for a trivial audit (sanitized builds)
  std::string output;
  rapidjson::Document report;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs mmaudit with `args` (stdout and stderr to a file) and measures it. The peak RSS must be the
// tool's alone: a child forked from this (large, sanitized) test binary would carry the test's own
// high-water mark in its ru_maxrss even after exec, so GNU time, a small process, starts mmaudit and
// reads its ru_maxrss from wait4.
Outcome RunChild(const std::vector<std::string>& args, const std::string& dir) {
  Outcome o;
  const std::string log = dir + "/output.txt";
  const std::string rss = dir + "/maxrss.txt";
  std::vector<std::string> argv_store = {"/usr/bin/time", "-f", "%M", "-o", rss, MMAUDIT_BINARY};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    setenv("CI", "true", 1);
    // Under AddressSanitizer, freed memory waits in a quarantine of 256 MB by default before it is
    // reused: that is the sanitizer's memory, not the tool's, so it is kept small here. (The shadow
    // memory and the sanitized binary's size still count: a plain build's peaks are lower.)
    setenv("ASAN_OPTIONS", "quarantine_size_mb=16:thread_local_quarantine_size_kb=256", 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid) o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  o.output = ReadAll(log);
  const std::string kb = ReadAll(rss);  // "Command exited with non-zero status N" may come first
  const auto last_line = kb.find_last_of('\n', kb.size() >= 2 ? kb.size() - 2 : 0);
  o.peak_mb = std::atof(kb.c_str() + (last_line == std::string::npos ? 0 : last_line + 1)) / 1024.0;  // KiB
  EXPECT_GT(o.peak_mb, 0) << "no peak RSS measured: " << kb;
  const std::string json = ReadAll(dir + "/report.json");
  o.report.Parse(json.c_str());
  return o;
}

// A server whose index links to `paths` besides the good pages.
HostileServer::Options Linking(std::vector<std::string> paths) {
  HostileServer::Options o;
  o.links = std::move(paths);
  return o;
}

// The peak RSS of a trivial audit (a one-line saved page), measured once per test process.
double BaselineMb() {
  static const double mb = [] {
    const std::string dir = testing::TempDir();
    std::ofstream(dir + "/page.html") << "<!doctype html><title>Baseline</title><a href=/a>a</a>";
    return RunChild({"audit", "--file", dir + "/page.html", "--out-dir", dir, "--format", "json"}, dir).peak_mb;
  }();
  return mb;
}

class Hostile : public ::testing::Test {
 protected:
  // Starts the server and crawls from its index (and `more_seeds`), with short timeouts.
  Outcome Crawl(HostileServer::Options server_options, std::vector<std::string> extra = {},
                const std::vector<std::string>& more_seeds = {}) {
    server = std::make_unique<HostileServer>(std::move(server_options));
    std::string error;
    EXPECT_TRUE(server->Start(&error)) << error;
    const std::string dir = testing::TempDir();
    std::vector<std::string> args = {"audit", server->Url("/")};
    for (const auto& s : more_seeds) args.push_back(server->Url(s));
    std::map<std::string, std::string> options = {
        {"--out-dir", dir},          {"--format", "json"},
        {"--timeout", std::to_string(kTimeoutMs)}, {"--connect-timeout", std::to_string(kConnectTimeoutMs)},
        {"--max-crawl-time", std::to_string(kCrawlTimeMs)}, {"--max-pages", "20"},
        {"--checkout", "off"}};
    for (std::size_t i = 0; i + 1 < extra.size(); i += 2) options[extra[i]] = extra[i + 1];  // the case's own win
    for (const auto& [name, value] : options) {
      args.push_back(name);
      args.push_back(value);
    }
    Outcome o = RunChild(args, dir);
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    o.baseline_mb = kSanitized ? BaselineMb() : 0;
    std::printf("[hostile] %-66s peak RSS %6.1f MB (%+6.1f MB over a trivial audit's %5.1f)   time %6.2f s\n",
                name.c_str(), o.peak_mb, o.peak_mb - BaselineMb(), BaselineMb(), o.seconds);
    std::fflush(stdout);
    // Every case: a report, within the configured time (the crawl's limit plus one request's timeout
    // for the transfers it ends), under the memory bound, and the good pages audited.
    EXPECT_EQ(o.exit_code, 0) << o.output;
    EXPECT_FALSE(o.report.HasParseError()) << "no report.json: " << o.output;
    EXPECT_LT(o.seconds * 1000, kCrawlTimeMs + kTimeoutMs) << "the crawl outlived its configured time limits";
    EXPECT_LT(o.peak_mb - o.baseline_mb, kMaxPeakMb) << "peak RSS" << (kSanitized ? " over the trivial audit's" : "");
    if (!o.report.HasParseError() && o.report.IsObject()) {
      for (const char* ok : {"/ok/a", "/ok/b"}) {
        const rapidjson::Value* p = PageOf(o.report, ok);
        EXPECT_NE(p, nullptr) << ok << " was not audited: " << o.output;
        if (p == nullptr) continue;
        EXPECT_TRUE((*p)["audited"].GetBool()) << ok;
        EXPECT_TRUE((*p)["error"].IsNull()) << ok;
      }
    }
    return o;
  }

  const rapidjson::Value* PageOf(const rapidjson::Document& d, const std::string& path) {
    if (!d.IsObject() || !d.HasMember("pages")) return nullptr;
    for (const auto& p : d["pages"].GetArray())
      if (server->Url(path) == p["url"].GetString()) return &p;
    return nullptr;
  }
  // The crawl's record of a URL (site.urls).
  const rapidjson::Value* EntryOf(const rapidjson::Document& d, const std::string& path) {
    if (!d.IsObject() || !d["site"].IsObject()) return nullptr;
    for (const auto& e : d["site"]["urls"].GetArray())
      if (server->Url(path) == e["url"].GetString()) return &e;
    return nullptr;
  }
  // "code: message" of a page's error, or "" when it has none.
  std::string ErrorOf(const rapidjson::Document& d, const std::string& path) {
    const rapidjson::Value* p = PageOf(d, path);
    if (p == nullptr || !(*p)["error"].IsObject()) return "";
    return std::string((*p)["error"]["code"].GetString()) + ": " + (*p)["error"]["message"].GetString();
  }
  std::string Notes(const rapidjson::Document& d, const std::string& path) {
    const rapidjson::Value* p = PageOf(d, path);
    std::string out;
    if (p == nullptr) return out;
    for (const auto& n : (*p)["facts"]["notes"].GetArray())
      out += std::string(n["code"].GetString()) + ": " + n["message"].GetString() + "\n";
    return out;
  }
  std::string LimitsHit(const rapidjson::Document& d) {
    std::string out;
    if (!d.IsObject() || !d["site"].IsObject()) return out;
    for (const auto& l : d["site"]["limits_hit"].GetArray()) out += std::string(l.GetString()) + " ";
    return out;
  }

  std::unique_ptr<HostileServer> server;
};

#define EXPECT_HAS(haystack, needle) EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

TEST_F(Hostile, ABodyDrippingOneBytePerSecondTimesOut) {
  const Outcome o = Crawl(Linking({"/drip"}));
  EXPECT_HAS(ErrorOf(o.report, "/drip"), "fetch: timeout");
}

TEST_F(Hostile, HeadersThatNeverEndHitTheHeaderLimit) {
  const Outcome o = Crawl(Linking({"/endless-headers"}));
  EXPECT_HAS(ErrorOf(o.report, "/endless-headers"), "response headers exceed the limit of 262144 bytes");
}

TEST_F(Hostile, ANeverEndingChunkedBodyHitsTheDecodedSizeLimit) {
  const Outcome o = Crawl(Linking({"/endless-chunked"}));
  EXPECT_HAS(ErrorOf(o.report, "/endless-chunked"), "too-large: decoded response body exceeds the limit of 10485760 bytes");
}

TEST_F(Hostile, AGzipBombStopsAtTheDecodedSizeLimit) {
  const Outcome o = Crawl(Linking({"/gzip-bomb"}));
  EXPECT_HAS(ErrorOf(o.report, "/gzip-bomb"), "too-large: decoded response body exceeds the limit of 10485760 bytes");
}

TEST_F(Hostile, ABrotliBombStopsAtTheDecodedSizeLimit) {
  const Outcome o = Crawl(Linking({"/brotli-bomb"}));
  EXPECT_HAS(ErrorOf(o.report, "/brotli-bomb"), "too-large: decoded response body exceeds the limit of 10485760 bytes");
}

TEST_F(Hostile, ARedirectLoopIsStoppedAndSaysSo) {
  const Outcome o = Crawl(Linking({"/loop-a"}));
  const rapidjson::Value* e = EntryOf(o.report, "/loop-b");
  ASSERT_NE(e, nullptr);
  EXPECT_HAS((*e)["reason"].GetString(), "redirect loop back to " + server->Url("/loop-a"));
}

TEST_F(Hostile, ARedirectChainOfFiftyStopsAtMaxRedirects) {
  const Outcome o = Crawl(Linking({"/chain/0"}));
  const rapidjson::Value* e = EntryOf(o.report, "/chain/10");
  ASSERT_NE(e, nullptr);
  EXPECT_HAS((*e)["reason"].GetString(), "more than 10 redirects");
  EXPECT_EQ(EntryOf(o.report, "/chain/11"), nullptr) << "the chain was followed past the limit";
}

TEST_F(Hostile, AContentLengthLongerThanTheBodyIsAProtocolError) {
  const Outcome o = Crawl(Linking({"/cl-short"}));
  EXPECT_HAS(ErrorOf(o.report, "/cl-short"), "fetch: protocol");
}

TEST_F(Hostile, AContentLengthShorterThanTheBodyCutsThePageAtTheAnnouncedLength) {
  const Outcome o = Crawl(Linking({"/cl-long"}));
  const rapidjson::Value* p = PageOf(o.report, "/cl-long");
  ASSERT_NE(p, nullptr);
  // What the server announced is what counts, as in a browser: the page is read from its first 200
  // bytes, and the report says so in its size.
  EXPECT_EQ((*p)["facts"]["http"]["decoded_bytes"].GetUint64(), 200u);
}

TEST_F(Hostile, AConnectionResetMidBodyIsAProtocolError) {
  const Outcome o = Crawl(Linking({"/reset"}));
  EXPECT_HAS(ErrorOf(o.report, "/reset"), "fetch: protocol");
}

TEST_F(Hostile, A200WithAnEmptyBodyIsAnEmptyBodyError) {
  const Outcome o = Crawl(Linking({"/empty"}));
  EXPECT_HAS(ErrorOf(o.report, "/empty"), "empty-body: the response body is empty");
}

TEST_F(Hostile, AWrongOrUnknownCharsetIsNotedAndThePageAudited) {
  const Outcome o = Crawl(Linking({"/charset-unknown", "/charset-wrong"}));
  EXPECT_EQ(ErrorOf(o.report, "/charset-unknown"), "");
  EXPECT_HAS(Notes(o.report, "/charset-unknown"), "charset-unknown: ");
  EXPECT_EQ(ErrorOf(o.report, "/charset-wrong"), "");
  EXPECT_HAS(Notes(o.report, "/charset-wrong"), "charset-mismatch: ");
}

TEST_F(Hostile, AFiftyMegabytePageHitsTheDownloadLimitWithOrWithoutALength) {
  const Outcome o = Crawl(Linking({"/big", "/big-chunked"}));
  EXPECT_HAS(ErrorOf(o.report, "/big"), "too-large: response body exceeds the limit of 10485760 bytes on the wire");
  EXPECT_HAS(ErrorOf(o.report, "/big-chunked"), "too-large: ");
}

TEST_F(Hostile, NestingAHundredThousandLevelsDeepIsFlattenedAndAudited) {
  const Outcome o = Crawl(Linking({"/deep"}));
  EXPECT_EQ(ErrorOf(o.report, "/deep"), "");
  EXPECT_HAS(Notes(o.report, "/deep"), "limit-dom-depth: elements nest deeper than 512 levels");
  EXPECT_NE(PageOf(o.report, "/ok/deep"), nullptr) << "the link at the bottom of the nesting was followed";
}

TEST_F(Hostile, AHundredThousandLinksAreCutAtTheLinkLimit) {
  const Outcome o = Crawl(Linking({"/links"}));
  EXPECT_EQ(ErrorOf(o.report, "/links"), "");
  EXPECT_HAS(Notes(o.report, "/links"), "limit-links: the page has 100000 links; only the first 5000 were read");
  EXPECT_HAS(LimitsHit(o.report), "max-pages");
}

TEST_F(Hostile, ASingleTenMegabyteLineIsAudited) {
  const Outcome o = Crawl(Linking({"/long-line"}));
  EXPECT_EQ(ErrorOf(o.report, "/long-line"), "");
  const rapidjson::Value* p = PageOf(o.report, "/long-line");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((*p)["facts"]["http"]["decoded_bytes"].GetUint64(), 10'000'000u);
}

TEST_F(Hostile, InvalidUtf8AndNulBytesAreReplacedAndNoted) {
  const Outcome o = Crawl(Linking({"/bad-bytes"}));
  EXPECT_EQ(ErrorOf(o.report, "/bad-bytes"), "");
  EXPECT_HAS(Notes(o.report, "/bad-bytes"), "invalid-bytes: ");
}

TEST_F(Hostile, AFiveMegabyteDeeplyNestedJsonLdBlockIsSkippedWithAnError) {
  const Outcome o = Crawl(Linking({"/json-ld-bomb"}));
  const rapidjson::Value* p = PageOf(o.report, "/json-ld-bomb");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ErrorOf(o.report, "/json-ld-bomb"), "");
  const auto& errors = (*p)["facts"]["structured_data"]["errors"];
  ASSERT_GE(errors.Size(), 1u);
  EXPECT_HAS(errors[0]["message"].GetString(), "skipped, 4999999 bytes exceeds the limit of 2097152");
}

TEST_F(Hostile, AFiveMegabyteJsonLdBlockAllowedBySizeIsCutByDepth) {
  const Outcome o = Crawl(Linking({"/json-ld-bomb"}), {"--max-json-ld", "8000000"});
  const rapidjson::Value* p = PageOf(o.report, "/json-ld-bomb");
  ASSERT_NE(p, nullptr);
  const auto& errors = (*p)["facts"]["structured_data"]["errors"];
  ASSERT_GE(errors.Size(), 1u);
  EXPECT_HAS(errors[0]["message"].GetString(), "nested deeper than 64");
}

TEST_F(Hostile, AMicrodataBombIsCappedByTheValuesAndTextReadersMeet) {
  const Outcome o = Crawl(Linking({"/microdata-bomb"}));
  const rapidjson::Value* p = PageOf(o.report, "/microdata-bomb");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ErrorOf(o.report, "/microdata-bomb"), "");
  std::string errors;
  for (const auto& e : (*p)["facts"]["structured_data"]["errors"].GetArray()) errors += std::string(e["message"].GetString()) + "\n";
  EXPECT_HAS(errors, "more than 5000 microdata properties; the rest were ignored");
  EXPECT_HAS(errors, "microdata property texts over 1048576 bytes in all; the texts past that were left out");
}

TEST_F(Hostile, ASetCookieFloodHitsTheHeaderLimit) {
  const Outcome o = Crawl(Linking({"/cookies"}));
  EXPECT_HAS(ErrorOf(o.report, "/cookies"), "response headers exceed the limit");
}

TEST_F(Hostile, AnInfiniteTrapOfUniqueUrlsStopsAtTheCrawlLimits) {
  const Outcome o = Crawl(Linking({"/trap/0"}), {"--max-urls", "600"});
  EXPECT_HAS(LimitsHit(o.report), "max-pages");
  EXPECT_HAS(LimitsHit(o.report), "max-urls");
  ASSERT_NE(EntryOf(o.report, "/trap/0-0"), nullptr);
  EXPECT_HAS((*EntryOf(o.report, "/trap/0-199"))["reason"].GetString(), "max-pages 20");
}

TEST_F(Hostile, ASitemapBombIsReadWithinTheSitemapLimits) {
  HostileServer::Options options;
  options.sitemap = "bomb";
  // The start URLs come first; the sitemaps' million URLs then fill what --max-pages leaves.
  const Outcome o = Crawl(options, {}, {"/ok/a", "/ok/b"});
  std::string errors;
  for (const auto& e : o.report["site"]["sitemap_errors"].GetArray()) errors += std::string(e.GetString()) + "\n";
  EXPECT_HAS(errors, "more than 50000");
  std::size_t read = o.report["site"]["sitemaps"].Size();
  EXPECT_LE(read, 5u) << "the index listing itself is read once, nesting stops at two levels";
  EXPECT_HAS(LimitsHit(o.report), "max-pages");
}

TEST_F(Hostile, ATenMegabyteRobotsTxtIsReadOnlyForItsFirst512KiB) {
  HostileServer::Options options;
  options.robots = "huge";
  const Outcome o = Crawl(options);
  const auto& robots = o.report["site"]["robots"];
  ASSERT_EQ(robots.Size(), 1u);
  std::string problems;
  for (const auto& p : robots[0]["problems"].GetArray()) problems += p.GetString();
  EXPECT_HAS(problems, "only the first 524288 were read");
  // The Disallow: /ok/ at the end of the 10 MB was never read: /ok/c, found by link, was audited.
  EXPECT_NE(PageOf(o.report, "/ok/c"), nullptr);
}

TEST_F(Hostile, AServerThatAcceptsAndNeverAnswersTimesOut) {
  const Outcome o = Crawl(Linking({"/silent"}));
  EXPECT_HAS(ErrorOf(o.report, "/silent"), "fetch: timeout");
}

TEST_F(Hostile, TheCrawlTimeLimitEndsTransfersInFlightAndSaysSo) {
  // Silent URLs, each holding a transfer until its --timeout of 10 s: the crawl's limit ends them first.
  std::vector<std::string> links;
  for (int i = 0; i < 3; ++i) links.push_back("/silent?" + std::to_string(i));
  const Outcome o = Crawl(Linking(links), {"--max-crawl-time", "1500", "--timeout", "10000"});
  EXPECT_HAS(LimitsHit(o.report), "max-crawl-time");
  const rapidjson::Value* e = EntryOf(o.report, "/silent?0");
  ASSERT_NE(e, nullptr);
  EXPECT_HAS((*e)["reason"].GetString(), "max-crawl-time");
}

// --- protocols --------------------------------------------------------------------------------

TEST_F(Hostile, ARedirectToFileOrGopherIsRefusedWithAClearError) {
  const Outcome o = Crawl(Linking({"/to-file", "/to-gopher"}));
  EXPECT_HAS(ErrorOf(o.report, "/to-file"), "unsupported-scheme: redirect to a URL that is not http(s): file:///etc/passwd");
  EXPECT_HAS(ErrorOf(o.report, "/to-gopher"), "unsupported-scheme: redirect to a URL that is not http(s): gopher://");
  EXPECT_EQ(o.output.find("root:"), std::string::npos) << "no file was read";
}

// --- --deny-private-networks ------------------------------------------------------------------

TEST_F(Hostile, DenyPrivateNetworksRefusesAHostNameThatResolvesToLoopback) {
  server = std::make_unique<HostileServer>(HostileServer::Options());
  std::string error;
  ASSERT_TRUE(server->Start(&error)) << error;
  const std::string port = std::to_string(server->port());
  const std::string url = "http://shop.example.test:" + port + "/ok/a";
  const std::string pin = "shop.example.test:" + port + ":127.0.0.1";
  for (const bool deny : {false, true}) {
    SCOPED_TRACE(deny ? "with --deny-private-networks" : "without");
    const std::string dir = testing::TempDir();
    std::vector<std::string> args = {"audit", url, "--no-crawl", "--out-dir", dir, "--format", "json",
                                     "--timeout", std::to_string(kTimeoutMs), "--testing-resolve", pin, "--checkout", "off"};
    if (deny) args.push_back("--deny-private-networks");
    const Outcome o = RunChild(args, dir);
    ASSERT_FALSE(o.report.HasParseError()) << o.output;
    const auto& page = o.report["pages"][0];
    if (deny) {
      EXPECT_EQ(o.exit_code, 3) << o.output;
      ASSERT_TRUE(page["error"].IsObject());
      EXPECT_HAS(page["error"]["message"].GetString(),
                 "blocked-address: refused to connect: 127.0.0.1 is a loopback address and --deny-private-networks is set");
    } else {
      EXPECT_EQ(o.exit_code, 0) << o.output;
      EXPECT_TRUE(page["error"].IsNull()) << o.output;
      EXPECT_TRUE(page["audited"].GetBool());
    }
  }
}

}  // namespace
}  // namespace mmaudit
