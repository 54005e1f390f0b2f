// The mobile layout checks (issue 6): legible font sizes, tap-target sizes, content wider than the
// screen, sideways scrolling and intrusive interstitials. Each reads PageFacts::mobile
// (facts/mobile_layout.h); thresholds come from the rule's options.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rules/checks.h"

namespace mmaudit::rules {
namespace {

using facts::PageFacts;

std::string Num(double v) {
  if (std::abs(v - std::round(v)) < 1e-9) return std::to_string(static_cast<long long>(std::llround(v)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Count(std::size_t n) { return std::to_string(n); }

CheckResult NotApplicable(std::string why) {
  CheckResult r;
  r.applicable = false;
  r.not_applicable_reason = std::move(why);
  return r;
}

// " (inline CSS only: ...)" when linked stylesheets were not read, for display values.
std::string CssCaveat(const PageFacts& p) {
  if (p.mobile.linked_css_note.empty()) return {};
  return " (" + p.mobile.css_read + " CSS only: " + p.mobile.linked_css_note + ")";
}

std::optional<CheckResult> NotRead(const PageFacts& p) {
  if (!p.mobile.read) return NotApplicable("the page's layout was not read");
  return std::nullopt;
}

// Lighthouse's font-size and tap-targets audits apply only to pages laid out for a phone.
std::optional<CheckResult> NoMobileViewport(const PageFacts& p) {
  if (!p.viewport.present) return NotApplicable("no mobile viewport: the page is shown as a zoomed-out desktop page");
  return std::nullopt;
}

std::string Quote(const std::string& s) { return s.empty() ? std::string() : " \"" + s + "\""; }

// Passes when at least min_legible_share of the visible text is set at min_font_px or more.
CheckResult LegibleFontSize(const PageFacts& p, const Options& o) {
  if (auto na = NotRead(p)) return *na;
  if (auto na = NoMobileViewport(p)) return *na;
  const auto& m = p.mobile;
  if (m.text_chars == 0) return NotApplicable("no visible text");
  const double min_px = o.Number("min_font_px", 12);
  const double min_share = o.Number("min_legible_share", 0.6);
  std::vector<const facts::FontSizeRun*> small;
  std::size_t small_chars = 0;
  for (const auto& run : m.font_sizes)
    if (run.px < min_px) {
      small.push_back(&run);
      small_chars += run.chars;
    }
  const double share = 1.0 - static_cast<double>(std::min(small_chars, m.text_chars)) / static_cast<double>(m.text_chars);
  CheckResult r;
  r.value = std::round(share * 1000) / 1000;
  r.unit = "share";
  r.passed = share >= min_share;
  r.display_value = Num(std::round(share * 1000) / 10) + "% of the text is at least " + Num(min_px) + " px" + CssCaveat(p);
  std::stable_sort(small.begin(), small.end(), [](const auto* a, const auto* b) { return a->chars > b->chars; });
  for (std::size_t i = 0; i < small.size() && i < 10; ++i)
    r.details.push_back(Num(small[i]->px) + " px: " + Count(small[i]->chars) + " characters, e.g. " + small[i]->element +
                        ", set by " + small[i]->source);
  return r;
}

// Fails when a tap target's declared width or height is under min_size_px; warns under
// recommended_size_px.
CheckResult TapTargetSize(const PageFacts& p, const Options& o) {
  if (auto na = NotRead(p)) return *na;
  if (auto na = NoMobileViewport(p)) return *na;
  const auto& m = p.mobile;
  if (m.tap_targets == 0) return NotApplicable("no visible links, buttons or form controls");
  const double min_px = o.Number("min_size_px", 24);
  const double recommended = o.Number("recommended_size_px", 48);
  std::size_t too_small = 0, below_recommended = 0;
  CheckResult r;
  std::vector<std::string> warnings;
  for (const auto& t : m.sized_tap_targets) {
    double smallest = 1e9;
    std::string size;
    if (t.width_px) smallest = std::min(smallest, *t.width_px);
    if (t.height_px) smallest = std::min(smallest, *t.height_px);
    size = (t.width_px ? Num(*t.width_px) : std::string("?")) + " x " + (t.height_px ? Num(*t.height_px) : std::string("?")) + " px";
    const std::string line = t.element + Quote(t.label) + ": " + size;
    if (smallest < min_px) {
      ++too_small;
      if (r.details.size() < 10) r.details.push_back(line + " (under " + Num(min_px) + " px)");
    } else if (smallest < recommended) {
      ++below_recommended;
      if (warnings.size() < 10) warnings.push_back(line + " (under " + Num(recommended) + " px)");
    }
  }
  r.passed = too_small == 0;
  r.warn = r.passed && below_recommended > 0;
  if (too_small > 0) {
    r.display_value = Count(too_small) + " of " + Count(m.tap_targets) + " tap targets are declared smaller than " +
                      Num(min_px) + " px";
  } else if (below_recommended > 0) {
    r.display_value = Count(below_recommended) + " of " + Count(m.tap_targets) + " tap targets are declared smaller than " +
                      Num(recommended) + " px";
    r.details = warnings;
  } else {
    r.display_value = "no tap target is declared smaller than " + Num(recommended) + " px (" +
                      Count(m.sized_tap_targets.size()) + " of " + Count(m.tap_targets) + " have a declared size)";
  }
  r.display_value += CssCaveat(p);
  r.value = static_cast<double>(too_small);
  r.unit = "targets";
  return r;
}

// Fails when the viewport meta fixes a numeric width or an element has a fixed width wider than
// max_width_px.
CheckResult ContentWidth(const PageFacts& p, const Options& o) {
  if (auto na = NotRead(p)) return *na;
  if (auto na = NoMobileViewport(p)) return *na;
  const double max_px = o.Number("max_width_px", 412);
  CheckResult r;
  if (p.viewport.width && *p.viewport.width != "device-width")
    r.details.push_back("viewport meta: width=" + *p.viewport.width + " (a fixed layout width instead of device-width)");
  std::size_t wide = 0;
  for (const auto& e : p.mobile.wide_elements) {
    if (e.px <= max_px) continue;
    ++wide;
    if (r.details.size() < 10) r.details.push_back(e.element + ": " + Num(e.px) + " px wide, " + e.detail);
  }
  r.passed = r.details.empty();
  r.display_value = r.passed ? "no fixed width wider than " + Num(max_px) + " px"
                             : Count(wide) + " elements wider than " + Num(max_px) + " px" +
                                   (p.viewport.width && *p.viewport.width != "device-width" ? ", fixed viewport width" : "");
  r.display_value += CssCaveat(p);
  return r;
}

// Fails on the causes of sideways scrolling the facts list: 100vw plus horizontal margin or
// padding, overflow-x: scroll on html/body, and white-space: nowrap text wider than max_width_px.
CheckResult HorizontalScroll(const PageFacts& p, const Options& o) {
  if (auto na = NotRead(p)) return *na;
  if (auto na = NoMobileViewport(p)) return *na;
  const double max_px = o.Number("max_width_px", 412);
  CheckResult r;
  for (const auto& e : p.mobile.scroll_risks) {
    if (e.detail.rfind("white-space", 0) == 0 && e.px <= max_px) continue;
    if (r.details.size() < 10) r.details.push_back(e.element + ": " + e.detail);
  }
  r.passed = r.details.empty();
  r.display_value = (r.passed ? std::string("nothing found that scrolls the page sideways")
                              : Count(r.details.size()) + " causes of sideways scrolling") +
                    CssCaveat(p);
  return r;
}

// Fails on an overlay visible on load that covers at least min_cover_share of the screen and is
// not an exempt notice (the option list exempt_cues), or an app-install overlay (cue
// app_install_cue, or a link to an app store) covering at least app_install_min_cover_share.
CheckResult IntrusiveInterstitial(const PageFacts& p, const Options& o) {
  if (auto na = NotRead(p)) return *na;
  const double min_share = o.Number("min_cover_share", 0.5);
  const double app_share = o.Number("app_install_min_cover_share", 0.25);
  const std::string app_cue = o.String("app_install_cue", "app_install");
  std::vector<std::string> exempt;
  if (auto it = o.lists.find("exempt_cues"); it != o.lists.end()) exempt = it->second;
  CheckResult r;
  std::size_t exempted = 0;
  for (const auto& ov : p.mobile.overlays) {
    const bool app = ov.app_store_link || std::find(ov.cues.begin(), ov.cues.end(), app_cue) != ov.cues.end();
    const std::string cover = Num(std::round(ov.cover_share * 100)) + "% of the screen";
    const std::string excerpt = ov.text.empty() ? "" : ": \"" + ov.text.substr(0, std::min<std::size_t>(ov.text.size(), 80)) + "\"";
    if (app && ov.cover_share >= app_share) {
      r.details.push_back(ov.element + " (" + ov.position + ", app-install prompt) covers " + cover + excerpt);
      continue;
    }
    if (ov.cover_share < min_share) continue;
    std::string notice;
    for (const auto& c : ov.cues)
      if (std::find(exempt.begin(), exempt.end(), c) != exempt.end()) notice = c;
    if (!notice.empty()) {
      ++exempted;
      continue;
    }
    r.details.push_back(ov.element + " (" + ov.position + ") covers " + cover + excerpt);
  }
  if (r.details.size() > 10) r.details.resize(10);
  r.passed = r.details.empty();
  r.display_value = r.passed ? "no overlay covers the content on load" +
                                   (exempted ? " (" + Count(exempted) + " cookie, age or legal notices allowed)" : std::string())
                             : Count(r.details.size()) + " overlays cover the content on load";
  r.display_value += CssCaveat(p);
  return r;
}

}  // namespace

const std::vector<CheckInfo>& MobileChecks() {
  static const std::vector<CheckInfo> checks = {
      {"legible-font-size", LegibleFontSize, "mobile.font_sizes, viewport"},
      {"tap-target-size", TapTargetSize, "mobile.sized_tap_targets, viewport"},
      {"content-width", ContentWidth, "mobile.wide_elements, viewport"},
      {"horizontal-scroll", HorizontalScroll, "mobile.scroll_risks, viewport"},
      {"intrusive-interstitial", IntrusiveInterstitial, "mobile.overlays"},
  };
  return checks;
}

}  // namespace mmaudit::rules
