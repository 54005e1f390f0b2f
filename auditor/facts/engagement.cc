// ExtractEngagement: chat, newsletter and push sign-up, social profiles and app links (engagement.h).
#include "facts/engagement.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/embedded.h"
#include "core/text.h"
#include "core/url.h"
#include "facts/checkout_controls.h"
#include "facts/field_purpose.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kMaxOfferTexts = 5;        // chat_offers, push_offers
constexpr std::size_t kMaxEvidenceChars = 160;   // an evidence string, in code points
constexpr std::size_t kMaxControlText = 200;     // bytes of a link's or button's text read for cues
constexpr std::size_t kMaxInlineScript = 256 * 1024;  // bytes of one inline script searched for cues
constexpr std::size_t kMaxFormText = 4096;       // bytes of a form's text read for cues
constexpr std::size_t kMaxAroundFormText = 600;  // a form's parent's text is read when no longer

// Reads a list of strings called `name` from `v` into *out (lower-cased when `lower`). A missing
// list is empty; anything but an array of strings is an error.
bool ReadList(const rapidjson::Value& v, const char* name, bool lower, std::vector<std::string>* out, std::string* error) {
  auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return true;
  if (!it->value.IsArray()) {
    *error = std::string("\"") + name + "\" must be an array of strings";
    return false;
  }
  for (const auto& s : it->value.GetArray()) {
    if (!s.IsString()) {
      *error = std::string("\"") + name + "\" must be an array of strings";
      return false;
    }
    const std::string_view text(s.GetString(), s.GetStringLength());
    out->push_back(lower ? text::AsciiLower(text) : std::string(text));
  }
  return true;
}

// Reads the array of entries `list` of `d`, each with a non-empty "name", through `read`.
template <typename T, typename Fn>
bool ReadEntries(const rapidjson::Document& d, const char* list, std::vector<T>* out, std::string* error, Fn read) {
  auto it = d.FindMember(list);
  if (it == d.MemberEnd()) return true;
  if (!it->value.IsArray()) {
    *error = std::string("\"") + list + "\" must be an array";
    return false;
  }
  for (const auto& e : it->value.GetArray()) {
    if (!e.IsObject() || !e.HasMember("name") || !e["name"].IsString() || e["name"].GetStringLength() == 0) {
      *error = std::string("an entry of \"") + list + "\" has no \"name\"";
      return false;
    }
    T entry;
    entry.name = e["name"].GetString();
    if (!read(e, &entry)) {
      *error = std::string(list) + " \"" + entry.name + "\": " + *error;
      return false;
    }
    out->push_back(std::move(entry));
  }
  return true;
}

bool HostIs(std::string_view host, std::string_view h) {
  return !h.empty() && (host == h || (host.size() > h.size() && text::EndsWith(host, h) && host[host.size() - h.size() - 1] == '.'));
}

bool HostIn(std::string_view host, const std::vector<std::string>& hosts) {
  return std::any_of(hosts.begin(), hosts.end(), [&](const std::string& h) { return HostIs(host, h); });
}

bool PathStartsWithAny(std::string_view path, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return text::StartsWith(path, p); });
}

// Adds a signal named `name` unless one with that name is there already.
void Add(std::vector<EngagementSignal>* out, const std::string& name, std::string_view evidence) {
  for (const EngagementSignal& s : *out)
    if (s.name == name) return;
  out->push_back({name, text::Truncate(text::CollapseWhitespace(evidence), kMaxEvidenceChars)});
}

void AddText(std::vector<std::string>* out, const std::string& text) {
  if (out->size() >= kMaxOfferTexts || std::find(out->begin(), out->end(), text) != out->end()) return;
  out->push_back(text);
}

// The first cue of `cues` found in `haystack`, or nullptr.
const std::string* FindCue(std::string_view haystack, const std::vector<std::string>& cues) {
  for (const std::string& c : cues)
    if (!c.empty() && haystack.find(c) != std::string_view::npos) return &c;
  return nullptr;
}

// Script vendors (chat widgets, push services) seen in one script: by its URL's host, or a cue in
// its URL or inline text (for inline loaders, the vendor's hosts are cues too).
void MatchScript(const std::vector<EngagementReference::Vendor>& vendors, std::string_view src_url,
                 std::string_view inline_text, std::vector<EngagementSignal>* out) {
  std::string host;
  if (!src_url.empty())
    if (auto parts = url::Parse(src_url)) host = parts->host;
  for (const auto& v : vendors) {
    if (!src_url.empty()) {
      if (HostIn(host, v.hosts) || FindCue(src_url, v.script_cues) != nullptr) Add(out, v.name, "script " + std::string(src_url));
    } else if (const std::string* cue = FindCue(inline_text, v.script_cues)) {
      Add(out, v.name, "inline script: " + *cue);
    } else if (const std::string* h = FindCue(inline_text, v.hosts)) {
      Add(out, v.name, "inline script: " + *h);
    }
  }
}

