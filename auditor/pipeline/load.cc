#include "pipeline/load.h"

#include <chrono>
#include <set>
#include <unordered_map>

#include "core/text.h"
#include "core/url.h"
#include "facts/css_refs.h"
#include "facts/image_header.h"
#include "facts/mobile_layout.h"
#include "facts/subresources.h"
#include "perf/lantern.h"
#include "perf/opportunities.h"
#include "perf/throttling.h"
#include "perf/weight.h"

namespace mmaudit::pipeline {
namespace {

// The refs a fetched stylesheet adds: its @imports (render-blocking when the sheet is and their
// media can match the device), its url() images and its web fonts. `seen` holds every URL the page
// already asks for, so a resource named twice is counted once. `sheet` is a copy: `out` may be the
// vector it lives in.
void AddStylesheetRefs(facts::ResourceRef sheet, const std::string& css, const std::string& base,
                       const facts::Viewport& vp, std::set<std::string>* seen, std::vector<facts::ResourceRef>* out,
                       std::string* font_declarations) {
  const facts::CssRefs refs = facts::ParseCssRefs(css, base);
  *font_declarations += refs.font_declarations;
  auto add = [&](facts::ResourceRef r) {
    if (!seen->insert(r.url).second) return;
    r.initiator = sheet.url;
    r.order = out->size();
    r.in_head = sheet.in_head;
    out->push_back(std::move(r));
  };
  for (const facts::CssImport& imp : refs.imports) {
    facts::ResourceRef r;
    r.url = imp.url;
    r.type = facts::ResourceType::kStylesheet;
    r.via = "css-import";
    r.render_blocking = sheet.render_blocking && facts::MediaMatches(imp.media, vp);
    add(std::move(r));
  }
  for (const facts::CssFontFace& font : refs.font_faces) {
    if (font.url.empty()) continue;
    facts::ResourceRef r;
    r.url = font.url;
    r.type = facts::ResourceType::kFont;
    r.via = "font-face";
    r.font_display = font.font_display;
    r.font_family = text::AsciiLower(font.family);
    add(std::move(r));
  }
  for (const facts::CssUrl& u : refs.urls) {
    bool matches = true;
    for (const std::string& m : u.media) matches = matches && facts::MediaMatches(m, vp);
    if (!matches) continue;
    facts::ResourceRef r;
    r.url = u.url;
    r.type = facts::ResourceType::kImage;
    r.via = "css-url";
    r.css_selector = u.selector;
    add(std::move(r));
  }
}

// Chrome fetches a CSS image only when an element uses its rule, and a web font only when some
// text is set in its family (a preload fetches it anyway). Refs that fail those tests are dropped
// with their measurements: they were fetched to be read, but a browser would not load them.
void DropUnused(const std::vector<std::string>& hooks, const std::string& font_declarations,
                std::vector<facts::ResourceRef>* refs, std::vector<std::shared_ptr<const fetch::LoadedResource>>* loaded) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < refs->size(); ++i) {
    const facts::ResourceRef& r = (*refs)[i];
    const bool unused_image = r.via == "css-url" && !r.css_selector.empty() && !facts::SelectorMayMatch(r.css_selector, hooks);
    const bool unused_font = r.via == "font-face" && !r.font_family.empty() &&
                             font_declarations.find(r.font_family) == std::string::npos;
    if (unused_image || unused_font) continue;
    if (kept != i) {
      (*refs)[kept] = std::move((*refs)[i]);
      (*loaded)[kept] = std::move((*loaded)[i]);
    }
    ++kept;
  }
  refs->resize(kept);
  loaded->resize(kept);
}

}  // namespace

std::string NotMeasurableReason(const facts::PageFacts& page) {
  if (!page.parsed) return "the page was not audited";
  if (page.http.from_file) return "a saved page audited offline: its resources are not fetched";
  return {};
}

