#include "cli/commands.h"

#include <boost/program_options.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <map>
#include <sstream>
#include <string_view>

#include "cli/baseline.h"
#include "cli/progress.h"
#include "cli/sites.h"
#include "core/text.h"
#include "core/url.h"
#include "facts/page_type.h"
#include "fetch/credentials.h"
#include "fetch/devices.h"
#include "pipeline/audit.h"
#include "pipeline/plan.h"
#include "report/branding.h"
#include "report/csv.h"
#include "report/gates.h"
#include "report/html.h"
#include "report/json_view.h"
#include "report/junit.h"
#include "report/markdown.h"
#include "report/portfolio.h"
#include "report/result.h"
#include "report/summary.h"
#include "rules/catalogue.h"
#include "rules/checks.h"
#include "rules/site.h"
#include "rules/overlay.h"

namespace po = boost::program_options;

namespace mmaudit::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit codes:\n"
    "  0  success: at least one page was audited and no gate failed\n"
    "  1  a CI gate failed (--fail-under, an assertion of level error in --assert FILE, or\n"
    "     --fail-on-regression); each failure is printed on one line to stderr\n"
    "  2  usage or configuration error (bad option, unreadable file, invalid rule file, rule overlay,\n"
    "     config file or assertions file)\n"
    "  3  nothing could be audited (every page failed to load or was not HTML)\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The message of a Boost.Program_options error, without hanging. Boost (1.74) fills a message by
// replacing each placeholder such as %value% with the user's text until none is left, so a value
// that holds its own placeholder ("x%value%") grows for ever inside what(). Before the message is
// made, every '%' of a substituted text that looks like it holds a placeholder (%name%) is written
// as %25, so no placeholder can come from the user's text; other texts (percent-encoded URLs)
// are left as they are.
std::string OptionErrorText(po::error& e) {
  if (auto* named = dynamic_cast<po::error_with_option_name*>(&e)) {
    // A pointer to the protected member, taken through a derived class, reaches it in any object.
    struct Substitutions : po::error_with_option_name {
      static auto Member() { return &Substitutions::m_substitutions; }
    };
    for (auto& [name, text] : named->*Substitutions::Member()) {
      bool placeholder_like = false;
      for (std::size_t open = text.find('%'); open != std::string::npos && !placeholder_like;) {
        std::size_t k = open + 1;
        while (k < text.size() && ((text[k] >= 'a' && text[k] <= 'z') || text[k] == '_')) ++k;
        placeholder_like = k > open + 1 && k < text.size() && text[k] == '%';
        open = text.find('%', open + 1);
      }
      if (!placeholder_like) continue;
      std::string safe;
      for (const char c : text) safe += c == '%' ? std::string("%25") : std::string(1, c);
      text = std::move(safe);
    }
  }
  return e.what();
}

struct Command {
  const char* name;
  const char* args;     // positional arguments for the usage line
  const char* summary;
  po::options_description (*options)();
  int (*run)(const po::variables_map& vm, std::ostream& out, std::ostream& err);
};

constexpr const char* kRulesHelp =
    "apply the rule overlay FILE on top of the catalogue (after --rules-dir): a JSON object with "
    "\"disable\" (rule ids), \"rules\" (id -> changes of weight, options, score_mode, page_types, "
    "threshold_source) and \"add\" (new rule entries reusing a registered check); see README, \"Rule overlays\"";
constexpr const char* kConfigHelp =
    "read options from FILE, one \"name = value\" per line with any long option's name (e.g. "
    "\"rules = agency.json\", \"max-pages = 50\", \"no-crawl = true\"; # starts a comment); the command line "
    "wins, and relative paths are relative to FILE's folder";

constexpr const char* kFailUnderHelp =
    "CI gate: exit 1 when the site's overall score is below SCORE (0-100), or with ID=SCORE the score of "
    "one category (know, go, do, buy, mobile, speed, discoverability, engagement); repeatable";
constexpr const char* kAssertHelp =
    "CI gate: judge the report against an assertions FILE in the spirit of Lighthouse CI's "
    "({\"assertions\": {\"viewport\": \"error\", \"largest-contentful-paint\": [\"warn\", "
    "{\"maxNumericValue\": 4000}], \"categories:buy\": [\"error\", {\"minScore\": 0.8}]}, \"assertMatrix\": "
    "[{\"pageTypes\": [\"product\"], \"assertions\": {...}}]}); an \"error\" that does not pass exits 1, a "
    "\"warn\" is printed only; see README, \"CI gates\"";

// The rule catalogue in force: the --rules-dir one (or the built-in one), then the --rules overlay.
struct RulesInForce {
  rules::Catalogue catalogue;
  rules::Categories categories = rules::DefaultCategories();
  std::string source = "built-in";
  std::string overlay;
  std::vector<rules::RuleChange> changes;
};

// Loads the rules in force for `vm`. Throws UsageError for a bad --rules-dir; returns false after
// printing every mistake of a bad --rules overlay to `err` (a configuration error too).
bool LoadRules(const po::variables_map& vm, std::ostream& err, RulesInForce* out) {
  if (vm.count("rules-dir")) {
    std::string error;
    if (!rules::LoadCatalogueDir(vm["rules-dir"].as<std::string>(), &out->catalogue, &error)) throw UsageError(error);
    if (!rules::LoadCategoriesFromDir(vm["rules-dir"].as<std::string>(), &out->categories, &error))
      throw UsageError(error);
    out->source = vm["rules-dir"].as<std::string>();
  } else {
    out->catalogue = rules::DefaultCatalogue();
  }
  if (vm.count("rules")) {
    out->overlay = vm["rules"].as<std::string>();
    std::vector<rules::OverlayError> errors;
    if (!rules::ApplyOverlayFile(out->overlay, &out->catalogue, &out->changes, &errors)) {
      for (const auto& e : errors) err << "mmaudit: error: " << e.Text() << "\n";
      err << "mmaudit: error: the rule overlay " << out->overlay << " has " << errors.size()
          << (errors.size() == 1 ? " mistake" : " mistakes") << " and was not applied (README: \"Rule overlays and config files\")\n";
      return false;
    }
  }
  return true;
}

// Reads --fail-under and --assert into *gates and checks the assertions against `rules`, the rules
// in force. Throws UsageError for a bad --fail-under or an unreadable file; returns false after
// printing every mistake of the assertions file to `err` (a configuration error too).
// `budget_given`: whether the audit has a budget (asserting the budget rule without one is a mistake).
// --header, --cookie, --cookie-file and --user into *c (origins are set once the URLs are known).
// Throws UsageError, before any request, on a malformed value or an unreadable cookie file; the
// messages never repeat a secret value.
void ReadCredentials(const po::variables_map& vm, fetch::Credentials* c) {
  std::string error;
  if (vm.count("header"))
    for (const std::string& spec : vm["header"].as<std::vector<std::string>>()) {
      std::pair<std::string, std::string> h;
      if (!fetch::ParseHeaderOption(spec, &h, &error)) throw UsageError(error);
      c->headers.push_back(std::move(h));
    }
  if (vm.count("cookie"))
    for (const std::string& spec : vm["cookie"].as<std::vector<std::string>>()) {
      std::pair<std::string, std::string> k;
      if (!fetch::ParseCookieOption(spec, &k, &error)) throw UsageError(error);
      c->cookies.push_back(std::move(k));
    }
  if (vm.count("cookie-file")) {
    c->cookie_file = vm["cookie-file"].as<std::string>();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(c->cookie_file, ec))
      throw UsageError("--cookie-file " + c->cookie_file + ": not a readable file");
    std::ifstream in(c->cookie_file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in) throw UsageError("--cookie-file " + c->cookie_file + ": not a readable file");
    if (!fetch::ParseCookieFile(ss.str(), &c->file_cookies, &error))
      throw UsageError("--cookie-file " + c->cookie_file + ": " + error);
  }
  if (vm.count("user")) {
    std::pair<std::string, std::string> u;
    if (!fetch::ParseUserOption(vm["user"].as<std::string>(), &u, &error)) throw UsageError(error);
    c->basic = std::move(u);
  }
}

// The report JSON at `path` without its site.urls entries (report::view::ReadReportWithoutUrlList).
std::string ReadReportForRendering(const std::string& path) {
  std::string json, error;
  if (!report::view::ReadReportWithoutUrlList(path, &json, &error)) throw UsageError(error);
  return json;
}