// The name of the messenger a link opens a chat in, or nullptr.
const EngagementReference::Messenger* MessengerOf(const Link& l, const EngagementReference& ref) {
  const std::string scheme = url::SchemeOf(l.href);
  if (scheme == "http" || scheme == "https") {
    const auto parts = url::Parse(l.href);
    if (!parts) return nullptr;
    const std::string path = text::AsciiLower(parts->path);
    for (const auto& m : ref.messengers)
      if (HostIn(parts->host, m.hosts) && path != "/" && !PathStartsWithAny(path, m.not_chat_paths)) return &m;
    return nullptr;
  }
  for (const auto& m : ref.messengers)
    if (std::find(m.schemes.begin(), m.schemes.end(), scheme) != m.schemes.end()) return &m;
  return nullptr;
}

// Why `form` is a newsletter sign-up ("" when it is not): it has a visible e-mail field, no
// password field, and a subscribe cue in its text, its markup, a newsletter checkbox, or the
// short text around it (a "Newsletter" heading just above a bare form): the text of its nearest
// ancestors, up to the first that holds another form or more than kMaxAroundFormText bytes of text.
std::string NewsletterCue(const GumboNode* form, const FormControlReader& reader, const std::string& base_url) {
  bool email = false;
  std::string buttons;  // texts of its buttons, which html::Text does not read for <input>s
  std::string newsletter_box;
  bool password = false;
  html::Walk(form, [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    const std::optional<FormControl> c = reader.Read(n);
    if (!c) return html::Visit::kContinue;
    if (c->type == "password") password = true;
    if (c->is_button()) buttons += " " + c->label;
    if (!c->visible || c->disabled) return html::Visit::kContinue;
    const FieldPurpose purpose = InferFieldPurpose(*c).purpose;
    if (purpose == FieldPurpose::kEmail) email = true;
    if (purpose == FieldPurpose::kNewsletter && newsletter_box.empty()) newsletter_box = c->label.empty() ? c->name : c->label;
    return html::Visit::kContinue;
  });
  if (!email || password) return "";
  if (!newsletter_box.empty()) return "a newsletter checkbox (" + newsletter_box + ")";
  const Lexicon::Cue subscribe = CheckoutLexicon().Find("subscribe");
  const Lexicon::Cue newsletter = FieldLexicon().Find("newsletter");
  auto in_text = [&](const std::string& folded, const char* where) -> std::string {
    std::string phrase = subscribe.FirstMatch(folded);
    if (phrase.empty()) phrase = newsletter.FirstMatch(folded);
    return phrase.empty() ? "" : "\"" + phrase + "\" " + where;
  };
  if (auto why = in_text(text::FoldCase(html::Text(form, kMaxFormText) + buttons), "in its text"); !why.empty()) return why;
  std::string markup = std::string(html::AttrOr(form, "id")) + " " + std::string(html::AttrOr(form, "class")) + " " +
                       std::string(html::AttrOr(form, "name"));
  if (auto action = url::Resolve(base_url, html::AttrOr(form, "action")))
    if (auto parts = url::Parse(*action)) markup += " " + parts->path;
  if (std::string cue = CheckoutLexicon().FirstMatch("form_subscribes", text::FoldCase(markup)); !cue.empty())
    return "\"" + cue + "\" in its markup";
  for (const GumboNode* up = form->parent; up != nullptr && html::IsElement(up) && !html::Is(up, GUMBO_TAG_BODY);
       up = up->parent) {
    const std::string around = html::Text(up, kMaxAroundFormText + 1);
    if (around.size() > kMaxAroundFormText || html::FindAll(up, GUMBO_TAG_FORM).size() > 1) break;
    if (auto why = in_text(text::FoldCase(around), "next to it"); !why.empty()) return why;
  }
  return "";
}

std::string FormName(const GumboNode* form) {
  if (auto id = html::AttrOr(form, "id"); !id.empty()) return "form #" + std::string(id);
  if (auto action = html::AttrOr(form, "action"); !action.empty()) return "form " + std::string(action);
  return "a form";
}

}  // namespace