void MeasureLoad(facts::PageFacts* page, fetch::ResourceLoader& loader, const LoadOptions& options) {
  facts::PagePerformance& perf = page->performance;
  perf = facts::PagePerformance{};
  perf.fixed_server_ms = options.server_time_ms;
  perf.not_measured_reason = NotMeasurableReason(*page);
  if (!perf.not_measured_reason.empty()) return;
  std::vector<facts::ResourceRef> refs = std::move(page->subresources);
  page->subresources.clear();
  if (refs.size() > options.max_resources) {
    page->notes.push_back({"too-many-resources", "the page names " + std::to_string(refs.size()) +
                                                     " resources; only the first " +
                                                     std::to_string(options.max_resources) + " were weighed"});
    refs.resize(options.max_resources);
  }
  facts::Viewport vp;
  vp.width = options.device.viewport_width;
  vp.height = options.device.viewport_height;
  vp.dpr = options.device.dpr;
  std::set<std::string> seen;
  bool has_icon = false;
  for (const auto& r : refs) {
    seen.insert(r.url);
    has_icon = has_icon || r.via == "icon";
  }
  // A page that declares no icon makes Chrome ask for /favicon.ico, and Lighthouse weighs that
  // request (usually a small 404) like any other.
  if (!has_icon) {
    const std::string& page_url = page->http.final_url.empty() ? page->http.requested_url : page->http.final_url;
    if (auto favicon = url::Resolve(page_url, "/favicon.ico"); favicon && seen.insert(*favicon).second) {
      facts::ResourceRef r;
      r.url = *favicon;
      r.type = facts::ResourceType::kOther;
      r.via = "favicon";
      r.order = refs.size();
      refs.push_back(std::move(r));
    }
  }

  // Fetch in rounds: the page's own refs, then what its stylesheets name, then what imported
  // stylesheets name, up to max_import_depth.
  std::string font_declarations = facts::ParseCssRefs(page->styles.inline_css, page->http.final_url).font_declarations;
  std::vector<std::shared_ptr<const fetch::LoadedResource>> loaded;
  std::size_t round_start = 0;
  // Rounds after the first start only while the page's load budget lasts (the loader bounds each
  // round on its own: fetch::ResourceLoaderOptions::call_budget_ms).
  const auto started = std::chrono::steady_clock::now();
  auto budget_left = [&] {
    return std::chrono::steady_clock::now() - started < std::chrono::milliseconds(options.budget_ms);
  };
  for (int depth = 0; round_start < refs.size() && depth <= options.max_import_depth && (depth == 0 || budget_left());
       ++depth) {
    std::vector<std::string> urls;
    for (std::size_t i = round_start; i < refs.size(); ++i) urls.push_back(refs[i].url);
    auto got = loader.LoadAll(urls);
    loaded.insert(loaded.end(), got.begin(), got.end());
    const std::size_t round_end = refs.size();
    for (std::size_t i = round_start; i < round_end; ++i) {
      const auto& l = loaded[i];
      if (refs[i].type != facts::ResourceType::kStylesheet || !l || !l->response.ok() || l->response.body.empty()) continue;
      if (refs.size() >= options.max_resources) break;
      const std::string& base = l->response.final_url.empty() ? refs[i].url : l->response.final_url;
      AddStylesheetRefs(refs[i], l->response.body, base, vp, &seen, &refs, &font_declarations);
    }
    round_start = round_end;
  }
  loaded.resize(refs.size());  // refs past the last round (too deep) are records without a fetch
  // The layout on a phone again, now with the linked stylesheets that were fetched.
  {
    std::unordered_map<std::string, const std::string*> sheets;
    for (std::size_t i = 0; i < refs.size(); ++i)
      if (refs[i].type == facts::ResourceType::kStylesheet && loaded[i] && loaded[i]->response.ok() &&
          loaded[i]->response.status < 400)
        sheets.emplace(refs[i].url, &loaded[i]->response.body);
    page->mobile = facts::ReadMobileLayout(page->mobile_dom, vp, [&](const std::string& u) -> const std::string* {
      auto it = sheets.find(u);
      return it == sheets.end() ? nullptr : it->second;
    });
  }
  DropUnused(page->selector_hooks, font_declarations, &refs, &loaded);

  const std::string party = perf::PartyKey(page->http.final_url.empty() ? page->http.requested_url : page->http.final_url);
  std::vector<facts::ResourceRecord> records;
  records.reserve(refs.size() + 1);
  records.push_back(perf::DocumentRecord(page->http));
  for (std::size_t i = 0; i < refs.size(); ++i) {
    facts::ResourceRecord rec = perf::RecordFor(refs[i], loaded[i].get(), party);
    if (rec.type == facts::ResourceType::kImage) {
      int w = 0, h = 0;
      if (loaded[i] && !loaded[i]->response.body.empty())
        if (auto info = facts::ReadImageHeader(loaded[i]->response.body)) {
          rec.image_format = info->format;
          w = info->width;
          h = info->height;
        }
      perf::SetImageSize(&rec, w, h, options.device.dpr);
    }
    records.push_back(std::move(rec));
  }

  const perf::Throttling t = perf::ThrottlingFor(options.device.mobile ? "mobile" : "desktop");
  perf.weight = perf::Summarize(records);
  perf::PageShape shape;
  shape.element_count = page->meta.element_count;
  shape.inline_script_bytes = page->scripts.inline_bytes;
  for (const auto& s : page->styles.stylesheets) shape.inline_style_bytes += s.inline_bytes;
  shape.server_response_ms = options.server_time_ms;
  perf::Simulate(records, shape, t, &perf);

  perf::OpportunityInputs in;
  in.rtt_ms = t.rtt_ms;
  in.throughput_kbps = t.throughput_kbps;
  in.dpr = options.device.dpr;
  in.viewport_height = options.device.viewport_height;
  in.redirects = page->http.redirects;
  if (const std::size_t lcp = perf::LcpCandidate(records); lcp != perf::kNoNode) in.lcp_index = lcp;
  perf.opportunities = perf::FindOpportunities(records, in);
  if (options.budgets != nullptr)
    perf.budget = perf::CheckBudgets(*options.budgets, page->http.final_url, perf.weight, records, perf);
  perf.resources = std::move(records);
  perf.measured = true;
}

}  // namespace mmaudit::pipeline
