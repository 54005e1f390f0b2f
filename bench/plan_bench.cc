// Scale-out benchmark (issue 9): a plan of a million URLs is generated (pipeline::WritePlanLines,
// streamed), split into shards (pipeline::AuditPlanShard, each in its own process, as on separate
// machines) and merged (pipeline::MergeShards and the report JSON; then again with the HTML report,
// rendered as the CLI does), with the wall time and peak RSS of every step. The same is done for a
// plan ten times smaller in the same run, so the figures read as ratios: memory per shard and per
// merge must not grow with the catalogue.
//
//   mmaudit_plan_bench [--urls N] [--shards N] [--audited N]
//
// The catalogue is one loopback host serving small product pages from a child process; --audited
// URLs (default 2000, in both plans, so the ratios are those of the catalogue alone) are marked for
// audit, spread evenly, as `plan --sample-per-type` would; the rest are "sampled out" lines every
// shard reads past and the merge lists in the report's site section.
#include <httplib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "bench/loopback_server.h"
#include "core/progress.h"
#include "pipeline/plan.h"
#include "report/html.h"
#include "report/json_view.h"
#include "report/result.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Step {
  double seconds = 0;
  double peak_mb = 0;
  int exit_code = 0;
};

// Runs `fn` in a child process; its wall time and peak RSS (ru_maxrss of that child alone).
Step InChild(const std::function<int()>& fn) {
  const auto t0 = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) _exit(fn());
  int status = 0;
  rusage ru{};
  wait4(pid, &status, 0, &ru);
  Step s;
  s.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  s.peak_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  s.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return s;
}

mmaudit::pipeline::AuditOptions Options() {
  mmaudit::pipeline::AuditOptions o;
  o.catalogue = mmaudit::rules::DefaultCatalogue();
  o.checkout = "off";
  o.measure_load = false;
  o.extract.find_subresources = false;
  o.store_pages = true;
  o.server_time_ms = 100;
  o.crawl.max_rate = 0;  // its own loopback server
  return o;
}

// Writes a plan of `urls` product URLs of `root`, one in `audit_every` to be audited.
void Generate(const std::string& path, const std::string& root, std::size_t urls, std::size_t shards,
              std::size_t audit_every) {
  mmaudit::pipeline::PlanHeader h;
  h.shards = shards;
  h.start_urls = {root + "/"};
  h.crawl = Options().crawl;
  h.sample_per_type = 1;
  h.urls = urls;
  h.to_audit = (urls + audit_every - 1) / audit_every;
  h.sampled_out = urls - h.to_audit;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::size_t i = 0;
  mmaudit::pipeline::WritePlanLines(
      h,
      [&](mmaudit::pipeline::PlanEntry* e) {
        if (i == urls) return false;
        e->crawl = {};
        e->crawl.url = root + "/p/" + std::to_string(i);
        e->crawl.depth = 1;
        e->crawl.via = "sitemap";
        e->crawl.parent = root + "/sitemap.xml";
        e->crawl.state = "fetched";
        e->crawl.status = 200;
        e->crawl.page_type = "product";
        e->audit = i % audit_every == 0;
        ++i;
        return true;
      },
      out);
}

struct Run {
  Step generate, merge, merge_html, html_whole;
  std::vector<Step> shards;
  double plan_mb = 0, shard_files_mb = 0, report_mb = 0;
};

Run Measure(const std::string& dir, const std::string& root, std::size_t urls, std::size_t shards, std::size_t every) {
  Run r;
  const std::string plan = dir + "/plan-" + std::to_string(urls) + ".json";
  r.generate = InChild([&] {
    Generate(plan, root, urls, shards, every);
    return 0;
  });
  r.plan_mb = static_cast<double>(std::filesystem::file_size(plan)) / 1e6;
  std::vector<std::string> files;
  for (std::size_t k = 0; k < shards; ++k) {
    const std::string file = dir + "/shard-" + std::to_string(urls) + "-" + std::to_string(k) + ".json";
    files.push_back(file);
    r.shards.push_back(InChild([&] {
      mmaudit::NullProgress progress;
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      std::string error;
      return mmaudit::pipeline::AuditPlanShard(plan, k, shards, Options(), out, progress, &error) ? 0 : 1;
    }));
    r.shard_files_mb += static_cast<double>(std::filesystem::file_size(file)) / 1e6;
  }
  const std::string merged = dir + "/merged-" + std::to_string(urls) + ".json";
  // The merge as `mmaudit merge --format json` runs it, then as with `--format json,html` (the HTML
  // rendered from the report read without its URL list, as the CLI does).
  const auto merge = [&](bool html) {
    mmaudit::NullProgress progress;
    mmaudit::pipeline::MergeError error;
    auto result = mmaudit::pipeline::MergeShards(files, Options(), progress, &error);
    if (!result) return 1;
    std::string werror;
    if (!mmaudit::report::WriteJsonFile(*result, merged, &werror)) return 1;
    if (!html) return 0;
    std::string json, page;
    if (!mmaudit::report::view::ReadReportWithoutUrlList(merged, &json, &werror) ||
        !mmaudit::report::RenderHtml(json, &page, &werror))
      return 1;
    std::ofstream(merged + ".html", std::ios::binary) << page;
    return 0;
  };
  r.merge = InChild([&] { return merge(false); });
  r.merge_html = InChild([&] { return merge(true); });
  // For comparison, the HTML rendered from the whole report JSON (as before the URL list was left out).
  r.html_whole = InChild([&] {
    std::ifstream in(merged, std::ios::binary);
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string page, error;
    return mmaudit::report::RenderHtml(json, &page, &error) ? 0 : 1;
  });
  r.report_mb = static_cast<double>(std::filesystem::file_size(merged)) / 1e6;
  return r;
}