std::optional<EngagementReference> ParseEngagementReference(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  EngagementReference ref;
  auto vendor = [&](const rapidjson::Value& e, EngagementReference::Vendor* v) {
    return ReadList(e, "hosts", true, &v->hosts, error) && ReadList(e, "script_cues", false, &v->script_cues, error) &&
           ReadList(e, "markup_cues", true, &v->markup_cues, error);
  };
  const bool ok =
      ReadEntries(d, "chat_widgets", &ref.chat_widgets, error, vendor) &&
      ReadEntries(d, "push_services", &ref.push_services, error, vendor) &&
      ReadEntries(d, "messengers", &ref.messengers, error,
                  [&](const rapidjson::Value& e, EngagementReference::Messenger* m) {
                    return ReadList(e, "hosts", true, &m->hosts, error) && ReadList(e, "schemes", true, &m->schemes, error) &&
                           ReadList(e, "not_chat_paths", true, &m->not_chat_paths, error);
                  }) &&
      ReadEntries(d, "social_networks", &ref.social_networks, error,
                  [&](const rapidjson::Value& e, EngagementReference::Network* n) {
                    return ReadList(e, "hosts", true, &n->hosts, error) &&
                           ReadList(e, "not_profile_paths", true, &n->not_profile_paths, error);
                  }) &&
      ReadEntries(d, "app_stores", &ref.app_stores, error,
                  [&](const rapidjson::Value& e, EngagementReference::Store* s) {
                    return ReadList(e, "hosts", true, &s->hosts, error) &&
                           ReadList(e, "app_path_cues", true, &s->app_path_cues, error);
                  }) &&
      ReadList(d, "app_banner_meta", true, &ref.app_banner_meta, error) &&
      ReadList(d, "app_link_meta", true, &ref.app_link_meta, error);
  if (!ok) return std::nullopt;
  return ref;
}

