#include "core/url.h"

#include <libpsl.h>
#include <uriparser/Uri.h>

#include <memory>

#include "core/text.h"

namespace mmaudit::url {
namespace {

std::string EscapeForParsing(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool bad = c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
                     c == '`' || c == '{' || c == '|' || c == '}';
    if (bad) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

// Owns a UriUriA and frees it on scope exit.
class Uri {
 public:
  Uri() = default;
  Uri(const Uri&) = delete;
  Uri& operator=(const Uri&) = delete;
  ~Uri() {
    if (parsed_) uriFreeUriMembersA(&uri_);
  }
  // Parses `s`, which the Uri keeps: uriparser's ranges point into it. Like a browser, it first
  // percent-encodes bytes that RFC 3986 does not allow (non-ASCII, spaces, quotes ...).
  bool Parse(const std::string& s) {
    text_ = EscapeForParsing(s);
    const char* error = nullptr;
    parsed_ = uriParseSingleUriA(&uri_, text_.c_str(), &error) == URI_SUCCESS;
    return parsed_;
  }
  UriUriA* get() { return &uri_; }
  void MarkParsed() { parsed_ = true; }
  // The text uriparser's ranges point into (after Parse).
  std::string_view text() const { return text_; }

 private:
  std::string text_;
  UriUriA uri_{};
  bool parsed_ = false;
};

std::string Range(const UriTextRangeA& r) {
  if (r.first == nullptr || r.afterLast == nullptr) return {};
  return std::string(r.first, r.afterLast);
}

std::optional<std::string> ToString(UriUriA* uri) {
  int chars = 0;
  if (uriToStringCharsRequiredA(uri, &chars) != URI_SUCCESS) return std::nullopt;
  std::string out(static_cast<std::size_t>(chars) + 1, '\0');
  if (uriToStringA(out.data(), uri, chars + 1, nullptr) != URI_SUCCESS) return std::nullopt;
  out.resize(static_cast<std::size_t>(chars));
  return out;
}

// Drops the fragment, lower-cases scheme and host, drops a default port, and applies uriparser's
// syntax-based normalisation. Works in place on `uri`, which must be absolute.
std::optional<std::string> Finish(UriUriA* uri) {
  if (uri->scheme.first == nullptr) return std::nullopt;
  uri->fragment.first = nullptr;
  uri->fragment.afterLast = nullptr;
  const std::string scheme = text::AsciiLower(Range(uri->scheme));
  const std::string port = Range(uri->portText);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) {
    uri->portText.first = nullptr;
    uri->portText.afterLast = nullptr;
  }
  const unsigned mask = uriNormalizeSyntaxMaskRequiredA(uri);
  if (uriNormalizeSyntaxExA(uri, mask & (URI_NORMALIZE_SCHEME | URI_NORMALIZE_HOST | URI_NORMALIZE_PATH | URI_NORMALIZE_QUERY)) !=
      URI_SUCCESS)
    return std::nullopt;
  auto out = ToString(uri);
  if (!out) return std::nullopt;
  // Without an authority, a path that starts with "//" after the dot segments are gone ("http:/..//x")
  // would be read again as an authority ("http://x"): RFC 3986 section 5.2.4 and the URL standard
  // keep it a path by writing "/." before it.
  const bool has_host = uri->hostText.first != nullptr || uri->hostData.ip4 != nullptr || uri->hostData.ip6 != nullptr ||
                        uri->hostData.ipFuture.first != nullptr;
  if (!has_host && out->compare(scheme.size() + 1, 2, "//") == 0) out->insert(scheme.size() + 1, "/.");
  // An http(s) URL with a host and an empty path means "/" (without a host there is nothing to
  // fetch, and "http:" must stay as it is, or normalising it again would change it).
  if ((scheme == "http" || scheme == "https") && has_host && uri->pathHead == nullptr && uri->query.first == nullptr) {
    if (!text::EndsWith(*out, "/")) *out += "/";
  }
  return out;
}

}  // namespace

std::optional<Parts> Parse(std::string_view u) {
  Uri uri;
  if (!uri.Parse(std::string(text::Trim(u)))) return std::nullopt;
  UriUriA* p = uri.get();
  if (p->scheme.first == nullptr) return std::nullopt;
  Parts parts;
  parts.scheme = text::AsciiLower(Range(p->scheme));
  parts.host = text::AsciiLower(Range(p->hostText));
  const std::string port = Range(p->portText);
  if (!port.empty()) {
    try {
      parts.port = std::stoi(port);
    } catch (...) {
      return std::nullopt;
    }
  } else if (parts.scheme == "http") {
    parts.port = 80;
  } else if (parts.scheme == "https") {
    parts.port = 443;
  }
  // The segments lie one after another in the parsed text, each after a "/": when the first has a
  // "/" before it, the path is that stretch of text in one copy (the same bytes as joining them)
  const UriPathSegmentA* head = p->pathHead;
  const UriPathSegmentA* tail = p->pathTail;
  // (uriparser points an empty segment at a constant of its own, outside the text: then join them.)
  const char* begin = uri.text().data();
  const char* end = begin + uri.text().size();
  auto in_text = [&](const char* c) { return c != nullptr && c > begin && c <= end; };
  if (head != nullptr && tail != nullptr && in_text(head->text.first) && in_text(tail->text.afterLast) &&
      head->text.first <= tail->text.afterLast && head->text.first[-1] == '/') {
    parts.path.assign(head->text.first - 1, tail->text.afterLast);
  } else {
    std::string path;
    for (const UriPathSegmentA* seg = head; seg != nullptr; seg = seg->next) path += "/" + Range(seg->text);
    parts.path = path.empty() ? "/" : path;
  }
  parts.query = Range(p->query);
  return parts;
}

struct Resolver::Base {
  Uri uri;
};

Resolver::Resolver(std::string_view base) : base_(std::make_unique<Base>()) {
  if (!base_->uri.Parse(std::string(text::Trim(base))) || base_->uri.get()->scheme.first == nullptr) base_.reset();
}

Resolver::~Resolver() = default;

std::optional<std::string> Resolver::Resolve(std::string_view ref) const {
  if (base_ == nullptr) return std::nullopt;
  Uri r, out;
  if (!r.Parse(std::string(text::Trim(ref)))) return std::nullopt;
  if (uriAddBaseUriExA(out.get(), r.get(), base_->uri.get(), URI_RESOLVE_STRICTLY) != URI_SUCCESS) return std::nullopt;
  out.MarkParsed();
  return Finish(out.get());
}

std::optional<std::string> Resolve(std::string_view base, std::string_view ref) { return Resolver(base).Resolve(ref); }

std::optional<std::string> Normalize(std::string_view u) {
  Uri uri;
  if (!uri.Parse(std::string(text::Trim(u)))) return std::nullopt;
  return Finish(uri.get());
}

bool IsHttp(std::string_view u) {
  auto p = Parse(u);
  return p && (p->scheme == "http" || p->scheme == "https") && !p->host.empty();
}

bool SameHost(std::string_view a, std::string_view b) {
  auto pa = Parse(a), pb = Parse(b);
  return pa && pb && pa->host == pb->host;
}

std::string SchemeOf(std::string_view ref) {
  const std::string_view t = text::Trim(ref);
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (c == ':') return i == 0 ? std::string() : text::AsciiLower(t.substr(0, i));
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
  }
  return {};
}

