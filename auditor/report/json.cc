#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <cmath>
#include <map>

#include "core/text.h"
#include "report/result.h"

namespace mmaudit::report {
namespace {

// What the report writes instead of a secret (settings.credentials).
constexpr const char* kRedacted = "[redacted]";

// A rapidjson output stream into a FILE through a buffer, which also takes whole byte ranges at
// once (FileWriteStream takes them a byte at a time).
class FileOut {
 public:
  typedef char Ch;
  explicit FileOut(std::FILE* f) : f_(f) {}
  void Put(char c) {
    if (used_ == sizeof buffer_) Flush();
    buffer_[used_++] = c;
  }
  void Write(std::string_view bytes) {
    if (bytes.size() > sizeof buffer_ - used_) {
      Flush();
      if (bytes.size() >= sizeof buffer_) {
        std::fwrite(bytes.data(), 1, bytes.size(), f_);
        return;
      }
    }
    std::memcpy(buffer_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  void Flush() {
    if (used_ > 0) std::fwrite(buffer_, 1, used_, f_);
    used_ = 0;
  }

 private:
  std::FILE* f_;
  std::size_t used_ = 0;
  char buffer_[1 << 16];
};

// Writes through either Writer or PrettyWriter with one set of helpers. With `raw`, the stream
// `w` writes to, complete JSON values (RawObject) are copied to it in one piece.
template <typename W>
class Out {
 public:
  explicit Out(W& w, FileOut* raw = nullptr) : w_(w), raw_(raw) {}
  void Key(const char* k) { w_.Key(k); }
  // Every string of the report is valid UTF-8, whatever a page or server sent: a text cut inside a
  // character, or bytes that never went through the charset decoder (a header, a label), are written
  // with U+FFFD for each ill-formed sequence rather than as bytes a JSON reader would refuse.
  void Str(const std::string& s) {
    if (text::IsValidUtf8(s)) {
      w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      return;
    }
    const std::string clean = text::SanitizeUtf8(s);
    w_.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
  }
  void Str(const char* k, const std::string& s) { Key(k); Str(s); }
  void Bool(const char* k, bool b) { Key(k); w_.Bool(b); }
  void Num(double v) {
    if (!std::isfinite(v)) {
      w_.Null();
    } else if (std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 9e15) {
      w_.Int64(static_cast<int64_t>(std::llround(v)));
    } else {
      w_.Double(std::round(v * 1000) / 1000);  // 3 decimals keep output stable and small
    }
  }
  void Num(const char* k, double v) { Key(k); Num(v); }
  void UInt(const char* k, unsigned long long v) { Key(k); w_.Uint64(v); }
  void Opt(const char* k, const std::optional<double>& v) {
    Key(k);
    if (v) Num(*v); else w_.Null();
  }
  void Opt(const char* k, const std::optional<long>& v) {
    Key(k);
    if (v) w_.Int64(*v); else w_.Null();
  }
  void Opt(const char* k, const std::optional<int>& v) {
    Key(k);
    if (v) w_.Int(*v); else w_.Null();
  }
  void Opt(const char* k, const std::optional<std::string>& v) {
    Key(k);
    if (v) Str(*v); else w_.Null();
  }
  void Null(const char* k) { Key(k); w_.Null(); }
  // Inserts `json`, a complete JSON object, as it is.
  void RawObject(const std::string& json) {
    if (raw_ == nullptr) {
      w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
      return;
    }
    w_.RawValue("", 0, rapidjson::kObjectType);  // what comes before a value: comma, new line, indent
    raw_->Write(json);
  }
  void StrList(const char* k, const std::vector<std::string>& list) {
    Key(k);
    w_.StartArray();
    for (const auto& s : list) Str(s);
    w_.EndArray();
  }
  void Begin(const char* k = nullptr) {
    if (k) Key(k);
    w_.StartObject();
  }
  void End() { w_.EndObject(); }
  void BeginArray(const char* k = nullptr) {
    if (k) Key(k);
    w_.StartArray();
  }
  void EndArray() { w_.EndArray(); }

 private:
  W& w_;
  FileOut* raw_;
};

template <typename W>
void WriteScores(Out<W>& o, const char* key, const rules::Scores& s) {
  o.Begin(key);
  o.Opt("overall", s.overall);
  o.Begin("moments");
  for (const std::string& m : rules::Moments()) {
    auto it = s.moments.find(m);
    o.Opt(m.c_str(), it == s.moments.end() ? std::nullopt : it->second);
  }
  o.End();
  o.End();
}

template <typename W>
void WriteTrace(Out<W>& o, const rules::ScoreTrace& t) {
  o.Begin();
  o.Str("id", t.id);
  o.Opt("score", t.score);
  o.BeginArray("parts");
  for (const rules::TracePart& p : t.parts) {
    o.Begin();
    o.Str("kind", p.kind);
    if (!p.id.empty()) o.Str("id", p.id);
    o.Num("score", std::round(p.score * 100) / 100);
    o.Num("weight", p.weight);
    if (p.kind == "pages") o.UInt("pages", p.pages);
    o.End();
  }
  o.EndArray();
  o.End();
}

template <typename W>
void WriteExplanation(Out<W>& o, const rules::Explanation& e) {
  o.Begin();
  o.Str("moment", e.moment);
  o.Opt("score", e.score);
  o.Str("band", e.band);
  o.Str("text", e.text);
  o.BeginArray("losses");
  for (const rules::Loss& l : e.losses) {
    o.Begin();
    o.Str("rule_id", l.rule_id);
    o.Str("kind", l.kind);
    o.Num("points", l.points);
    if (l.kind == "page") {
      o.UInt("pages_below", l.pages_below);
      o.UInt("pages_applicable", l.pages_applicable);
    } else {
      o.Str("display_value", l.display_value);
    }
    o.End();
  }
  o.EndArray();
  o.StrList("strengths", e.strengths);
  o.End();
}

template <typename W>
void WriteSd(Out<W>& o, const facts::SdItem& item, int depth) {
  o.Begin();
  o.StrList("types", item.types);
  if (!item.id.empty()) o.Str("id", item.id);
  o.Str("source", item.source);
  o.Begin("properties");
  for (const auto& [name, values] : item.properties) {
    o.BeginArray(name.c_str());
    for (const facts::SdValue& v : values) {
      if (v.item && depth < 12) {
        WriteSd(o, *v.item, depth + 1);
      } else if (v.item) {
        o.Str("[nested too deep]");
      } else {
        o.Str(v.text);  // numbers too, as written on the page, so nothing is lost to rounding
      }
    }
    o.EndArray();
  }
  o.End();
  o.End();
}

template <typename W>
void WriteFacts(Out<W>& o, const facts::PageFacts& f) {
  o.Begin("facts");
  const auto& h = f.http;
  o.Begin("http");
  o.Str("requested_url", h.requested_url);
  o.Str("final_url", h.final_url);
  o.BeginArray("redirects");
  for (const auto& r : h.redirects) {
    o.Begin();
    o.Str("url", r.url);
    o.Num("status", r.status);
    o.Str("location", r.location);
    o.End();
  }
  o.EndArray();
  o.Num("status", h.status);
  o.Str("http_version", h.http_version);
  o.Str("content_type", h.content_type);
  o.Str("content_encoding", h.content_encoding);
  o.Str("x_robots_tag", h.x_robots_tag);
  o.Str("cache_control", h.cache_control);
  o.UInt("transfer_bytes", h.transfer_bytes);
  o.UInt("body_transfer_bytes", h.body_transfer_bytes);
  o.UInt("decoded_bytes", h.decoded_bytes);
  o.UInt("gzip_estimate_bytes", h.gzip_estimate_bytes);
  o.Num("ttfb_ms", h.ttfb_ms);
  o.Num("total_ms", h.total_ms);
  o.End();
  if (!f.parsed) {
    o.End();
    return;
  }
  const auto& m = f.meta;
  o.Begin("meta");
  o.Bool("has_doctype", m.has_doctype);
  o.Opt("title", m.has_title ? std::optional<std::string>(m.title) : std::nullopt);
  o.Opt("meta_description", m.has_meta_description ? std::optional<std::string>(m.meta_description) : std::nullopt);
  o.Str("canonical", m.canonical);
  o.Str("robots_meta", m.robots_meta);
  o.Str("lang", m.lang);
  o.Str("charset_declared", m.charset_declared);
  o.Str("charset_http", m.charset_http);
  o.Str("charset_used", m.charset_used);
  o.Str("charset_source", m.charset_source);
  o.Str("charset_mismatch", m.charset_mismatch);
  o.UInt("invalid_utf8_replaced", m.invalid_utf8_replaced);
  o.BeginArray("hreflang");
  for (const auto& x : m.hreflang) {
    o.Begin();
    o.Str("lang", x.lang);
    o.Str("href", x.href);
    o.End();
  }
  o.EndArray();
  o.Str("theme_color", m.theme_color);
  o.Str("manifest", m.manifest);
  o.UInt("element_count", m.element_count);
  o.UInt("max_depth", m.max_depth);
  o.End();

  const auto& v = f.viewport;
  o.Begin("viewport");
  o.Bool("present", v.present);
  o.Str("content", v.content);
  o.Opt("width", v.width);
  o.Opt("initial_scale", v.initial_scale);
  o.Opt("maximum_scale", v.maximum_scale);
  o.Bool("user_scalable_no", v.user_scalable_no);
  o.End();

  const auto& im = f.images;
  o.Begin("images");
  o.UInt("count", im.images.size());
  o.UInt("missing_alt", im.missing_alt);
  o.UInt("empty_alt", im.empty_alt);
  o.UInt("unsized", im.unsized);
  o.UInt("with_srcset", im.with_srcset);
  o.UInt("in_picture", im.in_picture);
  o.UInt("lazy", im.lazy);
  o.BeginArray("items");
  for (std::size_t i = 0; i < im.images.size() && i < 200; ++i) {
    const auto& x = im.images[i];
    o.Begin();
    o.Str("src", x.src);
    o.Opt("alt", x.alt);
    o.Opt("width", x.width);
    o.Opt("height", x.height);
    o.Bool("srcset", x.has_srcset);
    o.Bool("lazy", x.lazy);
    o.End();
  }
  o.EndArray();
  o.End();

  const auto& sc = f.scripts;
  o.Begin("scripts");
  o.UInt("external", sc.external);
  o.UInt("inline", sc.inline_count);
  o.UInt("inline_bytes", sc.inline_bytes);
  o.UInt("render_blocking", sc.render_blocking);
  o.BeginArray("items");
  for (const auto& s : sc.scripts) {
    o.Begin();
    o.Str("src", s.src);
    o.UInt("inline_bytes", s.inline_bytes);
    o.Bool("async", s.async);
    o.Bool("defer", s.defer);
    o.Bool("module", s.module);
    o.Bool("in_head", s.in_head);
    o.Bool("render_blocking", s.render_blocking);
    o.End();
  }
  o.EndArray();
  o.End();

  const auto& st = f.styles;
  o.Begin("stylesheets");
  o.UInt("external", st.external);
  o.UInt("inline", st.inline_count);
  o.UInt("render_blocking", st.render_blocking);
  o.BeginArray("items");
  for (const auto& s : st.stylesheets) {
    o.Begin();
    o.Str("href", s.href);
    o.Str("media", s.media);
    o.Bool("inline", s.is_inline);
    o.UInt("inline_bytes", s.inline_bytes);
    o.Bool("render_blocking", s.render_blocking);
    o.End();
  }
  o.EndArray();
  o.End();

  const auto& l = f.links;
  o.Begin("links");
  o.UInt("total", l.total);
  o.UInt("internal", l.internal);
  o.UInt("external", l.external);
  o.UInt("tel", l.tel);
  o.UInt("mailto", l.mailto);
  o.UInt("maps", l.maps);
  o.UInt("javascript", l.javascript);
  o.UInt("invalid", l.invalid);
  o.BeginArray("special");  // tel, mailto, maps links: the ones the "go" moment cares about
  for (const auto& x : l.links) {
    if (x.kind != facts::LinkKind::kTel && x.kind != facts::LinkKind::kMailto && x.kind != facts::LinkKind::kMaps) continue;
    o.Begin();
    o.Str("kind", facts::LinkKindName(x.kind));
    o.Str("href", x.href);
    o.Str("text", x.text);
    o.End();
  }
  o.EndArray();
  o.End();

  o.BeginArray("forms");
  for (const auto& form : f.forms.forms) {
    o.Begin();
    o.Str("action", form.action);
    o.Str("method", form.method);
    o.Str("id", form.id);
    o.UInt("visible_text_fields", form.visible_text_fields);
    o.UInt("other_elements", form.other_elements);
    o.UInt("required", form.required);
    o.UInt("hidden_text_fields", form.hidden_text_fields);
    o.BeginArray("controls");
    for (const auto& c : form.controls) {
      o.Begin();
      o.Str("tag", c.tag);
      o.Str("type", c.type);
      o.Str("name", c.name);
      o.Str("autocomplete", c.autocomplete);
      o.Str("inputmode", c.inputmode);
      o.Str("label", c.label);
      o.Bool("required", c.required);
      o.Bool("visible", c.visible);
      o.Bool("text_entry", c.text_entry);
      o.End();
    }
    o.EndArray();
    o.End();
  }
  o.EndArray();

  const auto& sd = f.structured_data;
  o.Begin("structured_data");
  o.UInt("json_ld_blocks", sd.json_ld_blocks);
  o.StrList("types", sd.TopLevelTypes());
  o.BeginArray("errors");
  for (const auto& e : sd.errors) {
    o.Begin();
    o.Str("source", e.source);
    o.Str("message", e.message);
    o.End();
  }
  o.EndArray();
  o.UInt("microdata_items", sd.microdata_items);
  o.BeginArray("issues");
  for (const auto& issue : sd.issues) {
    o.Begin();
    o.Str("severity", issue.severity);
    o.Str("type", issue.type);
    o.Str("property", issue.property);
    o.Str("where", issue.where);
    o.Str("message", issue.message);
    o.End();
  }
  o.EndArray();
  o.BeginArray("items");
  for (std::size_t i = 0; i < sd.items.size() && i < 50; ++i) WriteSd(o, *sd.items[i], 0);
  o.EndArray();
  o.End();

  const auto& fq = f.faq;
  o.Begin("faq");
  o.Bool("faq_page_markup", fq.faq_page_markup);
  o.Bool("has_faq_heading", fq.has_faq_heading);
  o.UInt("markup_questions", fq.markup.size());
  o.UInt("visible_questions", fq.visible.size());
  o.UInt("markup_visible", fq.markup_visible);
  o.BeginArray("questions");
  for (const auto* list : {&fq.markup, &fq.visible})
    for (const auto& q : *list) {
      o.Begin();
      o.Str("question", q.question);
      o.Str("answer", q.answer);
      o.Str("source", q.source);
      o.End();
    }
  o.EndArray();
  o.End();

  const auto& rv = f.reviews;
  o.Begin("reviews");
  o.Opt("rating_value", rv.rating_value);
  o.Opt("best_rating", rv.best_rating);
  o.Opt("rating_count", rv.rating_count);
  o.Opt("review_count", rv.review_count);
  o.UInt("markup_reviews", rv.markup_reviews);
  o.UInt("visible_blocks", rv.visible_blocks);
  o.Bool("has_review_heading", rv.has_review_heading);
  o.Bool("no_reviews_text", rv.no_reviews_text);
  o.Opt("visible_rating_value", rv.visible_rating_value);
  o.Opt("visible_rating_scale", rv.visible_rating_scale);
  o.End();

  const auto& c = f.commerce;
  o.Begin("commerce");
  o.Bool("product_markup", c.product_markup);
  o.Str("product_name", c.product_name);
  o.Opt("price", c.price);
  o.Str("currency", c.currency);
  o.Str("availability", c.availability);
  o.UInt("offers", c.offers);
  o.Bool("visible_price", c.visible_price);
  o.Opt("visible_price_value", c.visible_price_value);
  o.Bool("add_to_cart", c.add_to_cart);
  o.Str("add_to_cart_evidence", c.add_to_cart_evidence);
  o.Bool("buy_now_control", c.buy_now_control);
  o.UInt("description_chars", c.description_chars);
  o.Bool("specs_table", c.specs_table);
  o.Bool("shipping_info", c.shipping_info);
  o.Bool("returns_info", c.returns_info);
  o.StrList("payment_methods", c.payment_methods);
  o.End();

  const auto& lo = f.local;
  o.Begin("local");
  o.UInt("local_business_items", lo.local_business_items);
  o.UInt("with_address", lo.with_address);
  o.UInt("with_geo", lo.with_geo);
  o.UInt("with_hours", lo.with_hours);
  o.UInt("with_telephone", lo.with_telephone);
  o.StrList("unlinked_phones", lo.unlinked_phones);
  o.Bool("store_locator_cue", lo.store_locator_cue);
  o.Bool("pickup_cue", lo.pickup_cue);
  o.End();

  const auto& md = f.media;
  o.Begin("media");
  o.UInt("video_elements", md.video_elements);
  o.UInt("video_embeds", md.video_embeds);
  o.UInt("video_objects", md.video_objects);
  o.UInt("how_to_items", md.how_to_items);
  o.Bool("guide_cue", md.guide_cue);
  o.UInt("manual_links", md.manual_links);
  o.UInt("plugins", md.plugins);
  o.UInt("iframes", md.iframes);
  o.End();

  const auto& nv = f.navigation;
  o.Begin("navigation");
  o.Bool("breadcrumb_markup", nv.breadcrumb_markup);
  o.Bool("breadcrumb_visible", nv.breadcrumb_visible);
  o.Bool("search_action", nv.search_action);
  o.Bool("search_form", nv.search_form);
  o.End();

  const auto& en = f.engagement;
  auto signals = [&](const char* key, const std::vector<facts::EngagementSignal>& list) {
    o.BeginArray(key);
    for (const auto& s : list) {
      o.Begin();
      o.Str("name", s.name);
      o.Str("evidence", s.evidence);
      o.End();
    }
    o.EndArray();
  };
  o.Begin("engagement");
  signals("chat_widgets", en.chat_widgets);
  signals("messenger_links", en.messenger_links);
  o.StrList("chat_offers", en.chat_offers);
  o.Bool("newsletter_form", en.newsletter_form);
  o.Str("newsletter_evidence", en.newsletter_evidence);
  signals("push_services", en.push_services);
  o.StrList("push_offers", en.push_offers);
  signals("social_profiles", en.social_profiles);
  o.UInt("share_links", en.share_links);
  signals("app_banners", en.app_banners);
  signals("app_links", en.app_links);
  o.End();

  const auto& mb = f.mobile;
  o.Begin("mobile");
  o.Bool("read", mb.read);
  o.Str("css_read", mb.css_read);
  o.UInt("linked_stylesheets", mb.linked_stylesheets);
  o.UInt("linked_stylesheets_read", mb.linked_stylesheets_read);
  o.Str("linked_css_note", mb.linked_css_note);
  o.UInt("css_rules", mb.css_rules);
  o.UInt("elements", mb.elements);
  o.Bool("elements_truncated", mb.elements_truncated);
  o.Num("viewport_width", mb.viewport_width);
  o.Num("viewport_height", mb.viewport_height);
  o.UInt("text_chars", mb.text_chars);
  o.BeginArray("font_sizes");
  for (const auto& x : mb.font_sizes) {
    o.Begin();
    o.Num("px", x.px);
    o.UInt("chars", x.chars);
    o.Str("element", x.element);
    o.Str("source", x.source);
    o.End();
  }
  o.EndArray();
  o.UInt("tap_targets", mb.tap_targets);
  o.BeginArray("sized_tap_targets");
  for (const auto& x : mb.sized_tap_targets) {
    o.Begin();
    o.Str("element", x.element);
    o.Str("label", x.label);
    o.Opt("width_px", x.width_px);
    o.Opt("height_px", x.height_px);
    o.End();
  }
  o.EndArray();
  for (const auto& [key, list] : {std::pair<const char*, const std::vector<facts::MobileElement>*>{"wide_elements", &mb.wide_elements},
                                  {"scroll_risks", &mb.scroll_risks}}) {
    o.BeginArray(key);
    for (const auto& x : *list) {
      o.Begin();
      o.Str("element", x.element);
      o.Str("detail", x.detail);
      o.Num("px", x.px);
      o.End();
    }
    o.EndArray();
  }
  o.BeginArray("overlays");
  for (const auto& x : mb.overlays) {
    o.Begin();
    o.Str("element", x.element);
    o.Str("position", x.position);
    o.Num("cover_share", x.cover_share);
    o.Str("text", x.text);
    o.StrList("cues", x.cues);
    o.Bool("app_store_link", x.app_store_link);
    o.End();
  }
  o.EndArray();
  o.End();

  o.BeginArray("notes");
  for (const auto& n : f.notes) {
    o.Begin();
    o.Str("code", n.code);
    o.Str("message", n.message);
    o.End();
  }
  o.EndArray();
  o.End();
}

template <typename W>
void WriteFinding(Out<W>& o, const rules::Finding& f) {
  o.Begin();
  o.Str("rule_id", f.rule_id);
  o.Str("moment", f.moment);
  o.Str("status", rules::StatusName(f.status));
  o.Opt("score", f.score);
  o.Num("weight", f.weight);
  o.Opt("value", f.numeric_value);
  o.Str("unit", f.unit);
  o.Str("display_value", f.display_value);
  o.Str("threshold", f.threshold);
  o.StrList("details", f.details);
  if (!f.error.empty()) o.Str("error", f.error);
  o.End();
}

template <typename W>
void WriteRule(Out<W>& o, const rules::RuleSpec& r) {
  o.Begin();
  o.Str("id", r.id);
  o.Str("title", r.title);
  o.Str("failure_title", r.failure_title);
  o.Str("description", r.description);
  o.Str("learn_more", r.learn_more);
  o.Str("threshold_source", r.threshold_source);
  o.Str("moment", r.moment);
  o.Str("scope", r.scope);
  o.StrList("page_types", r.page_types);
  o.Str("check", r.check);
  o.Str("score_mode", rules::ScoreModeName(r.score_mode));
  o.Num("weight", r.weight);
  o.Begin("options");
  for (const auto& [k, v] : r.options.numbers) o.Num(k.c_str(), v);
  for (const auto& [k, v] : r.options.strings) o.Str(k.c_str(), v);
  for (const auto& [k, v] : r.options.lists) o.StrList(k.c_str(), v);
  o.End();
  o.Str("source_file", r.source_file);
  o.End();
}

template <typename W>
void WriteCheckout(Out<W>& o, const std::optional<facts::CheckoutFlow>& flow, const std::vector<rules::Finding>& findings) {
  if (!flow) {
    o.Null("checkout");
    return;
  }
  const facts::CheckoutFlow& c = *flow;
  o.Begin("checkout");
  o.Str("mode", c.mode);
  o.Str("result", c.result);
  o.Str("stop_reason", c.stop_reason);
  o.Str("stop_url", c.stop_url);
  o.Str("start_url", c.start_url);
  o.UInt("step_count", c.steps.size());
  o.UInt("estimated_steps", c.estimated_steps);
  o.Str("estimate_source", c.estimate_source);
  o.Begin("totals");
  o.UInt("fields", c.total_fields);
  o.UInt("other_elements", c.total_other_elements);
  o.UInt("required", c.total_required);
  o.UInt("hidden_fields", c.total_hidden_fields);
  o.End();
  o.Bool("guest_checkout", c.guest_checkout);
  o.Bool("account_required", c.account_required);
  o.StrList("payment_methods", c.payment_methods);
  o.StrList("express_payments", c.express_payments);
  o.Str("billing_same_as_shipping", c.billing_same_as_shipping);
  o.Bool("shipping_info_on_cart", c.shipping_info_on_cart);
  o.Str("trust_signal", c.trust_signal);
  o.Str("buyer_country", c.buyer_country);
  o.UInt("requests", c.requests);
  o.UInt("posts", c.posts);
  o.Num("walk_ms", std::round(c.walk_ms));
  o.BeginArray("findings");
  for (const rules::Finding& f : findings) WriteFinding(o, f);
  o.EndArray();
  o.BeginArray("steps");
  for (const facts::CheckoutStepFacts& st : c.steps) {
    o.Begin();
    o.Str("url", st.url);
    o.Str("title", st.title);
    o.Str("name", st.name);
    o.Str("reached_by", st.reached_by);
    o.Str("control", st.control);
    o.UInt("fields", st.fields);
    o.UInt("other_elements", st.other_elements);
    o.UInt("required", st.required);
    o.UInt("hidden_fields", st.hidden_fields);
    o.StrList("validation_errors", st.validation_errors);
    o.Bool("retried", st.retried);
    o.StrList("express_payments", st.express_payments);
    o.StrList("captchas", st.captchas);
    o.Bool("order_total", st.order_total);
    o.Bool("coupon_field", st.coupon_field);
    o.Bool("coupon_field_visible", st.coupon_field_visible);
    o.BeginArray("field_list");
    for (const facts::CheckoutField& f : st.field_list) {
      o.Begin();
      o.Str("name", f.name);
      o.Str("type", f.type);
      o.Str("label", f.label);
      o.Str("purpose", f.purpose);
      o.Str("purpose_source", f.purpose_source);
      o.Str("autocomplete", f.autocomplete);
      o.Bool("autocomplete_valid", f.autocomplete_valid);
      o.StrList("invalid_tokens", f.invalid_tokens);
      o.Str("inputmode", f.inputmode);
      o.Bool("text_entry", f.text_entry);
      o.Bool("shown", f.shown);
      o.Bool("required", f.required);
      o.Bool("blocks_paste", f.blocks_paste);
      o.Bool("small_font", f.small_font);
      o.End();
    }
    o.EndArray();
    o.End();
  }
  o.EndArray();
  o.End();
}

// Writes the site section; its URL entries come from site->entry_source when set. When that
// source fails, *failure says why (the entries read until then are written).
template <typename W>
void WriteSite(Out<W>& o, const std::optional<SiteSection>& site, std::string* failure) {
  if (!site) {
    o.Null("site");
    return;
  }
  const fetch::CrawlOptions& c = site->settings;
  o.Begin("site");
  o.StrList("start_urls", site->start_urls);
  o.Begin("settings");
  o.Num("concurrency", c.concurrency);
  o.Num("per_host", c.per_host);
  o.UInt("max_pages", c.max_pages);
  o.Num("max_depth", c.max_depth);
  o.Str("scope", c.scope == fetch::Scope::kHost ? "host" : "domain");
  o.StrList("include", c.include);
  o.StrList("exclude", c.exclude);
  o.Bool("ignore_robots", c.ignore_robots);
  o.Bool("use_sitemaps", c.use_sitemaps);
  o.Bool("follow_links", c.follow_links);
  o.Bool("strip_tracking", c.strip_tracking);
  o.Num("delay_ms", c.delay_ms);
  o.Num("max_retries", c.max_retries);
  o.UInt("max_url_length", c.max_url_length);
  o.UInt("max_query_variants", c.max_query_variants);
  o.UInt("max_path_segments", c.max_path_segments);
  o.UInt("max_urls", c.max_urls);
  o.Num("max_crawl_time_ms", static_cast<double>(c.max_crawl_time_ms));
  o.Num("max_rate", c.max_rate);
  o.UInt("sample_per_type", site->sample_per_type);
  o.End();
  const fetch::CrawlResult& r = site->crawl;
  o.Begin("counts");
  o.UInt("fetched", r.fetched);
  o.UInt("failed", r.failed);
  o.UInt("skipped", r.skipped);
  o.UInt("skipped_unrecorded", r.skipped_unrecorded);
  o.UInt("sampled_out", site->sampled_out);
  o.End();
  o.BeginArray("robots");
  for (const auto& rb : r.robots) {
    o.Begin();
    o.Str("url", rb.url);
    o.Num("status", rb.status);
    o.Str("mode", rb.mode);
    o.Opt("crawl_delay", rb.crawl_delay);
    o.StrList("sitemaps", rb.sitemaps);
    o.StrList("problems", rb.problems);
    o.End();
  }
  o.EndArray();
  o.StrList("sitemaps", r.sitemaps);
  o.StrList("sitemap_errors", r.sitemap_errors);
  o.StrList("limits_hit", r.limits_hit);
  o.BeginArray("urls");
  const auto entry = [&o](const fetch::CrawlEntry& e) {
    o.Begin();
    o.Str("url", e.url);
    o.Str("state", e.state);
    o.Num("status", e.status);
    o.Str("page_type", e.page_type);
    o.Num("depth", e.depth);
    o.Str("via", e.via);
    o.Str("parent", e.parent);
    o.Str("reason", e.reason);
    o.Num("retries", e.retries);
    o.End();
  };
  if (site->entry_source) {
    std::string error;
    if (!site->entry_source->ForEach(entry, &error) && failure != nullptr && failure->empty())
      *failure = "the site's URL entries cannot be read: " + error;
  } else {
    for (const auto& e : r.entries) entry(e);
  }
  o.EndArray();
  o.End();
}

template <typename W>
void WriteBucket(Out<W>& o, const char* key, const facts::WeightBucket& b) {
  o.Begin(key);
  o.UInt("count", b.count);
  o.UInt("transfer_bytes", b.transfer_bytes);
  o.UInt("decoded_bytes", b.decoded_bytes);
  o.End();
}

template <typename W>
void WriteMetric(Out<W>& o, const char* key, const facts::MetricEstimate& m) {
  if (!m.available) {
    o.Null(key);
    return;
  }
  o.Begin(key);
  o.Num("value_ms", std::round(m.value_ms));
  o.Num("optimistic_ms", std::round(m.optimistic_ms));
  o.Num("pessimistic_ms", std::round(m.pessimistic_ms));
  o.Num("score", std::round(m.score * 100) / 100);
  o.End();
}

// The page's `performance` section: weight, simulated metrics, critical chain, opportunities,
// budget lines and every resource (see facts/performance.h).
template <typename W>
void WritePerformance(Out<W>& o, const facts::PagePerformance& p) {
  o.Begin("performance");
  o.Bool("measured", p.measured);
  o.Str("not_measured_reason", p.not_measured_reason);
  if (!p.measured) {
    o.End();
    return;
  }
  o.Str("device", p.device);
  o.Begin("weight");
  WriteBucket(o, "total", p.weight.total);
  o.Begin("by_type");
  for (const auto& [type, bucket] : p.weight.by_type) WriteBucket(o, type.c_str(), bucket);
  o.End();
  WriteBucket(o, "first_party", p.weight.first_party);
  WriteBucket(o, "third_party", p.weight.third_party);
  WriteBucket(o, "deferred", p.weight.deferred);
  o.UInt("third_party_origins", p.weight.third_party_origins);
  o.UInt("failed", p.weight.failed);
  o.End();
  o.Begin("metrics");
  WriteMetric(o, "fcp", p.fcp);
  WriteMetric(o, "lcp", p.lcp);
  WriteMetric(o, "speed_index", p.speed_index);
  WriteMetric(o, "tbt", p.tbt);
  o.End();
  o.Num("performance_score", std::round(p.performance_score * 100) / 100);
  o.Begin("lcp_element");
  o.Str("kind", p.lcp_kind);
  o.Str("url", p.lcp_url);
  o.End();
  o.Begin("critical_chain");
  o.UInt("depth", p.chain.depth);
  o.Num("duration_ms", std::round(p.chain.duration_ms));
  o.BeginArray("longest");
  for (const auto& l : p.chain.longest) {
    o.Begin();
    o.Str("url", l.url);
    o.Num("start_ms", std::round(l.start_ms));
    o.Num("end_ms", std::round(l.end_ms));
    o.UInt("transfer_bytes", l.transfer_bytes);
    o.End();
  }
  o.EndArray();
  o.End();
  o.BeginArray("opportunities");
  for (const auto& op : p.opportunities) {
    o.Begin();
    o.Str("id", op.id);
    o.Str("title", op.title);
    o.UInt("bytes_saved", op.bytes_saved);
    o.Num("ms_saved", std::round(op.ms_saved));
    o.BeginArray("items");
    for (const auto& it : op.items) {
      o.Begin();
      o.Str("url", it.url);
      o.UInt("bytes_saved", it.bytes_saved);
      o.Str("detail", it.detail);
      o.End();
    }
    o.EndArray();
    o.End();
  }
  o.EndArray();
  o.BeginArray("budget");
  for (const auto& b : p.budget) {
    o.Begin();
    o.Str("path", b.path);
    o.Str("kind", b.kind);
    o.Str("name", b.name);
    o.Num("budget", b.budget);
    o.Num("actual", std::round(b.actual * 10) / 10);
    o.Str("unit", b.unit);
    o.Bool("over", b.over);
    o.Str("note", b.note);
    o.End();
  }
  o.EndArray();
  o.BeginArray("resources");
  for (const auto& r : p.resources) {
    o.Begin();
    o.Str("url", r.url);
    o.Str("type", facts::ResourceTypeName(r.type));
    o.Str("via", r.via);
    o.Str("initiator", r.initiator);
    o.Num("status", r.status);
    o.Str("error", r.error);
    o.Str("media_type", r.media_type);
    o.Str("content_encoding", r.content_encoding);
    o.Str("cache_control", r.cache_control);
    o.Opt("max_age_s", r.max_age_s);
    o.Str("http_version", r.http_version);
    o.UInt("transfer_bytes", r.transfer_bytes);
    o.UInt("decoded_bytes", r.decoded_bytes);
    o.Num("ttfb_ms", std::round(r.ttfb_ms * 10) / 10);
    o.Str("origin", r.origin);
    o.Bool("third_party", r.third_party);
    o.Bool("render_blocking", r.render_blocking);
    o.Bool("deferred", r.deferred);
    o.Bool("lazy", r.lazy);
    o.Bool("above_fold", r.above_fold);
    if (r.type == facts::ResourceType::kImage) {
      o.Begin("image");
      o.Str("format", r.image_format);
      o.Num("intrinsic_width", r.intrinsic_width);
      o.Num("intrinsic_height", r.intrinsic_height);
      o.Num("display_width", r.display_width);
      o.Num("display_height", r.display_height);
      o.Bool("sized", r.sized);
      o.Num("estimated_top", std::round(r.estimated_top));
      o.Num("bytes_per_pixel", r.bytes_per_pixel);
      o.Str("srcset_choice", r.srcset_choice);
      o.End();
    }
    if (r.type == facts::ResourceType::kFont) o.Str("font_display", r.font_display);
    o.End();
  }
  o.EndArray();
  o.End();
}

template <typename W>
void WritePage(Out<W>& o, const PageResult& p) {
  o.Begin();
  o.Str("url", p.facts.http.requested_url);
  o.Str("final_url", p.facts.http.final_url);
  o.Bool("audited", p.audited);
  if (p.facts.error_code.empty()) {
    o.Null("error");
  } else {
    o.Begin("error");
    o.Str("code", p.facts.error_code);
    o.Str("message", p.facts.error);
    o.End();
  }
  o.Str("page_type", p.facts.page_type);
  o.Num("page_type_confidence", p.facts.page_type_confidence);
  o.StrList("page_type_evidence", p.facts.page_type_evidence);
  WriteScores(o, "scores", p.scores);
  o.BeginArray("findings");
  for (const auto& f : p.findings) WriteFinding(o, f);
  o.EndArray();
  WritePerformance(o, p.facts.performance);
  WriteFacts(o, p.facts);
  o.End();
}

template <typename W>
void WriteGates(Out<W>& o, const std::optional<GateReport>& gates) {
  if (!gates) {
    o.Null("gates");
    return;
  }
  const GateReport& g = *gates;
  o.Begin("gates");
  o.Str("verdict", g.Failed() ? "fail" : "pass");
  if (g.assertions_file.empty()) o.Null("assertions_file");
  else o.Str("assertions_file", g.assertions_file);
  o.StrList("fail_under", g.fail_under);
  o.Bool("include_passed", g.include_passed);
  o.UInt("checked", g.checked);
  o.UInt("passed", g.passed);
  o.UInt("warnings", g.warnings);
  o.UInt("failures", g.failures);
  o.BeginArray("results");
  for (const GateResult& r : g.results) {
    o.Begin();
    o.Str("assertion", r.assertion);
    o.Str("kind", r.kind);
    o.Str("level", GateLevelName(r.level));
    o.Str("where", r.where);
    o.Str("source", r.source);
    o.Str("operator", r.op);
    o.Num("expected", r.expected);
    o.Opt("actual", r.actual);
    o.Bool("passed", r.passed);
    o.Str("message", r.message);
    o.End();
  }
  o.EndArray();
  o.End();
}

struct TopFinding {
  const rules::RuleSpec* rule = nullptr;
  double impact = 0;  // sum over pages of weight * (1 - score)
  int pages = 0;
};

template <typename W>
void WriteAll(W& w, const AuditResult& r, FileOut* raw = nullptr, std::string* failure = nullptr) {
  Out<W> o(w, raw);
  o.Begin();
  o.Str("schema_version", kSchemaVersion);
  o.Begin("tool");
  o.Str("name", "mmaudit");
  o.Str("version", kToolVersion);
  o.End();
  o.Str("generated_at", r.generated_at);
  o.Num("duration_ms", r.duration_ms);
  o.Begin("settings");
  o.Str("mode", r.settings.mode);
  o.Str("device", r.settings.device);
  o.Str("user_agent", r.settings.user_agent);
  o.Num("viewport_width", r.settings.viewport_width);
  o.Num("connect_timeout_ms", static_cast<double>(r.settings.connect_timeout_ms));
  o.Num("total_timeout_ms", static_cast<double>(r.settings.total_timeout_ms));
  o.UInt("max_body_bytes", r.settings.max_body_bytes);
  o.Begin("limits");
  o.UInt("max_download_bytes", r.settings.max_download_bytes);
  o.UInt("max_header_bytes", r.settings.max_header_bytes);
  o.UInt("max_dom_depth", r.settings.max_dom_depth);
  o.UInt("max_json_ld_bytes", r.settings.max_json_ld_bytes);
  o.UInt("max_links", r.settings.max_links);
  o.Bool("deny_private_networks", r.settings.deny_private_networks);
  o.End();
  o.Str("rules_source", r.settings.rules_source);
  o.Opt("server_time_ms", r.settings.server_time_ms);
  if (r.settings.rules_overlay.empty()) o.Null("rules_overlay");
  else o.Str("rules_overlay", r.settings.rules_overlay);
  o.BeginArray("rule_changes");
  for (const rules::RuleChange& c : r.settings.rule_changes) {
    o.Begin();
    o.Str("rule_id", c.rule_id);
    o.Str("kind", c.kind);
    if (c.kind == "changed") {
      o.Str("field", c.field);
      o.Str("from", c.from);
      o.Str("to", c.to);
    }
    o.End();
  }
  o.EndArray();
  if (!r.settings.brand_name.empty() || r.settings.brand_logo) {
    o.Begin("branding");
    if (r.settings.brand_name.empty()) o.Null("name");
    else o.Str("name", r.settings.brand_name);
    if (const auto& logo = r.settings.brand_logo) {
      o.Begin("logo");
      o.Str("media_type", logo->media_type);
      o.UInt("bytes", logo->bytes);
      o.Str("sha256", logo->sha256);
      o.Str("data_uri", logo->data_uri);
      o.End();
    } else {
      o.Null("logo");
    }
    o.End();
  }
  if (!r.settings.credentials) {
    o.Null("credentials");
  } else {
    // Names only: the values are secrets and never reach a report.
    const fetch::CredentialsSummary& c = *r.settings.credentials;
    o.Begin("credentials");
    auto redacted_list = [&o](const char* key, const std::vector<std::string>& names) {
      o.BeginArray(key);
      for (const std::string& name : names) {
        o.Begin();
        o.Str("name", name);
        o.Str("value", kRedacted);
        o.End();
      }
      o.EndArray();
    };
    redacted_list("headers", c.header_names);
    redacted_list("cookies", c.cookie_names);
    if (c.cookie_file.empty()) o.Null("cookie_file");
    else o.Str("cookie_file", c.cookie_file);
    if (!c.basic_auth) {
      o.Null("basic_auth");
    } else {
      o.Begin("basic_auth");
      o.Str("user", kRedacted);
      o.Str("password", kRedacted);
      o.End();
    }
    o.StrList("sent_to", c.origins);
    o.End();
  }
  o.End();

  std::size_t audited = 0;
  for (const auto& p : r.pages) audited += p.audited ? 1 : 0;
  // Rank failing rules by their weighted shortfall across pages: what fixing them would gain.
  std::map<std::string, TopFinding> tops;
  for (const auto& p : r.pages)
    for (const auto& f : p.findings)
      if (f.score && *f.score < 0.9) {
        auto& t = tops[f.rule_id];
        t.impact += f.weight * (1 - *f.score);
        ++t.pages;
      }
  std::vector<std::pair<std::string, TopFinding>> ranked;
  for (auto& [id, t] : tops) {
    for (const auto& rule : r.rules)
      if (rule.id == id) t.rule = &rule;
    if (t.rule) ranked.emplace_back(id, t);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    if (a.second.impact != b.second.impact) return a.second.impact > b.second.impact;
    return a.first < b.first;
  });
  o.Begin("summary");
  o.UInt("pages_requested", r.pages.size());
  o.UInt("pages_audited", audited);
  o.UInt("pages_failed", r.pages.size() - audited);
  WriteScores(o, "scores", r.site.scores);
  o.Begin("score_trace");
  o.BeginArray("moments");
  for (const rules::ScoreTrace& t : r.site.moments) WriteTrace(o, t);
  o.EndArray();
  o.Key("overall");
  WriteTrace(o, r.site.overall);
  o.End();
  o.BeginArray("explanations");
  for (const rules::Explanation& e : r.explanations) WriteExplanation(o, e);
  o.EndArray();
  o.BeginArray("top_findings");
  for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) {
    const auto& [id, t] = ranked[i];
    o.Begin();
    o.Str("rule_id", id);
    o.Str("failure_title", t.rule->failure_title);
    o.Str("moment", t.rule->moment);
    o.Num("pages", t.pages);
    o.Num("impact", std::round(t.impact * 100) / 100);
    o.End();
  }
  o.EndArray();
  o.End();
  WriteGates(o, r.gates);