// Where the last member of the JSON object `text` ends (after it come only blanks and the closing
// brace), as report::AttachBaselineSection cuts it; text.size() when `text` is no such object.
std::size_t EndOfLastMember(std::string_view text) {
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos || end == 0 || text[end] != '}') return text.size();
  const std::size_t last = text.find_last_not_of(" \t\r\n", end - 1);
  return last == std::string_view::npos ? text.size() : last + 1;
}

// Replaces what follows the last member of the report JSON file at `path` (its closing brace)
// with `end`, without reading the whole file: through a copy renamed into place.
void AppendToReportFile(const std::filesystem::path& path, const std::string& end) {
  namespace fs = std::filesystem;
  const fs::path tmp = path.string() + ".tmp";
  std::error_code ec;
  fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw UsageError("cannot write " + tmp.string() + ": " + ec.message());
  const std::uintmax_t size = fs::file_size(tmp, ec);
  std::string tail(static_cast<std::size_t>(std::min<std::uintmax_t>(size, 4096)), '\0');
  {
    std::ifstream in(tmp, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(size - tail.size()));
    if (ec || !in.read(tail.data(), static_cast<std::streamsize>(tail.size())))
      throw UsageError("cannot read " + tmp.string());
  }
  const std::size_t keep = EndOfLastMember(tail);
  if (keep == tail.size()) throw UsageError(path.string() + " does not end with a JSON object");
  fs::resize_file(tmp, size - tail.size() + keep, ec);
  std::ofstream out(tmp, std::ios::binary | std::ios::app);
  out << end;
  out.close();
  if (ec || !out) throw UsageError("cannot write " + tmp.string());
  fs::rename(tmp, path, ec);
  if (ec) throw UsageError("cannot write " + path.string() + ": " + ec.message());
}

bool LoadGates(const po::variables_map& vm, const std::vector<rules::RuleSpec>& rules, bool budget_given,
               std::ostream& err, report::GateConfig* gates);

// Prints the gates' warnings and failures to `err`, one line each, and a closing line; returns
// kExitGateFailed when an assertion of level error failed, else kExitOk.
int PrintGates(const report::GateReport& gates, std::ostream& err) {
  for (const report::GateResult& r : gates.results) {
    if (r.passed) continue;
    err << "mmaudit: " << (r.level == report::GateLevel::kError ? "gate failed: " : "gate warning: ") << r.Line() << "\n";
  }
  const std::string counts = std::to_string(gates.failures) + (gates.failures == 1 ? " failure, " : " failures, ") +
                             std::to_string(gates.warnings) + (gates.warnings == 1 ? " warning" : " warnings") +
                             " in " + std::to_string(gates.checked) + " checks";
  if (gates.Failed()) {
    err << "mmaudit: CI gates failed: " << counts << " (exit code 1)\n";
    return pipeline::kExitGateFailed;
  }
  if (gates.warnings > 0) err << "mmaudit: CI gates passed with warnings: " << counts << "\n";
  return pipeline::kExitOk;
}

