// Per-page throughput of the offline audit (`mmaudit audit --file`: parse, facts, rules, JSON)
// against Gumbo alone parsing the same bytes, on the same core, in the same run. The ratio
// audit/gumbo is the figure recorded in bench/README.md.
//
// Page sets: the demo shop (always), and the real product pages in ../shared/corpora/product-pages
// when that folder exists (skipped otherwise).
#include <benchmark/benchmark.h>
#include <gumbo.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bench/gunzip_file.h"
#include "core/progress.h"
#include "core/text.h"
#include "pipeline/audit.h"
#include "report/result.h"

namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::string>& DemoPages() {
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(MMAUDIT_SOURCE_DIR) / "fixtures/shops/demo/site"))
      if (e.path().extension() == ".html") out.push_back(ReadAll(e.path()));
    return out;
  }();
  return pages;
}

const std::vector<std::string>& CorpusPages() {
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> out;
    const fs::path dir = fs::path(MMAUDIT_SOURCE_DIR).parent_path() / "shared/corpora/product-pages/html";
    if (!fs::is_directory(dir)) return out;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    // Gumbo needs UTF-8; the pipeline sanitises before parsing, so the baseline parses the same bytes.
    for (const auto& f : files) out.push_back(mmaudit::text::SanitizeUtf8(mmaudit::bench::GunzipFile(f.string())));
    return out;
  }();
  return pages;
}

const std::vector<std::string>& Pages(int set) { return set == 0 ? DemoPages() : CorpusPages(); }

void GumboOnly(benchmark::State& state) {
  const auto& pages = Pages(static_cast<int>(state.range(0)));
  if (pages.empty()) {
    state.SkipWithError("../shared/corpora/product-pages is absent");
    return;
  }
  std::size_t bytes = 0, count = 0;
  for (auto _ : state) {
    for (const std::string& p : pages) {
      GumboOutput* out = gumbo_parse_with_options(&kGumboDefaultOptions, p.data(), p.size());
      benchmark::DoNotOptimize(out);
      gumbo_destroy_output(&kGumboDefaultOptions, out);
      bytes += p.size();
      ++count;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(count));
}

void AuditFile(benchmark::State& state) {
  const auto& pages = Pages(static_cast<int>(state.range(0)));
  if (pages.empty()) {
    state.SkipWithError("../shared/corpora/product-pages is absent");
    return;
  }
  mmaudit::pipeline::AuditOptions options;
  options.device = *mmaudit::fetch::FindDevice("moto-g-power");
  options.catalogue = mmaudit::rules::DefaultCatalogue();
  mmaudit::NullProgress progress;
  std::size_t bytes = 0, count = 0;
  for (auto _ : state) {
    for (const std::string& p : pages) {
      auto result = mmaudit::pipeline::AuditFile(p, "https://shop.example/p/1", options, progress);
      std::string json = mmaudit::report::ToJson(result);
      benchmark::DoNotOptimize(json);
      bytes += p.size();
      ++count;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(count));
}

// range(0): 0 = demo shop pages, 1 = shared product-page corpus.
BENCHMARK(GumboOnly)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(AuditFile)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