  WriteSite(o, r.crawl, failure);
  WriteCheckout(o, r.checkout, r.checkout_findings);

  o.BeginArray("site_findings");
  for (const rules::Finding& f : r.site_findings) WriteFinding(o, f);
  o.EndArray();

  o.Begin("categories");
  o.Str("source", r.categories.source);
  o.BeginArray("list");
  for (const rules::Category& c : r.categories.categories) {
    o.Begin();
    o.Str("id", c.id);
    o.Str("title", c.title);
    o.Num("weight", c.weight);
    o.Num("pages_weight", c.pages_weight);
    o.Str("question", c.question);
    o.Str("serves", c.serves);
    o.End();
  }
  o.EndArray();
  o.End();

  o.BeginArray("rules");
  for (const auto& rule : r.rules) WriteRule(o, rule);
  o.EndArray();

  o.BeginArray("pages");
  for (const auto& p : r.pages) {
    std::string stored;
    if (p.stored && r.store) stored = r.store->Get(*p.stored);
    if (!stored.empty()) {
      o.RawObject(stored);
    } else {
      WritePage(o, p);  // never stored, or the temporary file failed: what is left in memory
    }
  }
  o.EndArray();

  o.BeginArray("errors");
  for (const auto& pr : r.rule_problems) {
    o.Begin();
    o.Str("kind", "rule");
    o.Str("file", pr.file);
    o.Str("rule_id", pr.rule_id);
    o.Str("field", pr.field);
    o.Str("message", pr.message);
    o.End();
  }
  for (const auto& p : r.pages) {
    if (p.facts.error_code.empty()) continue;
    o.Begin();
    o.Str("kind", "page");
    o.Str("url", p.facts.http.requested_url);
    o.Str("code", p.facts.error_code);
    o.Str("message", p.facts.error);
    o.End();
  }
  for (const auto* list : {&r.site_findings, &r.checkout_findings})
    for (const auto& f : *list)
      if (f.status == rules::Status::kError) {
        o.Begin();
        o.Str("kind", "finding");
        o.Str("url", "");
        o.Str("rule_id", f.rule_id);
        o.Str("message", f.error);
        o.End();
      }
  for (const auto& p : r.pages)
    for (const auto& f : p.findings)
      if (f.status == rules::Status::kError) {
        o.Begin();
        o.Str("kind", "finding");
        o.Str("url", p.facts.http.requested_url);
        o.Str("rule_id", f.rule_id);
        o.Str("message", f.error);
        o.End();
      }
  o.EndArray();
  o.End();
}

}  // namespace

JsonStore::JsonStore() : file_(std::tmpfile()) {}

JsonStore::~JsonStore() {
  if (file_ != nullptr) std::fclose(file_);
}

std::optional<StoredJson> JsonStore::Put(const std::string& json) {
  std::lock_guard<std::mutex> lock(mu_);
  if (file_ == nullptr || broken_) return std::nullopt;
  // The offset comes from the file itself and the write is flushed before it counts, so a full
  // disk can never leave an entry pointing at bytes that are not there.
  if (fseeko(file_, 0, SEEK_END) != 0) {
    broken_ = true;
    return std::nullopt;
  }
  const off_t offset = ftello(file_);
  if (offset < 0 || std::fwrite(json.data(), 1, json.size(), file_) != json.size() || std::fflush(file_) != 0 ||
      std::ferror(file_) != 0) {
    broken_ = true;
    return std::nullopt;
  }
  return StoredJson{static_cast<std::uint64_t>(offset), json.size()};
}

std::string JsonStore::Get(const StoredJson& where) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out(where.length, '\0');
  if (file_ == nullptr || fseeko(file_, static_cast<off_t>(where.offset), SEEK_SET) != 0 ||
      std::fread(out.data(), 1, out.size(), file_) != out.size())
    return {};
  return out;
}

