// AuditSite: the crawler with the audit as its sink.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include "core/text.h"
#include "core/url.h"
#include "pipeline/audit.h"
#include "pipeline/checkout_walk.h"
#include "rules/scoring.h"

namespace mmaudit::pipeline {

void ApplyPageTypeOverrides(const AuditOptions& options, facts::PageFacts* f) {
  if (options.page_type_overrides.empty()) return;
  const auto parts = url::Parse(f->http.final_url);
  if (!parts) return;
  const std::string path_query = parts->path + (parts->query.empty() ? "" : "?" + parts->query);
  for (const auto& [pattern, type] : options.page_type_overrides)
    if (text::GlobMatch(pattern, path_query)) {
      f->page_type = type;
      f->page_type_source = "override";
      f->page_type_confidence = 1;
      f->page_type_evidence = {"--page-type " + pattern + "=" + type};
      return;
    }
}

namespace {

// Keeps what the report and the site rules need of a page's facts and drops the bulky lists
// (every link of the page), so memory does not grow with page size over a long crawl.
void Compact(facts::PageFacts* f) {
  auto& links = f->links.links;
  links.erase(std::remove_if(links.begin(), links.end(),
                             [](const facts::Link& l) {
                               return l.kind != facts::LinkKind::kTel && l.kind != facts::LinkKind::kMailto &&
                                      l.kind != facts::LinkKind::kMaps;
                             }),
              links.end());
  links.shrink_to_fit();
  f->styles.inline_css.clear();
  f->styles.inline_css.shrink_to_fit();
}

class AuditSink final : public fetch::CrawlSink {
 public:
  AuditSink(const AuditOptions& options, report::JsonStore* store, fetch::ResourceLoader* loader)
      : options_(options), extract_(ExtractOptionsFor(options)), store_(store), loader_(loader) {}

  fetch::SinkResult OnResponse(const fetch::Response& response, const fetch::CrawlEntry&) override {
    fetch::SinkResult out;
    report::PageResult page;
    page.facts = facts::ExtractPage(response, extract_);
    ApplyPageTypeOverrides(options_, &page.facts);
    out.page_type = page.facts.page_type;
    for (const facts::Link& l : page.facts.links.links)
      if (l.kind == facts::LinkKind::kInternal || l.kind == facts::LinkKind::kExternal) out.links.push_back(l.href);
    page.audited = page.facts.parsed;
    bool keep = true;
    if (page.audited && options_.sample_per_type > 0) {
      std::lock_guard<std::mutex> lock(mu_);
      if (++per_type_[page.facts.page_type] > options_.sample_per_type) {
        ++sampled_out_;
        keep = false;
      }
    }
    if (!keep) return out;
    MeasurePageLoad(&page.facts, options_, loader_);
    EvaluatePage(&page, options_);
    Compact(&page.facts);
    if (store_ != nullptr && store_->ok()) report::StoreAndSlim(&page, store_);
    std::lock_guard<std::mutex> lock(mu_);
    pages_.push_back(std::move(page));
    return out;
  }

  std::vector<report::PageResult> TakePages() {
    std::lock_guard<std::mutex> lock(mu_);
    std::sort(pages_.begin(), pages_.end(), [](const auto& a, const auto& b) {
      return a.facts.http.final_url < b.facts.http.final_url;
    });
    return std::move(pages_);
  }
  std::size_t sampled_out() const { return sampled_out_; }

 private:
  const AuditOptions& options_;
  const facts::ExtractOptions extract_;
  report::JsonStore* store_;
  fetch::ResourceLoader* loader_;  // null when load is not measured
  std::mutex mu_;
  std::vector<report::PageResult> pages_;
  std::map<std::string, std::size_t> per_type_;
  std::size_t sampled_out_ = 0;
};

}  // namespace

void WalkFromBestProduct(const AuditOptions& options, Progress& progress, report::AuditResult* result) {
  const report::PageResult* best = nullptr;
  for (const report::PageResult& p : result->pages)
    if (p.facts.page_type == "product" && p.facts.error_code.empty() &&
        (best == nullptr || p.facts.page_type_confidence > best->facts.page_type_confidence))
      best = &p;
  if (best == nullptr) {
    facts::CheckoutFlow none;
    none.mode = options.checkout;
    none.result = "not_found";
    none.stop_reason = "the crawl found no product page to start the checkout from";
    result->checkout = std::move(none);
    result->checkout_findings = rules::EvaluateCheckoutRules(options.catalogue, *result->checkout);
    return;
  }
  WalkOptions w;
  w.mode = options.checkout;
  w.fetch = options.fetch;
  w.buyer = options.buyer;
  w.ignore_robots = options.crawl.ignore_robots || options.checkout_ignore_robots;
  w.robots_token = options.crawl.robots_token;
  if (result->crawl) w.cookies = result->crawl->crawl.cookies;  // the walk goes on as the crawl's visitor
  const std::string& start = best->facts.http.final_url.empty() ? best->facts.http.requested_url : best->facts.http.final_url;
  progress.Log(LogLevel::kInfo, "checkout " + options.checkout + " from " + start);
  result->checkout = WalkCheckout(start, w);
  result->checkout_findings = rules::EvaluateCheckoutRules(options.catalogue, *result->checkout);
  if (result->checkout->result != "reached_review")
    progress.Log(LogLevel::kWarning, "checkout " + options.checkout + " stopped: " + result->checkout->stop_reason);
}

report::AuditResult CrawlAndAudit(const std::vector<std::string>& seeds, const AuditOptions& options,
                                  Progress& progress) {
  report::AuditResult result = NewResult(options, "live");
  fetch::CrawlOptions crawl = options.crawl;
  crawl.fetch = options.fetch;
  if (options.store_pages) {
    result.store = std::make_shared<report::JsonStore>();
    if (!result.store->ok()) {
      progress.Log(LogLevel::kWarning, "no temporary file for page data; every page stays in memory");
      result.store.reset();
    }
  }
  const std::unique_ptr<fetch::ResourceLoader> loader = NewResourceLoader(options);
  AuditSink sink(options, result.store.get(), loader.get());
  report::SiteSection site;
  site.start_urls = seeds;
  site.settings = crawl;
  site.sample_per_type = options.sample_per_type;
  site.crawl = fetch::Crawl(seeds, crawl, sink, progress);
  site.sampled_out = sink.sampled_out();
  std::sort(site.crawl.entries.begin(), site.crawl.entries.end(),
            [](const auto& a, const auto& b) { return a.url < b.url; });
  result.pages = sink.TakePages();
  result.crawl = std::move(site);
  return result;
}

report::AuditResult AuditSite(const std::vector<std::string>& seeds, const AuditOptions& options,
                              Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  report::AuditResult result = CrawlAndAudit(seeds, options, progress);
  if (options.checkout == "walk" || options.checkout == "inspect") WalkFromBestProduct(options, progress, &result);
  Finish(&result, options, started);
  return result;
}

}  // namespace mmaudit::pipeline