// ------------------------------------------------------------------ audit
po::options_description AuditOptions() {
  std::string devices;
  for (const auto& d : fetch::Devices()) devices += (devices.empty() ? "" : "|") + d.name;
  po::options_description o("audit options");
  o.add_options()
      ("help,h", "show this help")
      ("url", po::value<std::vector<std::string>>()->multitoken(), "page URL to audit (positional, repeatable)")
      ("urls-file", po::value<std::string>(), "read more URLs from FILE, one per line (# starts a comment)")
      ("file", po::value<std::string>(), "audit a saved HTML page offline instead of fetching")
      ("sites", po::value<std::string>()->value_name("FILE"),
       "audit several shops in one run: FILE holds one \"URL [name]\" per line; each site's reports go to "
       "OUT-DIR/sites/<host>/ and OUT-DIR/portfolio.html ranks the sites by score")
      ("base-url", po::value<std::string>(), "with --file: the URL the page was saved from (resolves its links)")
      ("device", po::value<std::string>()->default_value("moto-g-power"), ("device preset: " + devices).c_str())
      ("out-dir", po::value<std::string>()->default_value("mmaudit-report"),
       "directory for the reports: report.json, report.html, report.junit.xml, report.md, report.csv")
      ("format", po::value<std::string>()->default_value("json,html"),
       "comma-separated outputs: json (report.json), html (report.html), junit (report.junit.xml), md "
       "(report.md, Markdown for pull-request comments and $GITHUB_STEP_SUMMARY), csv (report.csv, one row per finding)")
      ("brand-name", po::value<std::string>()->value_name("NAME"),
       "brand the HTML report: \"Prepared by NAME\" in its header (an agency's name for its client)")
      ("brand-logo", po::value<std::string>()->value_name("FILE"),
       "brand the HTML report with a logo, embedded as a data URI: PNG, JPEG, WebP or a plain SVG (no script, "
       "event handlers or outside references), at most 512 KiB")
      ("junit-warn-as-failure", "in report.junit.xml, report findings with status warn as failures (default: passing, with a note)")
      ("rules-dir", po::value<std::string>(), "load rules from every *.json in DIR instead of the built-in catalogue")
      ("rules", po::value<std::string>()->value_name("FILE"), kRulesHelp)
      ("config", po::value<std::string>()->value_name("FILE"), kConfigHelp)
      ("connect-timeout", po::value<long>()->default_value(10000), "connect timeout per request, ms")
      ("timeout", po::value<long>()->default_value(30000), "total timeout per page including redirects, ms")
      ("max-body", po::value<unsigned long long>()->default_value(10ull << 20), "largest decoded body accepted, bytes (gzip, br, zstd undone)")
      ("max-download", po::value<unsigned long long>()->default_value(10ull << 20), "largest body accepted on the wire, bytes")
      ("max-dom-depth", po::value<std::size_t>()->default_value(512), "elements nest at most N deep; deeper ones are read as siblings at that depth (0: no limit)")
      ("max-json-ld", po::value<std::size_t>()->default_value(2u << 20), "a larger JSON-LD block is skipped with an error, bytes")
      ("max-links", po::value<std::size_t>()->default_value(5000), "read and follow at most N links per page")
      ("max-urls", po::value<std::size_t>()->default_value(100'000), "keep track of at most N distinct URLs in a crawl; more are only counted")
      ("max-crawl-time", po::value<long>()->default_value(1'800'000), "stop the crawl after MS milliseconds (0: no limit); what was fetched is audited")
      ("max-rate", po::value<double>()->default_value(50), "start at most N requests per second to one host (0: no limit)")
      ("deny-private-networks", "refuse to connect to loopback, private (RFC 1918, fc00::/7) and link-local addresses, judged after DNS resolution")
      ("max-redirects", po::value<int>()->default_value(10), "longest redirect chain followed")
      ("no-crawl", "audit only the given URLs; follow no links and read no sitemaps")
      ("max-pages", po::value<std::size_t>()->default_value(500), "fetch at most N URLs in a crawl")
      ("max-depth", po::value<int>()->default_value(-1), "follow links at most N hops from a start URL (-1: no limit)")
      ("concurrency", po::value<int>()->default_value(8), "transfers in flight")
      ("per-host", po::value<int>()->default_value(6), "transfers in flight per host")
      ("scope", po::value<std::string>()->default_value("host"), "crawl scope: host (the start URLs' hosts) or domain (their registrable domains)")
      ("include", po::value<std::vector<std::string>>(), "crawl only URLs whose path?query matches this glob (repeatable)")
      ("exclude", po::value<std::vector<std::string>>(), "skip URLs whose path?query matches this glob (repeatable)")
      ("delay", po::value<double>()->default_value(0), "wait at least MS between requests to one host (Crawl-delay may raise it)")
      ("ignore-robots", "do not obey robots.txt (recorded in the report)")
      ("no-sitemaps", "do not read sitemaps")
      ("keep-tracking-params", "keep utm_*, gclid, fbclid ... in URLs instead of stripping them")
      ("sample-per-type", po::value<std::size_t>()->default_value(0), "audit at most N pages of each page type (0: all)")
      ("page-type", po::value<std::vector<std::string>>(), "PATTERN=TYPE: pages whose path?query match the glob are of TYPE (repeatable)")
      ("checkout", po::value<std::string>()->default_value("inspect"),
       "checkout from the best product page found: inspect (follow links only), walk (add to cart and fill "
       "each step with a synthetic buyer; never places an order) or off")
      ("checkout-ignore-robots", "walk or inspect the checkout even where robots.txt disallows it (the crawl still obeys)")
      ("buyer", po::value<std::string>(), "with --checkout=walk: a buyer JSON file ({\"country\": \"PL\", \"values\": {...}})")
      ("header", po::value<std::vector<std::string>>()->value_name("\"NAME: VALUE\""),
       "send this request header to the audited site (repeatable); never to third-party hosts, and redacted in "
       "reports and logs")
      ("cookie", po::value<std::vector<std::string>>()->value_name("NAME=VALUE"),
       "send this cookie to the audited site (repeatable); never to third-party hosts, redacted in reports")
      ("cookie-file", po::value<std::string>()->value_name("FILE"),
       "send the cookies of a Netscape cookie file (as curl -b reads it) to the audited site")
      ("user", po::value<std::string>()->value_name("USER:PASSWORD"),
       "HTTP basic auth for the audited site (staging); not sent to other hosts, not after a redirect to another "
       "host; redacted in reports")
      ("no-resources", "do not fetch the pages' stylesheets, scripts, images and fonts: no load weight, simulated "
       "timings or load rules")
      ("budget", po::value<std::string>(), "check every page against a Lighthouse budget.json (resource sizes in KiB, "
       "request counts, simulated timings in ms)")
      ("max-resources", po::value<std::size_t>()->default_value(400), "weigh at most N subresources per page")
      ("server-time-ms", po::value<double>(),
       "simulate every server as answering in MS instead of the measured times, so the report depends only on the "
       "site's bytes (reproducible JSON for CI)")
      ("fail-under", po::value<std::vector<std::string>>()->value_name("SCORE"), kFailUnderHelp)
      ("assert", po::value<std::string>()->value_name("FILE"), kAssertHelp)
      ("quiet,q", "print only errors (also when the CI environment variable is true)")
      ("plan", po::value<std::string>()->value_name("PLAN.json"),
       "audit the URLs of a plan made by `mmaudit plan` instead of crawling (no discovery); without --shard, every "
       "URL of the plan, with the reports as usual")
      ("shard", po::value<std::string>()->value_name("K/N"),
       "with --plan: audit only shard K of N (0-based: 0 <= K < N, so Kubernetes' JOB_COMPLETION_INDEX is K), the "
       "URLs whose FNV-1a 64 hash mod N is K, and write a shard file for `mmaudit merge` instead of reports")
      ("shard-out", po::value<std::string>()->value_name("FILE"),
       "with --shard: the shard file to write (default: OUT-DIR/shard-K-of-N.json)");
  AddBaselineAuditOptions(&o);
  return o;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `data` to `path` through a temporary file and a rename, so a reader never sees half a file.
void WriteAtomically(const std::filesystem::path& path, const std::string& data) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream outf(tmp, std::ios::binary | std::ios::trunc);
    if (!outf) throw UsageError("cannot write " + tmp.string());
    outf << data;
    if (!outf) throw UsageError("cannot write " + tmp.string());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw UsageError("cannot write " + path.string() + ": " + ec.message());
}

bool LoadGates(const po::variables_map& vm, const std::vector<rules::RuleSpec>& rules, bool budget_given,
               std::ostream& err, report::GateConfig* gates) {
  if (vm.count("fail-under"))
    for (const std::string& spec : vm["fail-under"].as<std::vector<std::string>>()) {
      report::FailUnder f;
      std::string error;
      if (!report::ParseFailUnder(spec, &f, &error)) throw UsageError("--fail-under " + spec + ": " + error);
      gates->fail_under.push_back(f);
    }
  if (vm.count("assert") == 0) return true;
  const std::string path = vm["assert"].as<std::string>();
  gates->assertions_file = path;
  std::vector<report::GateConfigError> errors;
  if (report::ParseAssertions(ReadFile(path), gates, &errors)) errors = report::CheckAgainstRules(*gates, rules);
  // The budget rule is not applicable without a budget: asserting it alone would fail every run.
  for (const report::AssertionSet& set : gates->sets)
    for (const report::Assertion& a : set.assertions)
      if (a.rule_id == "performance-budget" && a.level != report::GateLevel::kOff && !budget_given)
        errors.push_back({set.source + "." + a.key, "the budget rule needs a budget: give --budget FILE (Lighthouse's budget.json)"});
  if (errors.empty()) return true;
  for (const auto& e : errors) err << "mmaudit: error: " << e.Text(path) << "\n";
  err << "mmaudit: error: the assertions file " << path << " has " << errors.size()
      << (errors.size() == 1 ? " mistake" : " mistakes") << " (README: \"CI gates\")\n";
  return false;
}

int RunSites(const po::variables_map& vm, std::ostream& out, std::ostream& err);
int RunAudit(const po::variables_map& vm, std::ostream& out, std::ostream& err);

// What `audit` (and `merge`) read from the command line before anything is fetched.
struct AuditRun {
  pipeline::AuditOptions options;
  bool want_json = false, want_html = false, want_junit = false, want_md = false, want_csv = false;
  std::string brand_name;
  std::optional<report::BrandLogo> brand_logo;
  std::optional<Baseline> baseline;
  report::GateConfig gates;
};

// Reads the audit options of `vm` into *run. Returns -1 when the run can go on, or the exit code
// (after printing why to `err`); throws UsageError for a bad option.
int PrepareAudit(const po::variables_map& vm, std::ostream& err, AuditRun* run) {
  pipeline::AuditOptions& options = run->options;
  auto device = fetch::FindDevice(vm["device"].as<std::string>());
  if (!device) throw UsageError("unknown --device \"" + vm["device"].as<std::string>() + "\"");
  options.device = *device;
  options.extract.viewport = {device->viewport_width, device->viewport_height, device->dpr};
  options.fetch.user_agent = device->user_agent;
  options.fetch.connect_timeout_ms = vm["connect-timeout"].as<long>();
  options.fetch.total_timeout_ms = vm["timeout"].as<long>();
  options.fetch.max_body_bytes = vm["max-body"].as<unsigned long long>();
  options.fetch.max_redirects = vm["max-redirects"].as<int>();
  if (options.fetch.connect_timeout_ms <= 0 || options.fetch.total_timeout_ms <= 0)
    throw UsageError("timeouts must be positive");
  if (options.fetch.max_redirects < 0) throw UsageError("--max-redirects must be >= 0");
  options.fetch.max_download_bytes = vm["max-download"].as<unsigned long long>();
  if (options.fetch.max_body_bytes == 0 || options.fetch.max_download_bytes == 0)
    throw UsageError("--max-body and --max-download must be at least 1");
  options.fetch.deny_private_networks = vm.count("deny-private-networks") > 0;
  if (vm.count("testing-resolve")) options.fetch.resolve = vm["testing-resolve"].as<std::vector<std::string>>();
  options.extract.max_dom_depth = vm["max-dom-depth"].as<std::size_t>();
  options.extract.max_json_ld_bytes = vm["max-json-ld"].as<std::size_t>();
  options.extract.max_links = vm["max-links"].as<std::size_t>();
  fetch::CrawlOptions& crawl = options.crawl;
  crawl.max_urls = vm["max-urls"].as<std::size_t>();
  crawl.max_crawl_time_ms = vm["max-crawl-time"].as<long>();
  crawl.max_rate = vm["max-rate"].as<double>();
  if (crawl.max_urls < 1) throw UsageError("--max-urls must be at least 1");
  if (crawl.max_crawl_time_ms < 0) throw UsageError("--max-crawl-time must be >= 0");
  if (!(crawl.max_rate >= 0)) throw UsageError("--max-rate must be >= 0");
  crawl.follow_links = vm.count("no-crawl") == 0;
  crawl.use_sitemaps = crawl.follow_links && vm.count("no-sitemaps") == 0;
  crawl.max_pages = vm["max-pages"].as<std::size_t>();
  crawl.max_depth = vm["max-depth"].as<int>();
  crawl.concurrency = vm["concurrency"].as<int>();
  crawl.per_host = vm["per-host"].as<int>();
  crawl.delay_ms = vm["delay"].as<double>();
  crawl.ignore_robots = vm.count("ignore-robots") > 0;
  crawl.strip_tracking = vm.count("keep-tracking-params") == 0;
  if (vm.count("include")) crawl.include = vm["include"].as<std::vector<std::string>>();
  if (vm.count("exclude")) crawl.exclude = vm["exclude"].as<std::vector<std::string>>();
  const std::string scope = vm["scope"].as<std::string>();
  if (scope == "host") crawl.scope = fetch::Scope::kHost;
  else if (scope == "domain") crawl.scope = fetch::Scope::kDomain;
  else throw UsageError("--scope must be host or domain, not \"" + scope + "\"");
  if (crawl.concurrency < 1 || crawl.per_host < 1) throw UsageError("--concurrency and --per-host must be at least 1");
  if (crawl.max_pages < 1) throw UsageError("--max-pages must be at least 1");
  if (crawl.delay_ms < 0) throw UsageError("--delay must be >= 0");
  ReadCredentials(vm, &options.fetch.credentials);
  options.sample_per_type = vm["sample-per-type"].as<std::size_t>();
  options.checkout = vm["checkout"].as<std::string>();
  if (options.checkout != "inspect" && options.checkout != "walk" && options.checkout != "off")
    throw UsageError("--checkout must be inspect, walk or off, not \"" + options.checkout + "\"");
  options.checkout_ignore_robots = vm.count("checkout-ignore-robots") > 0;
  if (vm.count("buyer")) {
    std::string error;
    options.buyer = pipeline::ParseBuyer(ReadFile(vm["buyer"].as<std::string>()), &error);
    if (!options.buyer) throw UsageError("--buyer " + vm["buyer"].as<std::string>() + ": " + error);
  }
  options.measure_load = vm.count("no-resources") == 0;
  options.max_resources = vm["max-resources"].as<std::size_t>();
  if (vm.count("server-time-ms")) {
    const double ms = vm["server-time-ms"].as<double>();
    if (!(ms >= 0 && ms <= 60'000)) throw UsageError("--server-time-ms must be between 0 and 60000");
    options.server_time_ms = ms;
  }
  if (vm.count("budget")) {
    if (!options.measure_load) throw UsageError("--budget needs the resources: drop --no-resources");
    std::string error;
    options.budgets = perf::ParseBudgets(ReadFile(vm["budget"].as<std::string>()), &error);
    if (!options.budgets) throw UsageError("--budget " + vm["budget"].as<std::string>() + ": " + error);
  }
  options.store_pages = true;  // the CLI needs only the report, so pages wait in a temporary file
  if (vm.count("page-type")) {
    for (const std::string& spec : vm["page-type"].as<std::vector<std::string>>()) {
      facts::PageTypeOverride o;
      std::string error;
      if (!facts::ParsePageTypeOverride(spec, &o, &error)) throw UsageError("--page-type " + spec + ": " + error);
      options.page_type_overrides.emplace_back(o.pattern, o.type);
    }
  }

  bool &want_json = run->want_json, &want_html = run->want_html, &want_junit = run->want_junit, &want_md = run->want_md,
       &want_csv = run->want_csv;
  for (const std::string& f : text::SplitTrimmed(vm["format"].as<std::string>(), ',')) {
    if (f == "json") want_json = true;
    else if (f == "html") want_html = true;
    else if (f == "junit") want_junit = true;
    else if (f == "md") want_md = true;
    else if (f == "csv") want_csv = true;
    else throw UsageError("unknown --format \"" + f + "\" (json, html, junit, md, csv)");
  }
  if (!want_json && !want_html && !want_junit && !want_md && !want_csv)
    throw UsageError("--format names no output (json, html, junit, md, csv)");

  std::string& brand_name = run->brand_name;
  std::optional<report::BrandLogo>& brand_logo = run->brand_logo;
  if (vm.count("brand-name")) {
    std::string error;
    if (!report::CheckBrandName(vm["brand-name"].as<std::string>(), &brand_name, &error))
      throw UsageError("--brand-name: " + error);
  }
  if (vm.count("brand-logo")) {
    const std::string path = vm["brand-logo"].as<std::string>();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError("--brand-logo " + path + ": not a readable file");
    if (std::filesystem::file_size(path, ec) > report::kMaxBrandLogoBytes || ec)
      throw UsageError("--brand-logo " + path + ": " + (ec ? ec.message() : "larger than 512 KiB"));
    std::string error;
    report::BrandLogo logo;
    if (!report::CheckBrandLogo(ReadFile(path), &logo, &error)) throw UsageError("--brand-logo " + path + ": " + error);
    brand_logo = std::move(logo);
  }

  std::optional<Baseline>& baseline = run->baseline;
  try {
    baseline = ReadBaselineOptions(vm);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }

  RulesInForce in_force;
  if (!LoadRules(vm, err, &in_force)) return pipeline::kExitUsage;
  report::GateConfig& gates = run->gates;
  if (!LoadGates(vm, in_force.catalogue.rules, vm.count("budget") > 0, err, &gates)) return pipeline::kExitUsage;
  options.catalogue = std::move(in_force.catalogue);
  options.categories = std::move(in_force.categories);
  options.rules_source = in_force.source;
  options.rules_overlay = in_force.overlay;
  options.rule_changes = std::move(in_force.changes);
  return -1;
}

// Writes the reports of `result` as `vm` asks (JSON first, every other format from it), applies the
// gates and the baseline, prints the summary; returns the exit code.
int WriteReports(const po::variables_map& vm, std::ostream& out, std::ostream& err, AuditRun& run,
                 report::AuditResult& result, Progress& progress_ref, bool quiet) {
  Progress* progress = &progress_ref;
  const bool want_json = run.want_json, want_html = run.want_html, want_junit = run.want_junit, want_md = run.want_md,
             want_csv = run.want_csv;
  const std::optional<Baseline>& baseline = run.baseline;
  const report::GateConfig& gates = run.gates;
  result.settings.brand_name = run.brand_name;
  result.settings.brand_logo = run.brand_logo;

  for (const auto& problem : result.rule_problems)
    progress->Log(LogLevel::kError, problem.file + ": rule \"" + problem.rule_id + "\"" +
                                          (problem.field.empty() ? "" : " field \"" + problem.field + "\"") + ": " +
                                          problem.message + " (rule skipped)");

  const std::filesystem::path dir = vm["out-dir"].as<std::string>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError("cannot create --out-dir " + dir.string() + ": " + ec.message());
  // The JSON is the source of truth: it is written first (streamed, so a big crawl's report is
  // never held whole in memory), and every other output is rendered from it.
  const std::filesystem::path json_path = dir / "report.json";
  std::string error;
  if (!report::WriteJsonFile(result, json_path.string(), &error)) throw UsageError(error);
  std::vector<std::string> written;
  if (want_json) written.push_back(json_path.string());
  // The renderers, the gates and the baseline read it without the site's URL list (which none of
  // them shows), so memory does not grow with the catalogue.
  std::string json = ReadReportForRendering(json_path.string());
  if (!gates.Empty()) {
    // The gates read the report JSON as written, then join it: the JSON is written again with them.
    rapidjson::Document d;
    d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
    if (d.HasParseError()) throw UsageError("the report JSON " + json_path.string() + " cannot be read back for the gates");
    result.gates = report::EvaluateGates(d, gates);
    if (!report::WriteJsonFile(result, json_path.string(), &error)) throw UsageError(error);
    json = ReadReportForRendering(json_path.string());
  }
  std::vector<std::string> regressions;
  std::string baseline_summary;
  if (baseline) {
    const std::size_t kept = EndOfLastMember(json);
    if (!ApplyBaseline(*baseline, &json, &regressions, &baseline_summary, &error)) {
      err << "mmaudit: error: the comparison with --baseline " << baseline->file << " failed: " << error << "\n";
      if (baseline->tolerance) regressions.push_back("the comparison with the baseline failed, so the gate fails");
    } else if (want_json) {
      // The baseline section went on the end of the JSON read above; the file gets the same end.
      AppendToReportFile(json_path, json.substr(std::min(kept, json.size())));
    }
  }
  if (!want_json) std::filesystem::remove(json_path, ec);
  // Every other output is rendered from the JSON; one that cannot be rendered is reported and the
  // others are still written.
  auto render = [&](bool wanted, const char* name, const char* file, auto&& renderer) {
    if (!wanted) return;
    std::string text;
    if (!renderer(&text, &error)) {
      err << "mmaudit: error: the " << name << " report could not be rendered: " << error << "\n";
      return;
    }
    WriteAtomically(dir / file, text);
    written.push_back((dir / file).string());
  };
  render(want_html, "HTML", "report.html", [&](std::string* t, std::string* e) { return report::RenderHtml(json, t, e); });
  report::JunitOptions junit;
  junit.warn_as_failure = vm.count("junit-warn-as-failure") > 0;
  render(want_junit, "JUnit", "report.junit.xml",
         [&](std::string* t, std::string* e) { return report::RenderJunit(json, junit, t, e); });
  render(want_md, "Markdown", "report.md",
         [&](std::string* t, std::string* e) { return report::RenderMarkdown(json, report::MarkdownOptions{}, t, e); });
  render(want_csv, "CSV", "report.csv", [&](std::string* t, std::string* e) { return report::RenderCsv(json, t, e); });
  if (!quiet) {
    std::string summary;
    if (report::RenderSummary(json, &summary, &error)) out << summary;
    out << baseline_summary;
    for (const auto& w : written) out << "Report: " << w << "\n";
  }
  const int code = pipeline::ExitCodeFor(result);
  if (code == pipeline::kExitNothingAudited) {
    err << "mmaudit: error: no page could be audited\n";
    return code;  // the gates are recorded in the report, but judged nothing worth printing
  }
  int gate_code = result.gates ? PrintGates(*result.gates, err) : pipeline::kExitOk;
  if (!regressions.empty()) {
    PrintRegressions(regressions, err);
    gate_code = pipeline::kExitGateFailed;
  }
  return gate_code != pipeline::kExitOk ? gate_code : code;
}

// A several-site run: each site of the --sites file is audited in turn with the other options, into
// --out-dir/sites/<slug>/ (report.json always, for the portfolio, plus the formats asked for), then
// the portfolio (portfolio.json, portfolio.html) ranks them. Exit code: 3 when no site audited a
// page; 1 when a site failed a gate or audited nothing; 2 for a bad sites file; else 0.
int RunSites(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  for (const char* other : {"url", "urls-file", "file", "baseline", "plan", "shard", "shard-out"})
    if (vm.count(other)) throw UsageError(std::string("--sites cannot be combined with --") + other);
  const std::string file = vm["sites"].as<std::string>();
  std::vector<SiteEntry> sites;
  std::string error;
  if (!ParseSitesFile(ReadFile(file), &sites, &error)) throw UsageError("--sites " + file + ": " + error);
  std::string formats = vm["format"].as<std::string>();
  const bool want_html = [&] {
    for (const std::string& f : text::SplitTrimmed(formats, ','))
      if (f == "html") return true;
    return false;
  }();
  if (("," + formats + ",").find(",json,") == std::string::npos) formats += ",json";  // for the portfolio
  const std::filesystem::path dir = vm["out-dir"].as<std::string>();
  const bool quiet = vm.count("quiet") > 0;
  std::vector<report::PortfolioSite> portfolio;
  for (const SiteEntry& site : sites) {
    po::variables_map one = vm;
    auto set = [&](const char* key, boost::any value) {
      one.erase(key);
      one.emplace(key, po::variable_value(std::move(value), false));
    };
    one.erase("sites");
    set("url", std::vector<std::string>{site.url});
    set("out-dir", (dir / site.dir).string());
    set("format", formats);
    if (!quiet) out << "== " << site.name << " (" << site.url << ")\n";
    report::PortfolioSite p;
    p.name = site.name;
    p.start_url = site.url;
    p.dir = site.dir;
    try {
      p.exit_code = RunAudit(one, out, err);
    } catch (const std::exception& e) {  // a usage error of this site (an unreadable out-dir ...)
      p.exit_code = pipeline::kExitUsage;
      p.error = e.what();
      err << "mmaudit: error: " << site.name << ": " << e.what() << "\n";
    }
    std::error_code ec;
    const std::filesystem::path json_path = dir / site.dir / "report.json";
    if (std::filesystem::is_regular_file(json_path, ec)) p.report_json = ReadReportForRendering(json_path.string());
    if (want_html && std::filesystem::is_regular_file(dir / site.dir / "report.html", ec)) p.report_html = "report.html";
    portfolio.push_back(std::move(p));
  }
  char stamp[32] = "";
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (gmtime_r(&now, &tm) != nullptr) std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string json = report::PortfolioJson(portfolio, stamp);
  WriteAtomically(dir / "portfolio.json", json);
  std::string html;
  if (!report::RenderPortfolioHtml(json, &html, &error)) {
    err << "mmaudit: error: the portfolio page could not be rendered: " << error << "\n";
  } else {
    WriteAtomically(dir / "portfolio.html", html);
  }
  if (!quiet) out << "Portfolio: " << (dir / "portfolio.html").string() << "\n";
  bool any_audited = false, any_failed = false;
  for (const auto& p : portfolio) {
    any_audited = any_audited || p.exit_code == pipeline::kExitOk || p.exit_code == pipeline::kExitGateFailed;
    any_failed = any_failed || p.exit_code != pipeline::kExitOk;
  }
  if (!any_audited) {
    err << "mmaudit: error: no site could be audited\n";
    return pipeline::kExitNothingAudited;
  }
  if (any_failed) {
    err << "mmaudit: gate failed: ";
    bool first = true;
    for (const auto& p : portfolio)
      if (p.exit_code != pipeline::kExitOk) {
        err << (first ? "" : "; ") << p.name
            << (p.exit_code == pipeline::kExitGateFailed ? " failed a gate"
                : p.exit_code == pipeline::kExitNothingAudited ? " had no page audited"
                                                               : " could not be audited");
        first = false;
      }
    err << "\n";
    return pipeline::kExitGateFailed;
  }
  return pipeline::kExitOk;
}

int RunPlanAudit(const po::variables_map& vm, std::ostream& out, std::ostream& err, AuditRun& run);

// A URL's user:password@ is a secret: it is taken out of each URL (which every report and log line
// names) and sent as basic auth to the site's origins, like --user, which wins when both are given.
void TakeCredentialsOutOfUrls(const po::variables_map& vm, std::vector<std::string>* urls,
                              fetch::Credentials* credentials) {
  for (std::string& u : *urls) {
    std::optional<std::pair<std::string, std::string>> user;
    u = fetch::StripUserInfo(u, &user);
    if (!user) continue;
    if (user->first.empty()) throw UsageError("a URL's user:password@ needs a user name");
    if (credentials->basic && vm.count("user") == 0 && *credentials->basic != *user)
      throw UsageError("the URLs give different user:password@ credentials; give one --user instead");
    if (!credentials->basic) credentials->basic = std::move(user);
  }
}

int RunAudit(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  if (vm.count("sites")) return RunSites(vm, out, err);
  AuditRun run;
  if (const int code = PrepareAudit(vm, err, &run); code >= 0) return code;
  if (vm.count("plan")) return RunPlanAudit(vm, out, err, run);
  if (vm.count("shard") || vm.count("shard-out")) throw UsageError("--shard and --shard-out go with --plan FILE");
  pipeline::AuditOptions& options = run.options;

  std::vector<std::string> urls;
  if (vm.count("url")) urls = vm["url"].as<std::vector<std::string>>();
  if (vm.count("urls-file")) {
    std::istringstream lines(ReadFile(vm["urls-file"].as<std::string>()));
    for (std::string line; std::getline(lines, line);) {
      const std::string t(text::Trim(line));
      if (!t.empty() && t[0] != '#') urls.push_back(t);
    }
  }
  const bool file_mode = vm.count("file") > 0;
  if (file_mode && !urls.empty()) throw UsageError("give either --file or URLs, not both");
  if (!file_mode && urls.empty()) throw UsageError("nothing to audit: give a URL, --urls-file or --file");
  if (vm.count("base-url") && !file_mode) throw UsageError("--base-url only goes with --file");
  TakeCredentialsOutOfUrls(vm, &urls, &options.fetch.credentials);
  for (const std::string& u : urls)
    if (!url::IsHttp(u)) throw UsageError("not an http(s) URL: \"" + u + "\"");
  if (file_mode && options.fetch.credentials.Any())
    throw UsageError("--header, --cookie, --cookie-file and --user apply to fetched pages, not to --file");
  options.fetch.credentials.origins = fetch::CredentialOrigins(urls);

  const bool quiet = vm.count("quiet") > 0;
  auto progress = MakeProgress(ChooseStyle(quiet, stderr), stderr);
  report::AuditResult result;
  if (file_mode) {
    const std::string path = vm["file"].as<std::string>();
    const std::string html = ReadFile(path);
    std::string base = vm.count("base-url") ? vm["base-url"].as<std::string>()
                                            : "https://offline.invalid/" + std::filesystem::path(path).filename().string();
    if (!url::IsHttp(base)) throw UsageError("--base-url must be an absolute http(s) URL");
    result = pipeline::AuditFile(html, base, options, *progress);
  } else {
    result = pipeline::AuditSite(urls, options, *progress);
  }

  return WriteReports(vm, out, err, run, result, *progress, quiet);
}

// audit --plan: without --shard, shard 0 of 1 written to a temporary file and merged, so the single
// run and the merged shards go through the same code; with --shard, only the shard file.
// Options only the report uses: the steps that write no report (plan, a shard) take them with audit's
// other options but do not use them.
constexpr std::initializer_list<const char*> kReportOnlyOptions = {
    "format", "brand-name", "brand-logo", "junit-warn-as-failure", "fail-under",
    "assert", "baseline", "fail-on-regression", "compare-origins"};

// Names each option of `names` given on the command line in a warning line on stderr:
// "mmaudit: warning: WHO ignores --NAME: WHY".
void WarnOfIgnoredOptions(const po::variables_map& vm, std::ostream& err, const char* who,
                          std::initializer_list<const char*> names, const char* why) {
  for (const char* name : names)
    if (vm.count(name) > 0 && !vm[name].defaulted()) err << "mmaudit: warning: " << who << " ignores --" << name << ": " << why << "\n";
}

int RunPlanAudit(const po::variables_map& vm, std::ostream& out, std::ostream& err, AuditRun& run) {
  if (vm.count("url") || vm.count("urls-file") || vm.count("file"))
    throw UsageError("--plan audits the plan's URLs: give no URL, --urls-file or --file");
  const std::string plan = vm["plan"].as<std::string>();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(plan, ec)) throw UsageError("--plan " + plan + ": not a readable file");
  std::size_t k = 0, n = 1;
  std::string error;
  if (vm.count("shard") && !pipeline::ParseShardSpec(vm["shard"].as<std::string>(), &k, &n, &error)) throw UsageError(error);
  if (vm.count("shard-out") && !vm.count("shard")) throw UsageError("--shard-out goes with --shard K/N");
  if (vm.count("shard"))
    WarnOfIgnoredOptions(vm, err, "audit --shard", kReportOnlyOptions, "a shard writes no report (give it to merge)");
  pipeline::AuditOptions& options = run.options;
  // Credentials go to the plan's hosts only.
  {
    std::ifstream in(plan, std::ios::binary);
    pipeline::PlanHeader header;
    std::string ignore;
    pipeline::ReadPlan(in, &header, [](pipeline::PlanEntry&&) {}, &ignore);
    options.fetch.credentials.origins = fetch::CredentialOrigins(header.start_urls);
  }
  const bool quiet = vm.count("quiet") > 0;
  auto progress = MakeProgress(ChooseStyle(quiet, stderr), stderr);
  const std::filesystem::path dir = vm["out-dir"].as<std::string>();
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError("cannot create --out-dir " + dir.string() + ": " + ec.message());
  const std::string shard_path =
      vm.count("shard-out") ? vm["shard-out"].as<std::string>()
      : vm.count("shard")   ? (dir / ("shard-" + std::to_string(k) + "-of-" + std::to_string(n) + ".json")).string()
                            : (dir / ".mmaudit-plan-run.shard.json.tmp").string();
  {
    std::ofstream shard_out(shard_path + ".tmp", std::ios::binary | std::ios::trunc);
    if (!shard_out) throw UsageError("cannot write " + shard_path + ".tmp");
    if (!pipeline::AuditPlanShard(plan, k, n, options, shard_out, *progress, &error)) {
      std::filesystem::remove(shard_path + ".tmp", ec);
      throw UsageError(error);
    }
  }
  std::filesystem::rename(shard_path + ".tmp", shard_path, ec);
  if (ec) throw UsageError("cannot write " + shard_path + ": " + ec.message());
  if (vm.count("shard")) {
    if (!quiet) out << "Shard " << k << "/" << n << ": " << shard_path << "\n";
    return pipeline::kExitOk;
  }
  pipeline::MergeError merge_error;
  auto result = pipeline::MergeShards({shard_path}, options, *progress, &merge_error);
  std::filesystem::remove(shard_path, ec);
  if (!result) throw UsageError(merge_error.message);
  return WriteReports(vm, out, err, run, *result, *progress, quiet);
}

// ------------------------------------------------------------------ plan
po::options_description PlanOptions() {
  po::options_description o = AuditOptions();
  po::options_description p("plan options");
  p.add_options()
      ("shards", po::value<std::size_t>()->default_value(1), "the number of shards the plan is made for (stratifies "
       "--sample-per-type so every shard gets every page type)")
      ("out", po::value<std::string>()->value_name("FILE")->default_value("plan.json"), "the plan file to write");
  o.add(p);
  return o;
}

// The options plan takes with audit's but does not use, because it audits nothing and writes no
// report: each one given is named in a warning on stderr (README, Scale-out), and the plan is made.
void WarnOfOptionsPlanIgnores(const po::variables_map& vm, std::ostream& err) {
  WarnOfIgnoredOptions(vm, err, "plan", {"out-dir"}, "it writes no report (give it to merge)");
  WarnOfIgnoredOptions(vm, err, "plan", kReportOnlyOptions, "it writes no report (give it to merge)");
  WarnOfIgnoredOptions(vm, err, "plan",
                       {"rules-dir", "rules", "checkout", "checkout-ignore-robots", "buyer", "no-resources", "budget",
                        "max-resources", "server-time-ms"},
                       "it audits no page (give it to every shard's audit --plan and to merge)");
}

// Discovery only: robots.txt, sitemaps and the link crawl within the crawl options; no page is audited.
int RunPlan(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  WarnOfOptionsPlanIgnores(vm, err);
  AuditRun run;
  if (const int code = PrepareAudit(vm, err, &run); code >= 0) return code;
  if (vm.count("plan") || vm.count("shard") || vm.count("file"))
    throw UsageError("plan discovers URLs: --plan, --shard and --file go with audit");
  std::vector<std::string> urls;
  if (vm.count("url")) urls = vm["url"].as<std::vector<std::string>>();
  if (urls.empty()) throw UsageError("nothing to plan: give the start URL(s)");
  TakeCredentialsOutOfUrls(vm, &urls, &run.options.fetch.credentials);
  for (const std::string& u : urls)
    if (!url::IsHttp(u)) throw UsageError("not an http(s) URL: \"" + u + "\"");
  const std::size_t shards = vm["shards"].as<std::size_t>();
  if (shards < 1 || shards > 100000) throw UsageError("--shards must be between 1 and 100000");
  run.options.fetch.credentials.origins = fetch::CredentialOrigins(urls);
  const bool quiet = vm.count("quiet") > 0;
  auto progress = MakeProgress(ChooseStyle(quiet, stderr), stderr);
  const std::string path = vm["out"].as<std::string>();
  pipeline::PlanHeader header;
  {
    std::ofstream f(path + ".tmp", std::ios::binary | std::ios::trunc);
    if (!f) throw UsageError("cannot write " + path + ".tmp");
    header = pipeline::WritePlan(urls, run.options, shards, f, *progress);
    f.flush();
    if (!f) throw UsageError("cannot write " + path + ".tmp");
  }
  std::error_code ec;
  std::filesystem::rename(path + ".tmp", path, ec);
  if (ec) throw UsageError("cannot write " + path + ": " + ec.message());
  if (!quiet)
    out << "Plan: " << path << ": " << header.urls << " URLs, " << header.to_audit << " to audit in " << shards
        << (shards == 1 ? " shard" : " shards") << (header.sampled_out ? ", " + std::to_string(header.sampled_out) + " sampled out" : "")
        << "\n";
  if (header.to_audit == 0) {
    err << "mmaudit: error: the plan has no URL to audit\n";
    return pipeline::kExitNothingAudited;
  }
  return pipeline::kExitOk;
}

// ------------------------------------------------------------------ merge
po::options_description MergeOptions() {
  po::options_description o = AuditOptions();
  po::options_description m("merge options");
  m.add_options()("shard-file", po::value<std::vector<std::string>>()->multitoken(),
                  "a shard file written by audit --plan --shard (positional, repeatable; every shard 0..N-1 once)");
  o.add(m);
  return o;
}

int RunMerge(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  AuditRun run;
  if (const int code = PrepareAudit(vm, err, &run); code >= 0) return code;
  if (vm.count("url") || vm.count("plan") || vm.count("shard") || vm.count("file"))
    throw UsageError("merge reads shard files only: give no URL, --plan, --shard or --file");
  if (!vm.count("shard-file")) throw UsageError("nothing to merge: give the shard files (shard-*.json)");
  const std::vector<std::string> paths = vm["shard-file"].as<std::vector<std::string>>();
  const bool quiet = vm.count("quiet") > 0;
  auto progress = MakeProgress(ChooseStyle(quiet, stderr), stderr);
  pipeline::MergeError error;
  auto result = pipeline::MergeShards(paths, run.options, *progress, &error);
  if (!result) throw UsageError(error.message);
  return WriteReports(vm, out, err, run, *result, *progress, quiet);
}

// ------------------------------------------------------------------ rules
po::options_description RulesOptions() {
  po::options_description o("rules options");
  o.add_options()
      ("help,h", "show this help")
      ("doc", po::value<std::string>(), "print the documentation of rule ID")
      ("checks", "list the registered check functions instead of the rules")
      ("markdown", "print the whole rule reference as Markdown (docs/rules.md)")
      ("rules-dir", po::value<std::string>(), "read rules from DIR instead of the built-in catalogue")
      ("rules", po::value<std::string>()->value_name("FILE"),
       "show the catalogue with the rule overlay FILE applied (as audit --rules does)")
      ("config", po::value<std::string>()->value_name("FILE"), kConfigHelp);
  return o;
}

int RunRules(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  if (vm.count("checks")) {
    for (const auto& c : rules::Checks()) out << c.name << "  (reads: " << c.needs << ")\n";
    for (const auto& c : rules::CheckoutChecks()) out << c.name << "  (scope checkout; reads: " << c.needs << ")\n";
    for (const auto& c : rules::SiteChecks()) out << c.name << "  (scope site; reads: " << c.needs << ")\n";
    return pipeline::kExitOk;
  }
  RulesInForce in_force;
  if (!LoadRules(vm, err, &in_force)) return pipeline::kExitUsage;
  const rules::Catalogue& catalogue = in_force.catalogue;
  for (const auto& p : catalogue.problems)
    err << "mmaudit: warning: " << p.file << ": rule \"" << p.rule_id << "\": " << p.message << "\n";
  if (vm.count("markdown")) {
    out << rules::RuleReferenceMarkdown(catalogue);
    return pipeline::kExitOk;
  }
  if (vm.count("doc")) {
    const rules::RuleSpec* r = catalogue.Find(vm["doc"].as<std::string>());
    if (r == nullptr) throw UsageError("no rule with id \"" + vm["doc"].as<std::string>() + "\"");
    out << r->id << ": " << r->title << "\n"
        << "  fails as: " << r->failure_title << "\n"
        << "  moment:   " << r->moment << "\n"
        << "  pages:    " << (r->page_types.empty() ? std::string("all") : [&] {
             std::string s;
             for (const auto& t : r->page_types) s += (s.empty() ? "" : ", ") + t;
             return s;
           }()) << "\n"
        << "  check:    " << r->check << " (" << rules::ScoreModeName(r->score_mode) << ", weight " << r->weight << ")\n";
    for (const auto& [k, v] : r->options.numbers) out << "  option:   " << k << " = " << v << "\n";
    for (const auto& [k, v] : r->options.strings) out << "  option:   " << k << " = " << v << "\n";
    for (const auto& c : in_force.changes)
      if (c.rule_id == r->id) out << "  overlay:  " << c.Describe() << " (" << in_force.overlay << ")\n";
    out << "\n" << r->description << "\n";
    if (!r->threshold_source.empty()) out << "Threshold: " << r->threshold_source << "\n";
    out << "Learn more: " << r->learn_more << "\n";
    return pipeline::kExitOk;
  }
  for (const std::string& m : rules::Moments()) {
    out << m << ":\n";
    for (const auto& r : catalogue.rules)
      if (r.moment == m) out << "  " << r.id << std::string(r.id.size() < 26 ? 26 - r.id.size() : 1, ' ') << r.title << "\n";
  }
  if (!in_force.overlay.empty()) {
    out << "overlay " << in_force.overlay << ": " << in_force.changes.size()
        << (in_force.changes.size() == 1 ? " change" : " changes") << "\n";
    for (const auto& c : in_force.changes) out << "  " << c.Describe() << "\n";
  }
  return pipeline::kExitOk;
}

// ------------------------------------------------------------------ gate
po::options_description GateOptions() {
  po::options_description o("gate options");
  o.add_options()
      ("help,h", "show this help")
      ("report", po::value<std::string>()->value_name("REPORT.json"), "the saved report JSON to judge (positional)")
      ("fail-under", po::value<std::vector<std::string>>()->value_name("SCORE"), kFailUnderHelp)
      ("assert", po::value<std::string>()->value_name("FILE"), kAssertHelp)
      ("config", po::value<std::string>()->value_name("FILE"), kConfigHelp);
  return o;
}

// Judges a saved report; the report itself is left as it is.
int RunGate(const po::variables_map& vm, std::ostream& out, std::ostream& err) {
  if (vm.count("report") == 0) throw UsageError("give the report to judge: mmaudit gate REPORT.json --assert FILE");
  const std::string path = vm["report"].as<std::string>();
  const std::string json = ReadReportForRendering(path);
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.c_str(), json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("rules") || !d["rules"].IsArray() || !d.HasMember("summary") ||
      !d["summary"].IsObject())
    throw UsageError(path + " is not an mmaudit report JSON");
  // The report's own rules: the assertions must name rules it ran.
  std::vector<rules::RuleSpec> in_report;
  for (const auto& r : d["rules"].GetArray())
    if (r.IsObject() && r.HasMember("id") && r["id"].IsString()) {
      in_report.emplace_back();
      in_report.back().id = r["id"].GetString();
    }
  report::GateConfig gates;
  if (!LoadGates(vm, in_report, /*budget_given=*/true, err, &gates)) return pipeline::kExitUsage;
  if (gates.Empty()) throw UsageError("nothing to judge: give --fail-under or --assert");
  const auto& summary = d["summary"];
  if (!summary.HasMember("pages_audited") || !summary["pages_audited"].IsUint64() || summary["pages_audited"].GetUint64() == 0) {
    err << "mmaudit: error: no page was audited in " << path << "\n";
    return pipeline::kExitNothingAudited;
  }
  const report::GateReport g = report::EvaluateGates(d, gates);
  const int code = PrintGates(g, err);
  if (code == pipeline::kExitOk && g.warnings == 0)
    out << "mmaudit: CI gates passed: " << g.checked << (g.checked == 1 ? " check" : " checks") << "\n";
  return code;
}

// ------------------------------------------------------------------ table
po::options_description VersionOptions() {
  po::options_description o("version options");
  o.add_options()("help,h", "show this help");
  return o;
}

int RunVersion(const po::variables_map&, std::ostream& out, std::ostream&) {
  out << "mmaudit " << report::kToolVersion << " (report schema " << report::kSchemaVersion << ")\n";
  return pipeline::kExitOk;
}

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      {"audit", "URL... | --file PAGE.html [--base-url URL] | --plan PLAN.json [--shard K/N]",
       "crawl a shop from its start URLs (or audit just them, or a saved page) and write JSON and HTML reports",
       AuditOptions, RunAudit},
      {"plan", "URL... --shards N [--out plan.json]",
       "discover a site's URLs (robots.txt, sitemaps, links) into a plan for sharded audits; audits nothing",
       PlanOptions, RunPlan},
      {"merge", "shard-*.json [--format ...] [--out-dir DIR] [--fail-under SCORE] [--assert FILE]",
       "merge the shard files of one plan into the site's reports, and apply the gates", MergeOptions, RunMerge},
      {"diff", "OLD.json NEW.json [--format text|json] [--fail-on-regression[=POINTS]]",
       "compare two reports: new, fixed and changed findings, score and page changes, checkout changes",
       DiffCommandOptions, RunDiffCommand},
      {"rules", "[--doc ID | --checks | --markdown] [--rules FILE]", "list the rules, or print one rule's documentation", RulesOptions, RunRules},
      {"gate", "REPORT.json [--assert FILE] [--fail-under SCORE]...",
       "judge a saved report JSON against CI gates, as audit --assert and --fail-under do (exit 0, 1, 2 or 3)",
       GateOptions, RunGate},
      {"version", "", "print the version", VersionOptions, RunVersion},
  };
  return commands;
}