const EngagementReference& DefaultEngagementReference() {
  static const EngagementReference ref = [] {
    constexpr const char* kPath = "rules/reference/engagement.json";
    const auto data = embedded::Find(kPath);
    std::string error = "not embedded";
    std::optional<EngagementReference> parsed;
    if (data) parsed = ParseEngagementReference(*data, &error);
    if (!parsed) {
      std::fprintf(stderr, "mmaudit: the embedded %s is broken: %s\n", kPath, error.c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return ref;
}

const Lexicon& EngagementLexicon() {
  static const Lexicon& lex = Lexicon::Embedded("rules/engagement-lexicon.json");
  return lex;
}

SocialLink ClassifySocialLink(std::string_view link, const EngagementReference& ref) {
  SocialLink out;
  if (!url::IsHttp(link)) return out;
  const auto parts = url::Parse(link);
  if (!parts) return out;
  const std::string path = text::AsciiLower(parts->path);
  for (const auto& n : ref.social_networks) {
    if (!HostIn(parts->host, n.hosts)) continue;
    out.network = n.name;
    out.profile = path.size() > 1 && !PathStartsWithAny(path, n.not_profile_paths);
    return out;
  }
  return out;
}

EngagementFacts ExtractEngagement(const html::Document& doc, const LinkFacts& links, const Context& ctx) {
  return ExtractEngagement(doc, links, ctx, DefaultEngagementReference());
}

EngagementFacts ExtractEngagement(const html::Document& doc, const LinkFacts& links, const Context& ctx,
                                  const EngagementReference& ref) {
  EngagementFacts f;
  const url::Resolver resolver(ctx.base_url);
  const Lexicon::Cue chat_offer = EngagementLexicon().Find("chat_offer");
  const Lexicon::Cue push_offer = EngagementLexicon().Find("push_offer");
  std::optional<FormControlReader> reader;  // built at the first form
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
    if (!html::IsElement(n)) return html::Visit::kContinue;
    // Element ids and classes: widget containers, and the ids vendors give their loader scripts.
    const std::string id = text::AsciiLower(html::AttrOr(n, "id"));
    const std::string cls = text::AsciiLower(html::AttrOr(n, "class"));
    if (!id.empty() || !cls.empty())
      for (const auto& v : ref.chat_widgets)
        if (const std::string* cue = FindCue(id + " " + cls, v.markup_cues))
          Add(&f.chat_widgets, v.name, "element with " + *cue + (id.empty() ? " in its class" : " in its id or class"));
    switch (n->v.element.tag) {
      case GUMBO_TAG_SCRIPT: {
        const std::string type = text::AsciiLower(html::AttrOr(n, "type"));
        if (text::Contains(type, "json") || type == "text/template" || type == "text/html") break;
        const std::string_view src = text::Trim(html::AttrOr(n, "src"));
        const std::string resolved = src.empty() ? "" : resolver.Resolve(src).value_or(std::string(src));
        const std::string_view inline_text = src.empty() ? html::RawText(n).substr(0, kMaxInlineScript) : std::string_view();
        MatchScript(ref.chat_widgets, resolved, inline_text, &f.chat_widgets);
        MatchScript(ref.push_services, resolved, inline_text, &f.push_services);
        break;
      }
      case GUMBO_TAG_IFRAME: {
        const std::string_view src = text::Trim(html::AttrOr(n, "src"));
        if (src.empty()) break;
        const auto parts = url::Parse(resolver.Resolve(src).value_or(""));
        if (!parts) break;
        for (const auto& v : ref.chat_widgets)
          if (HostIn(parts->host, v.hosts)) Add(&f.chat_widgets, v.name, "iframe " + std::string(src));
        break;
      }
      case GUMBO_TAG_META: {
        const std::string name = text::AsciiLower(html::AttrOr(n, "name"));
        const std::string property = text::AsciiLower(html::AttrOr(n, "property"));
        const std::string content(text::Trim(html::AttrOr(n, "content")));
        if (!name.empty() && std::find(ref.app_banner_meta.begin(), ref.app_banner_meta.end(), name) != ref.app_banner_meta.end())
          Add(&f.app_banners, name, content);
        const std::string& key = property.empty() ? name : property;
        if (!key.empty() && !content.empty() &&
            std::find(ref.app_link_meta.begin(), ref.app_link_meta.end(), key) != ref.app_link_meta.end())
          Add(&f.app_links, "App Links", key + "=" + content);
        break;
      }
      case GUMBO_TAG_LINK: {
        const std::string href(text::Trim(html::AttrOr(n, "href")));
        const std::string scheme = url::SchemeOf(href);
        if ((scheme == "android-app" || scheme == "ios-app") &&
            text::Contains(" " + text::AsciiLower(html::AttrOr(n, "rel")) + " ", " alternate "))
          Add(&f.app_links, "App Links", "link rel=alternate " + href);
        break;
      }
      case GUMBO_TAG_FORM: {
        if (f.newsletter_form) break;
        if (!reader) reader.emplace(doc);
        const std::string why = NewsletterCue(n, *reader, ctx.base_url);
        if (!why.empty()) {
          f.newsletter_form = true;
          f.newsletter_evidence = text::Truncate(FormName(n) + ": " + why, kMaxEvidenceChars);
        }
        break;
      }
      default: break;
    }
    // Texts of links and buttons that offer a chat or notifications.
    if (html::Is(n, GUMBO_TAG_A) || html::Is(n, GUMBO_TAG_BUTTON) || text::EqualsIgnoreCase(html::AttrOr(n, "role"), "button")) {
      std::string label = text::CollapseWhitespace(html::Text(n, kMaxControlText));
      if (label.empty()) label = text::CollapseWhitespace(html::AttrOr(n, "aria-label"));
      if (label.empty()) label = text::CollapseWhitespace(html::AttrOr(n, "title"));
      const std::string folded = text::FoldCase(label);
      if (!folded.empty() && chat_offer.Matches(folded)) AddText(&f.chat_offers, text::Truncate(label, 80));
      if (!folded.empty() && push_offer.Matches(folded)) AddText(&f.push_offers, text::Truncate(label, 80));
    }
    return html::Visit::kContinue;
  });

  // Links: messenger chats, social profiles, app store pages. An internal link has the page's own
  // host, so it opens a messenger only when the audited site is one: most links then need no parse.
  bool site_is_messenger = false;
  if (const auto page = url::Parse(ctx.base_url))
    for (const auto& m : ref.messengers) site_is_messenger = site_is_messenger || HostIn(page->host, m.hosts);
  for (const Link& l : links.links) {
    if (l.kind != LinkKind::kInternal || site_is_messenger)
      if (const auto* m = MessengerOf(l, ref)) Add(&f.messenger_links, m->name, l.href);
    if (l.kind != LinkKind::kExternal) continue;
    const SocialLink social = ClassifySocialLink(l.href, ref);
    if (!social.network.empty()) {
      if (social.profile) Add(&f.social_profiles, social.network, l.href);
      else ++f.share_links;
      continue;
    }
    const auto parts = url::Parse(l.href);
    if (!parts) continue;
    const std::string path = text::AsciiLower(parts->path);
    for (const auto& s : ref.app_stores)
      if (HostIn(parts->host, s.hosts) && FindCue(path, s.app_path_cues) != nullptr) Add(&f.app_links, s.name, l.href);
  }
  return f;
}

}  // namespace mmaudit::facts