void Print(const char* name, std::size_t urls, const Run& r) {
  double shard_s = 0, shard_mb = 0;
  int bad = 0;
  for (const Step& s : r.shards) {
    shard_s = std::max(shard_s, s.seconds);
    shard_mb = std::max(shard_mb, s.peak_mb);
    bad += s.exit_code != 0;
  }
  std::printf("%s plan, %zu URLs (%.0f MB):\n", name, urls, r.plan_mb);
  std::printf("  generate: %6.2f s, peak RSS %6.1f MB%s\n", r.generate.seconds, r.generate.peak_mb,
              r.generate.exit_code ? "  FAILED" : "");
  std::printf("  shards:   %6.2f s (slowest of %zu), peak RSS %6.1f MB (largest)%s; shard files %.0f MB\n", shard_s,
              r.shards.size(), shard_mb, bad ? "  FAILED" : "", r.shard_files_mb);
  std::printf("  merge:    %6.2f s, peak RSS %6.1f MB%s (report.json %.0f MB)\n", r.merge.seconds, r.merge.peak_mb,
              r.merge.exit_code ? "  FAILED" : "", r.report_mb);
  std::printf("  merge + HTML: %6.2f s, peak RSS %6.1f MB%s\n", r.merge_html.seconds, r.merge_html.peak_mb,
              r.merge_html.exit_code ? "  FAILED" : "");
  std::printf("  HTML from the whole report JSON (for comparison): %6.2f s, peak RSS %6.1f MB%s\n", r.html_whole.seconds,
              r.html_whole.peak_mb, r.html_whole.exit_code ? "  FAILED" : "");
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t urls = 1000000, shards = 4, audited = 2000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--urls") && i + 1 < argc) urls = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--shards") && i + 1 < argc) shards = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--audited") && i + 1 < argc) audited = std::strtoull(argv[++i], nullptr, 10);
  }
  if (urls < 10 || shards < 1 || audited < 1 || audited > urls / 10) return 2;

  // The catalogue's server, in a child process so its memory is not the steps'.
  pid_t server_pid = 0;
  const int port = mmaudit::bench::ServeInChild(
      [](httplib::Server& server) {
        server.Get("/robots.txt", [](const httplib::Request&, httplib::Response& res) {
          res.set_content("User-agent: *\nAllow: /\n", "text/plain");
        });
        server.Get(R"(/p/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
          const std::string id = req.matches[1];
          res.set_content("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                          "content=\"width=device-width, initial-scale=1\"><title>Product " + id +
                              "</title></head><body><h1>Product " + id + "</h1><p class=\"price\">€19.00</p>"
                              "<form action=\"/cart\" method=\"post\"><button>Add to cart</button></form></body></html>",
                          "text/html; charset=utf-8");
        });
      },
      &server_pid);
  if (port <= 0) return 1;
  const std::string root = "http://127.0.0.1:" + std::to_string(port);
  const std::string dir = std::filesystem::temp_directory_path() / ("mmaudit-plan-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);

  const Run small = Measure(dir, root, urls / 10, shards, urls / 10 / audited);
  const Run big = Measure(dir, root, urls, shards, urls / audited);
  kill(server_pid, SIGTERM);
  waitpid(server_pid, nullptr, 0);
  std::filesystem::remove_all(dir);

  std::printf("%zu shards, %zu URLs audited in each plan (small product pages from a loopback server)\n", shards,
              audited);
  Print("small", urls / 10, small);
  Print("big", urls, big);
  auto peak = [](const Run& r) {
    double m = 0;
    for (const Step& s : r.shards) m = std::max(m, s.peak_mb);
    return m;
  };
  auto slowest = [](const Run& r) {
    double m = 0;
    for (const Step& s : r.shards) m = std::max(m, s.seconds);
    return m;
  };
  std::printf("ratios big/small (10x the URLs, the same pages audited):\n");
  std::printf("  shard peak RSS %.2f, shard time %.2f, merge peak RSS %.2f, merge time %.2f, generate peak RSS %.2f\n",
              peak(big) / peak(small), slowest(big) / slowest(small), big.merge.peak_mb / small.merge.peak_mb,
              big.merge.seconds / small.merge.seconds, big.generate.peak_mb / small.generate.peak_mb);
  std::printf("  merge + HTML peak RSS %.2f, time %.2f; HTML from the whole JSON peak RSS %.2f\n",
              big.merge_html.peak_mb / small.merge_html.peak_mb, big.merge_html.seconds / small.merge_html.seconds,
              big.html_whole.peak_mb / small.html_whole.peak_mb);
  return 0;
}