std::string CommandHelp(const Command& c) {
  std::ostringstream ss;
  ss << "Usage: mmaudit " << c.name << (std::string(c.args).empty() ? "" : " ") << c.args << "\n" << c.summary
     << "\n\n" << c.options();
  return ss.str();
}

// Options whose values are paths: in a config file, a relative one is relative to the file's folder.
bool IsPathOption(const std::string& name) {
  for (const char* p : {"plan", "shard-out", "out", "shard-file", "rules", "rules-dir", "urls-file", "file", "out-dir", "buyer", "budget", "baseline", "assert", "report",
                        "brand-logo", "cookie-file"})
    if (name == p) return true;
  return false;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Adds the options of the config file at `path` (Boost.Program_options' config file format) to
// *vm, below what the command line already set. Each line is checked first, so that a mistake names
// its line. Throws UsageError naming the file (and the line) on any mistake.
void StoreConfigFile(const std::string& path, const Command& command, const po::options_description& options,
                     po::variables_map* vm) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw UsageError("--config " + path + ": not a readable file");
  const std::string content = ReadFile(path);
  const std::string where = path + " line ";
  const std::string see = "see mmaudit " + std::string(command.name) + " --help";
  std::map<std::string, int> line_of;
  std::map<std::string, bool> switches;  // switch options' last value: true, or false (then left unset)
  std::istringstream lines(content);
  std::string prefix;
  int n = 0;
  for (std::string line; std::getline(lines, line);) {
    ++n;
    std::string t(text::Trim(line.substr(0, line.find('#'))));  // Boost's rule: # starts a comment anywhere
    if (t.empty()) continue;
    if (t.front() == '[' && t.back() == ']') {
      prefix = std::string(text::Trim(t.substr(1, t.size() - 2)));
      if (!prefix.empty()) prefix += ".";
      continue;
    }
    const std::size_t eq = t.find('=');
    if (eq == std::string::npos) {
      // Only the line's first word is repeated: the rest may be a secret (a header or a password).
      const std::string first = t.substr(0, std::min<std::size_t>(t.find_first_of(" \t:"), 40));
      throw UsageError(where + std::to_string(n) + ": expected \"name = value\"; the line starting \"" + first +
                       "\" has no \"=\"");
    }
    const std::string key = prefix + std::string(text::Trim(t.substr(0, eq)));
    const std::string value(text::Trim(t.substr(eq + 1)));
    if (key == "config" || key == "help")
      throw UsageError(where + std::to_string(n) + ": \"" + key + "\" cannot be set in a config file");
    const po::option_description* d = options.find_nothrow(key, false);
    if (d == nullptr)
      throw UsageError(where + std::to_string(n) + ": unknown key \"" + key + "\" (not an option of mmaudit " +
                       command.name + "; " + see + ")");
    line_of.emplace(key, n);
    if (d->semantic()->max_tokens() == 0) {
      const std::string v = Lower(value);
      if (v == "true" || v == "yes" || v == "on" || v == "1") switches[key] = true;
      else if (v == "false" || v == "no" || v == "off" || v == "0") switches[key] = false;
      else
        throw UsageError(where + std::to_string(n) + ": \"" + key + "\" is a switch: write \"" + key +
                         " = true\" or \"" + key + " = false\"");
    }
  }
  std::istringstream in(content);
  po::parsed_options parsed(&options);
  try {
    parsed = po::parse_config_file(in, options, false);
  } catch (po::error& e) {
    throw UsageError(path + ": " + OptionErrorText(e));
  }
  const fs::path dir = fs::path(path).parent_path();
  std::vector<po::option> kept;
  for (po::option& o : parsed.options) {
    if (auto s = switches.find(o.string_key); s != switches.end()) {
      if (!s->second) continue;
      o.value.clear();  // a switch takes no value
    }
    if (IsPathOption(o.string_key) && !dir.empty())
      for (std::string& v : o.value)
        if (!v.empty() && fs::path(v).is_relative()) v = (dir / v).lexically_normal().string();
    kept.push_back(std::move(o));
  }
  parsed.options = std::move(kept);
  try {
    po::store(parsed, *vm);
  } catch (po::error_with_option_name& e) {
    std::string name = e.get_option_name();
    name.erase(0, std::min(name.size(), name.find_first_not_of('-')));
    auto line = line_of.find(name);
    throw UsageError((line == line_of.end() ? path : where + std::to_string(line->second)) + ": " +
                     OptionErrorText(e));
  } catch (po::error& e) {
    throw UsageError(path + ": " + OptionErrorText(e));
  }
}

}  // namespace