bool JsonStore::ok() const {
  std::lock_guard<std::mutex> lock(mu_);
  return file_ != nullptr && !broken_;
}

std::string PageToJson(const PageResult& page) {
  rapidjson::StringBuffer buf(nullptr, 32u << 10);  // a typical page's JSON, so it seldom grows
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  Out<rapidjson::Writer<rapidjson::StringBuffer>> o(w);
  WritePage(o, page);
  return std::string(buf.GetString(), buf.GetSize());
}

bool StoreAndSlim(PageResult* page, JsonStore* store) {
  auto where = store->Put(PageToJson(*page));
  if (!where) return false;
  page->stored = where;
  facts::PageFacts slim;
  slim.http.requested_url = std::move(page->facts.http.requested_url);
  slim.http.final_url = std::move(page->facts.http.final_url);
  slim.http.status = page->facts.http.status;
  slim.http.decoded_bytes = page->facts.http.decoded_bytes;
  slim.fetched = page->facts.fetched;
  slim.parsed = page->facts.parsed;
  slim.error_code = std::move(page->facts.error_code);
  slim.error = std::move(page->facts.error);
  slim.page_type = std::move(page->facts.page_type);
  slim.page_type_confidence = page->facts.page_type_confidence;
  slim.page_type_source = std::move(page->facts.page_type_source);
  page->facts = std::move(slim);
  std::vector<rules::Finding> kept;
  for (auto& f : page->findings) {
    if (f.status != rules::Status::kError && (!f.score || *f.score >= 0.9)) continue;
    rules::Finding k;
    k.rule_id = std::move(f.rule_id);
    k.moment = std::move(f.moment);
    k.weight = f.weight;
    k.status = f.status;
    k.score = f.score;
    k.error = std::move(f.error);
    kept.push_back(std::move(k));
  }
  kept.shrink_to_fit();
  page->findings = std::move(kept);
  return true;
}

bool WriteJsonFile(const AuditResult& result, const std::string& path, std::string* error) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    *error = "cannot write " + tmp;
    return false;
  }
  const auto stream_storage = std::make_unique<FileOut>(f);
  FileOut& stream = *stream_storage;
  rapidjson::PrettyWriter<FileOut> w(stream);
  w.SetIndent(' ', 2);
  std::string failure;
  WriteAll(w, result, &stream, &failure);
  stream.Put('\n');
  stream.Flush();
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok || !failure.empty() || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    *error = failure.empty() ? "cannot write " + path : "cannot write " + path + ": " + failure;
    return false;
  }
  return true;
}

std::string ToJson(const AuditResult& result, bool pretty) {
  rapidjson::StringBuffer buf;
  if (pretty) {
    rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
    w.SetIndent(' ', 2);
    WriteAll(w, result);
  } else {
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    WriteAll(w, result);
  }
  std::string out(buf.GetString(), buf.GetSize());
  out += '\n';
  return out;
}

}  // namespace mmaudit::report
