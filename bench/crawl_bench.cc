// Whole-crawl benchmark (issue: site crawler). Serves a generated 5,000-page storefront (pages of
// about 60-150 KB) from a child process on loopback, crawls and audits it in this process with
// concurrency 8, and compares the throughput with Gumbo alone parsing the same pages on the same
// number of threads, measured in the same run. Prints pages/s, MB/s, peak RSS and the ratio.
//
//   mmaudit_crawl_bench [--pages N] [--concurrency N] [--json] [--resources]
//
// --json also writes the report JSON (streamed to a temporary file, as the CLI does), to include
// its cost and memory. The crawl audits the HTML as `mmaudit audit --no-resources` does (the
// crawler's own target); --resources also measures each page's load (issue 5): its stylesheet,
// script and images are fetched, once per run, from the same server.
#include <gumbo.h>
#include <httplib.h>
#include <zlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/loopback_server.h"
#include "core/progress.h"
#include "html/parse_arena.h"
#include "pipeline/audit.h"

namespace {

constexpr int kPerCategory = 100;

// A deterministic pseudo-random number for page `id` and salt `k`.
unsigned Rand(unsigned id, unsigned k) {
  unsigned x = id * 2654435761u ^ (k + 0x9E3779B9u) * 40503u;
  x ^= x >> 15;
  x *= 2246822519u;
  x ^= x >> 13;
  return x;
}

std::string Header(int categories) {
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"/assets/theme.css\">"
      "<script src=\"/assets/vendor.js\" defer></script>";
  return h;
}

std::string Nav(int categories) {
  std::string n = "<header class=\"site-header\"><a href=\"/\" class=\"logo\">Bench Outfitters</a><nav class=\"mega-menu\"><ul>";
  for (int c = 0; c < categories; ++c)
    n += "<li class=\"menu__item\"><a class=\"menu__link\" href=\"/c/" + std::to_string(c) + "\">Category " +
         std::to_string(c) + "</a><ul class=\"menu__sub\"><li><a href=\"/c/" + std::to_string(c) +
         "?page=2\">More in category " + std::to_string(c) + "</a></li></ul></li>";
  n += "</ul></nav><form role=\"search\" action=\"/search\"><input type=\"search\" name=\"q\" aria-label=\"Search\"></form></header>";
  return n;
}

const char* kLorem =
    "Built for long days on wet trails, this model pairs a breathable upper with a grippy outsole and a "
    "cushioned midsole that stays springy in the cold. Reinforced toe caps, gusseted tongues and recycled "
    "laces make it a shoe you can repair rather than replace. ";

std::string ProductPage(int id, int products, int categories, const std::string& head, const std::string& nav) {
  std::string p = head + "<title>Product " + std::to_string(id) + " | Bench Outfitters</title>";
  p += "<meta name=\"description\" content=\"Product " + std::to_string(id) + " with free shipping and 30-day returns.\">";
  p += "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@type\":\"Product\",\"name\":\"Product " +
       std::to_string(id) + "\",\"sku\":\"SKU-" + std::to_string(id) +
       "\",\"offers\":{\"@type\":\"Offer\",\"price\":\"" + std::to_string(20 + Rand(id, 1) % 200) +
       ".00\",\"priceCurrency\":\"EUR\",\"availability\":\"https://schema.org/InStock\"},"
       "\"aggregateRating\":{\"@type\":\"AggregateRating\",\"ratingValue\":\"4.4\",\"reviewCount\":\"12\"}}</script>";
  p += "</head><body>" + nav + "<main><nav class=\"breadcrumb\"><a href=\"/\">Home</a> › <a href=\"/c/" +
       std::to_string(id % categories) + "\">Category</a></nav><h1>Product " + std::to_string(id) + "</h1>";
  p += "<p class=\"price\">€" + std::to_string(20 + Rand(id, 1) % 200) + ".00</p>";
  p += "<form method=\"post\" action=\"/cart/add\"><input type=\"hidden\" name=\"id\" value=\"" + std::to_string(id) +
       "\"><select name=\"size\"><option>40</option><option>41</option><option>42</option></select>"
       "<button type=\"submit\">Add to cart</button></form>";
  p += "<section class=\"description\">";
  const int paragraphs = 160 + static_cast<int>(Rand(id, 2) % 300);  // sets the page size: ~60-150 KB
  for (int i = 0; i < paragraphs; ++i) p += "<p>" + std::string(kLorem) + "</p>";
  p += "</section><table class=\"specs\"><tr><th>Weight</th><td>310 g</td></tr><tr><th>Drop</th><td>8 mm</td></tr></table>";
  p += "<section class=\"reviews\"><h2>Reviews</h2>";
  for (int i = 0; i < 6; ++i)
    p += "<article class=\"review\"><span class=\"review__author\">Buyer " + std::to_string(i) +
         "</span><span class=\"rating\" aria-label=\"Rated 4 out of 5\">★★★★☆</span><p>Comfortable from day one.</p></article>";
  p += "</section><section class=\"related\"><h2>You may also like</h2>";
  for (int i = 0; i < 12; ++i) {
    const int other = static_cast<int>(Rand(id, 10 + i) % static_cast<unsigned>(products));
    p += "<a href=\"/p/" + std::to_string(other) + "\"><img src=\"/img/" + std::to_string(other) +
         ".jpg\" alt=\"Product " + std::to_string(other) + "\" width=\"300\" height=\"300\" loading=\"lazy\"></a>";
  }
  p += "</section></main><footer><a href=\"tel:+4930123456\">Call us</a></footer></body></html>";
  return p;
}

std::string CategoryPage(int c, int page, int products, const std::string& head, const std::string& nav) {
  std::string p = head + "<title>Category " + std::to_string(c) + " | Bench Outfitters</title></head><body>" + nav +
                  "<main><h1>Category " + std::to_string(c) + "</h1><ul class=\"grid\">";
  const int first = c * kPerCategory + (page - 1) * (kPerCategory / 2);
  for (int i = first; i < first + kPerCategory / 2 && i < products; ++i)
    p += "<li class=\"card\"><a href=\"/p/" + std::to_string(i) + "\"><img src=\"/img/" + std::to_string(i) +
         ".jpg\" alt=\"Product " + std::to_string(i) + "\" width=\"300\" height=\"300\">Product " + std::to_string(i) +
         "</a><span class=\"price\">€49.00</span></li>";
  p += "</ul></main></body></html>";
  return p;
}

struct Site {
  int products;
  int categories;
  std::string head, nav;
  std::string Page(const std::string& path_query) const {
    if (path_query == "/") {
      std::string p = head + "<title>Bench Outfitters</title></head><body>" + nav + "<main><h1>Welcome</h1></main></body></html>";
      return p;
    }
    if (path_query.rfind("/p/", 0) == 0) return ProductPage(std::atoi(path_query.c_str() + 3), products, categories, head, nav);
    if (path_query.rfind("/c/", 0) == 0) {
      const int c = std::atoi(path_query.c_str() + 3);
      const int page = path_query.find("page=2") != std::string::npos ? 2 : 1;
      return CategoryPage(c, page, products, head, nav);
    }
    return {};
  }
  std::vector<std::string> Paths() const {
    std::vector<std::string> out = {"/"};
    for (int c = 0; c < categories; ++c) {
      out.push_back("/c/" + std::to_string(c));
      out.push_back("/c/" + std::to_string(c) + "?page=2");
    }
    for (int i = 0; i < products; ++i) out.push_back("/p/" + std::to_string(i));
    return out;
  }
};

std::string Gzip(const std::string& in) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// CPU seconds (user + system) used so far by this process, or by process `pid` (from /proc).
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double CpuSeconds(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return 0;
  char buf[1024] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  // Fields 14 and 15 (utime, stime, in clock ticks) follow the ")" that ends the command name.
  const char* p = std::strrchr(buf, ')');
  if (n == 0 || p == nullptr) return 0;
  unsigned long utime = 0, stime = 0;
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return 0;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  int pages = 5000, concurrency = 8;
  bool json = false, resources = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--pages") && i + 1 < argc) pages = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--concurrency") && i + 1 < argc) concurrency = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--json")) json = true;
    else if (!std::strcmp(argv[i], "--resources")) resources = true;
  }
  Site site;
  site.categories = std::max(1, (pages - 1) / (kPerCategory + 2));
  site.products = pages - 1 - 2 * site.categories;
  site.head = Header(site.categories);
  site.nav = Nav(site.categories);
  const std::vector<std::string> paths = site.Paths();

  // The server runs in a child process, so this process's RSS is the auditor's alone.
  pid_t child = 0;
  const int port = mmaudit::bench::ServeInChild(
      [&](httplib::Server& server) {
        // Pages are generated once up front, so serving them costs the shared cores almost nothing.
        // They are gzipped once too, as a production server's cache would, and sent with a Content-Type
        // spelled "Text/html" so cpp-httplib does not compress them again (with brotli, per request,
        // which would eat the cores the auditor is measured on). Media types are case-insensitive.
        // Shared with the route, which outlives this function.
        auto bodies = std::make_shared<std::map<std::string, std::string>>();
        for (const auto& p : paths) (*bodies)[p] = Gzip(site.Page(p));
        // One server thread per keep-alive connection the crawler may open, so none waits on the server.
        server.new_task_queue = [] { return new httplib::ThreadPool(32); };
        server.Get(".*", [bodies](const httplib::Request& req, httplib::Response& res) {
          std::string pq = req.path;
          if (req.has_param("page")) pq += "?page=" + req.get_param_value("page");
          if (req.path == "/robots.txt") {
            res.set_content("User-agent: *\nAllow: /\n", "text/plain");
            return;
          }
          auto it = bodies->find(pq);
          if (it == bodies->end()) {
            res.status = 404;
            return;
          }
          res.set_header("Content-Encoding", "gzip");
          res.set_content(it->second, "Text/html");
        });
      },
      &child);
  if (port <= 0) return 1;
  const std::string root = "http://127.0.0.1:" + std::to_string(port);

  // Baseline: Gumbo alone parsing the same pages on as many threads as the audit uses, in a child
  // process, so neither the pages it holds nor their generation count against the audit.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t total_bytes = 0;
  double gumbo_s = 0, gumbo_cpu = 0, gumbo_arena_s = 0, gumbo_arena_cpu = 0;
  {
    int result_pipe[2];
    if (pipe(result_pipe) != 0) return 1;
    const pid_t baseline = fork();
    if (baseline == 0) {
      close(result_pipe[0]);
      std::vector<std::string> bodies;
      bodies.reserve(paths.size());
      for (const auto& p : paths) bodies.push_back(site.Page(p));
      // Parses every page on `threads` threads with `parse`; returns wall and CPU seconds.
      auto run = [&](auto parse) {
        std::atomic<std::size_t> next{0};
        const double c0 = CpuSeconds();
        const auto g0 = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
          pool.emplace_back([&] {
            for (std::size_t i; (i = next++) < bodies.size();) parse(bodies[i]);
          });
        for (auto& t : pool) t.join();
        return std::pair{std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count(),
                         CpuSeconds() - c0};
      };
      // Gumbo as it ships (malloc), then Gumbo with the arena the audit gives it (html::ParseArena).
      const auto [plain_s, plain_cpu] = run([](const std::string& b) {
        GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, b.data(), b.size());
        gumbo_destroy_output(&kGumboDefaultOptions, out);
      });
      const auto [arena_s, arena_cpu] = run([](const std::string& b) {
        mmaudit::html::ParseArena arena;
        GumboOptions options = kGumboDefaultOptions;
        options.allocator = &mmaudit::html::ParseArena::GumboAllocate;
        options.deallocator = &mmaudit::html::ParseArena::GumboFree;
        options.userdata = &arena;
        GumboOutput* out = gumbo_parse_with_options(&options, b.data(), b.size());
        if (arena.spilled()) gumbo_destroy_output(&options, out);
      });
      double result[5] = {plain_s, 0, plain_cpu, arena_s, arena_cpu};
      for (const auto& b : bodies) result[1] += static_cast<double>(b.size());
      if (write(result_pipe[1], result, sizeof result) != sizeof result) _exit(1);
      _exit(0);
    }
    close(result_pipe[1]);
    double result[5] = {0, 0, 0, 0, 0};
    if (read(result_pipe[0], result, sizeof result) != sizeof result) return 1;
    waitpid(baseline, nullptr, 0);
    gumbo_s = result[0];
    gumbo_cpu = result[2];
    gumbo_arena_s = result[3];
    gumbo_arena_cpu = result[4];
    total_bytes = static_cast<std::uint64_t>(result[1]);
  }
  const long rss_before = PeakRssKb();

  mmaudit::pipeline::AuditOptions o;
  o.device = *mmaudit::fetch::FindDevice("moto-g-power");
  o.fetch.user_agent = o.device.user_agent;
  o.catalogue = mmaudit::rules::DefaultCatalogue();
  o.crawl.concurrency = concurrency;
  o.crawl.per_host = concurrency;
  o.crawl.max_pages = static_cast<std::size_t>(pages) + 10;
  o.crawl.max_query_variants = 1000;
  o.crawl.use_sitemaps = false;
  o.crawl.max_rate = 0;  // the bench measures the auditor, not the politeness towards its own server
  o.store_pages = true;  // as the CLI does
  o.measure_load = resources;
  mmaudit::NullProgress progress;
  const double cpu0 = CpuSeconds(), server_cpu0 = CpuSeconds(child);
  const auto a0 = std::chrono::steady_clock::now();
  mmaudit::report::AuditResult result = mmaudit::pipeline::AuditSite({root + "/"}, o, progress);
  std::size_t json_bytes = 0;
  const auto w0 = std::chrono::steady_clock::now();
  if (json) {  // streamed to a file, as the CLI writes it
    char path[] = "/tmp/mmaudit-bench-XXXXXX";
    const int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    std::string error;
    if (fd >= 0 && mmaudit::report::WriteJsonFile(result, path, &error)) {
      struct stat st{};
      if (stat(path, &st) == 0) json_bytes = static_cast<std::size_t>(st.st_size);
    }
    unlink(path);
  }
  const auto a1 = std::chrono::steady_clock::now();
  const double audit_s = std::chrono::duration<double>(a1 - a0).count();
  const double write_s = std::chrono::duration<double>(a1 - w0).count();
  const double audit_cpu = CpuSeconds() - cpu0, server_cpu = CpuSeconds(child) - server_cpu0;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);

  std::uint64_t decoded = 0;
  for (const auto& p : result.pages) decoded += p.facts.http.decoded_bytes;
  const double mb = static_cast<double>(total_bytes) / 1e6;
  std::printf("pages generated:        %zu (%.1f MB, %.0f KB average)\n", paths.size(), mb,
              static_cast<double>(total_bytes) / 1e3 / static_cast<double>(paths.size()));
  std::printf("pages audited:          %zu (fetched %zu, failed %zu, skipped %zu)\n", result.pages.size(),
              result.crawl->crawl.fetched, result.crawl->crawl.failed, result.crawl->crawl.skipped);
  std::printf("gumbo only (%u threads): %.2f s, %.0f pages/s, %.1f MB/s\n", threads, gumbo_s,
              static_cast<double>(paths.size()) / gumbo_s, mb / gumbo_s);
  std::printf("crawl + audit (c=%d):   %.2f s, %.0f pages/s, %.1f MB/s%s\n", concurrency, audit_s,
              static_cast<double>(result.pages.size()) / audit_s, static_cast<double>(decoded) / 1e6 / audit_s,
              json ? " (including the JSON report)" : "");
  std::printf("CPU during the crawl:    audit %.2f s, server %.2f s: %.0f%% of %u cores\n", audit_cpu, server_cpu,
              100 * (audit_cpu + server_cpu) / (audit_s * threads), threads);
  // Robust on a busy machine: CPU time per page does not depend on how much of the cores we got.
  std::printf("CPU per page:           gumbo %.2f ms, crawl + audit %.2f ms (%.2f with the server): ratio %.2f\n",
              1e3 * gumbo_cpu / static_cast<double>(paths.size()), 1e3 * audit_cpu / static_cast<double>(result.pages.size()),
              1e3 * (audit_cpu + server_cpu) / static_cast<double>(result.pages.size()),
              (gumbo_cpu / static_cast<double>(paths.size())) / (audit_cpu / static_cast<double>(result.pages.size())));
  if (json)
    std::printf("report JSON:            %.1f MB, written in %.2f s (one thread, after the crawl)\n",
                static_cast<double>(json_bytes) / 1e6, write_s);
  const double audit_rate = static_cast<double>(result.pages.size()) / audit_s;
  const double n = static_cast<double>(paths.size());
  std::printf("gumbo with our arena:   %.2f s, %.0f pages/s (%.2f of the plain parse's time), CPU %.2f ms/page\n",
              gumbo_arena_s, n / gumbo_arena_s, gumbo_arena_s / gumbo_s, 1e3 * gumbo_arena_cpu / n);
  std::printf("throughput ratio:       %.2f of Gumbo alone (%.2f of Gumbo alone with our arena)\n",
              audit_rate / (n / gumbo_s), audit_rate / (n / gumbo_arena_s));
  std::printf("peak RSS:               %.1f MB (%.1f MB before the crawl)\n", static_cast<double>(PeakRssKb()) / 1024,
              static_cast<double>(rss_before) / 1024);
  return 0;
}