std::string FullHelp() {
  std::ostringstream ss;
  ss << "mmaudit: the micro-moment auditor. Audits a storefront the way a shopper on a phone meets it,\n"
        "and scores each page for the moments I want to know / go / do / buy, mobile, speed,\n"
        "discoverability and engagement.\n\n"
        "Usage: mmaudit COMMAND [OPTIONS]\n\nCommands:\n";
  for (const Command& c : Commands()) ss << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  ss << "\n";
  for (const Command& c : Commands()) ss << CommandHelp(c) << "\n";
  ss << kExitCodes;
  return ss.str();
}

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << FullHelp();
    return args.empty() ? pipeline::kExitUsage : pipeline::kExitOk;
  }
  const Command* command = nullptr;
  for (const Command& c : Commands())
    if (args[0] == c.name || (args[0] == "--version" && std::string(c.name) == "version")) command = &c;
  if (command == nullptr) {
    err << "mmaudit: error: unknown command \"" << args[0] << "\"; see mmaudit --help\n";
    return pipeline::kExitUsage;
  }
  try {
    po::options_description options = command->options();
    // Options for tests only, parsed but not shown in --help.
    po::options_description hidden("testing options");
    hidden.add_options()("testing-resolve", po::value<std::vector<std::string>>()->value_name("HOST:PORT:ADDRESS"),
                         "pin HOST:PORT to ADDRESS without DNS (CURLOPT_RESOLVE), for tests");
    if (std::string(command->name) == "audit") options.add(hidden);
    po::positional_options_description positional;
    if (std::string(command->name) == "audit" || std::string(command->name) == "plan") positional.add("url", -1);
    if (std::string(command->name) == "merge") positional.add("shard-file", -1);
    if (std::string(command->name) == "diff") positional.add("reports", -1);
    if (std::string(command->name) == "gate") positional.add("report", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(std::vector<std::string>(args.begin() + 1, args.end()))
                  .options(options)
                  .positional(positional)
                  .extra_parser(BareGateOption)
                  .run(),
              vm);
    if (vm.count("config")) StoreConfigFile(vm["config"].as<std::string>(), *command, options, &vm);
    po::notify(vm);
    if (vm.count("help")) {
      out << CommandHelp(*command) << "\n" << kExitCodes;
      return pipeline::kExitOk;
    }
    return command->run(vm, out, err);
  } catch (const UsageError& e) {
    err << "mmaudit: error: " << e.what() << "\n";
    return pipeline::kExitUsage;
  } catch (po::error& e) {
    err << "mmaudit: error: " << OptionErrorText(e) << "; see mmaudit " << command->name << " --help\n";
    return pipeline::kExitUsage;
  } catch (const std::exception& e) {
    err << "mmaudit: error: " << e.what() << "\n";
    return pipeline::kExitUsage;
  }
}

}  // namespace mmaudit::cli