std::string PercentDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

bool IsTrackingParam(std::string_view name) {
  const std::string n = text::AsciiLower(name);
  if (text::StartsWith(n, "utm_")) return true;
  static const char* kNames[] = {"gclid", "fbclid", "msclkid", "yclid", "dclid", "gbraid", "wbraid",
                                 "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "ttclid"};
  for (const char* k : kNames)
    if (n == k) return true;
  return false;
}

std::string StripTrackingParams(std::string_view u) {
  const auto q = u.find('?');
  if (q == std::string_view::npos) return std::string(u);
  const auto hash = u.find('#', q);
  const std::string_view query = u.substr(q + 1, hash == std::string_view::npos ? std::string_view::npos : hash - q - 1);
  std::string kept;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const std::string_view name = pair.substr(0, pair.find('='));
    if (!pair.empty() && !IsTrackingParam(PercentDecode(name))) {
      if (!kept.empty()) kept += '&';
      kept += pair;
    }
    start = end + 1;
  }
  std::string out(u.substr(0, q));
  if (!kept.empty()) out += "?" + kept;
  if (hash != std::string_view::npos) out += u.substr(hash);
  return out;
}

std::string RegistrableDomain(std::string_view host) {
  const std::string h = text::AsciiLower(host);
  if (h.empty()) return {};
  // IP addresses and single-label hosts (localhost) are their own domain.
  if (h.find_first_not_of("0123456789.") == std::string::npos || h.find(':') != std::string::npos ||
      h.find('.') == std::string::npos)
    return h;
  const char* d = psl_registrable_domain(psl_builtin(), h.c_str());
  return d != nullptr ? std::string(d) : h;
}

}  // namespace mmaudit::url
