#include "fetch/credentials.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::fetch {
namespace {

std::string OriginOf(const url::Parts& p) { return p.scheme + "://" + p.host + ":" + std::to_string(p.port); }

// RFC 9110 token characters.
bool IsTokenChar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); });
}

bool HasLineBreakOrNul(std::string_view s) { return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

bool DomainMatches(const FileCookie& c, const std::string& host) {
  const std::string domain = text::AsciiLower(c.domain);
  if (host == domain) return true;
  return c.include_subdomains && host.size() > domain.size() && text::EndsWith(host, "." + domain);
}

bool PathMatches(const std::string& cookie_path, const std::string& path) {
  if (cookie_path.empty() || cookie_path == "/") return true;
  if (!text::StartsWith(path, cookie_path)) return false;
  return path.size() == cookie_path.size() || cookie_path.back() == '/' || path[cookie_path.size()] == '/';
}

}  // namespace

bool Credentials::AppliesTo(const std::string& u) const {
  if (origins.empty()) return false;
  const auto p = url::Parse(u);
  if (!p || p->host.empty()) return false;
  return std::find(origins.begin(), origins.end(), OriginOf(*p)) != origins.end();
}

std::string Credentials::CookieHeaderFor(const std::string& u, std::int64_t now) const {
  if (!AppliesTo(u)) return {};
  const auto p = url::Parse(u);
  std::string out;
  auto add = [&out](const std::string& name, const std::string& value) {
    if (!out.empty()) out += "; ";
    out += name + "=" + value;
  };
  for (const auto& [name, value] : cookies) add(name, value);
  for (const FileCookie& c : file_cookies) {
    if (!DomainMatches(c, p->host) || !PathMatches(c.path, p->path)) continue;
    if (c.secure && p->scheme != "https") continue;
    if (c.expires != 0 && c.expires <= now) continue;
    add(c.name, c.value);
  }
  return out;
}

std::vector<std::string> CredentialOrigins(const std::vector<std::string>& start_urls) {
  std::vector<std::string> out;
  auto push = [&out](const std::string& o) {
    if (std::find(out.begin(), out.end(), o) == out.end()) out.push_back(o);
  };
  for (const std::string& s : start_urls) {
    const auto n = url::Normalize(s);
    const auto p = n ? url::Parse(*n) : std::nullopt;
    if (!p || p->host.empty() || (p->scheme != "http" && p->scheme != "https")) continue;
    push(OriginOf(*p));
    if (p->scheme == "http" && p->port == 80) push("https://" + p->host + ":443");
  }
  return out;
}

bool ParseHeaderOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos) {
    *error = "--header needs \"Name: value\"; this one has no \":\"";
    return false;
  }
  const std::string name(text::Trim(std::string_view(spec).substr(0, colon)));
  if (name.empty()) {
    *error = "--header has an empty name before \":\"";
    return false;
  }
  if (HasLineBreakOrNul(name) || !IsToken(name)) {
    // A name with a line break could be the value of another header: it is not echoed.
    *error = HasLineBreakOrNul(name) ? "--header name contains a line break (CR or LF)"
                                     : "--header name \"" + name +
                                           "\" has characters a header name cannot have (letters, digits and !#$%&'*+-.^_`|~ only)";
    return false;
  }
  if (text::EqualsIgnoreCase(name, "Cookie")) {
    *error = "--header Cookie: give cookies with --cookie NAME=VALUE, so that they join the site's own";
    return false;
  }
  for (const char* framing : {"Host", "Content-Length", "Transfer-Encoding", "Connection"})
    if (text::EqualsIgnoreCase(name, framing)) {
      *error = "--header " + name + ": this header is the HTTP client's to set";
      return false;
    }
  const std::string value(text::Trim(std::string_view(spec).substr(colon + 1)));
  if (HasLineBreakOrNul(value)) {
    *error = "--header " + name + ": the value contains a line break (CR or LF) or NUL, which would inject another header";
    return false;
  }
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      *error = "--header " + name + ": the value contains a control character";
      return false;
    }
  }
  *out = {name, value};
  return true;
}

bool ParseCookieOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos) {
    *error = "--cookie needs \"name=value\"; this one has no \"=\"";
    return false;
  }
  const std::string name(text::Trim(std::string_view(spec).substr(0, eq)));
  if (!IsToken(name)) {
    *error = HasLineBreakOrNul(name) || name.empty()
                 ? std::string("--cookie needs a name before \"=\" made of letters, digits and !#$%&'*+-.^_`|~")
                 : "--cookie name \"" + name + "\" has characters a cookie name cannot have";
    return false;
  }
  const std::string value(text::Trim(std::string_view(spec).substr(eq + 1)));
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c == 0x7f || c == ';') {
      *error = "--cookie " + name + ": the value contains " +
               (c == '\r' || c == '\n' ? std::string("a line break (CR or LF), which would inject a header")
                : c == ';'             ? std::string("\";\" (give each cookie as its own --cookie)")
                                       : std::string("whitespace or a control character"));
      return false;
    }
  }
  *out = {name, value};
  return true;
}

bool ParseUserOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos) {
    *error = "--user needs \"user:password\"; this one has no \":\"";
    return false;
  }
  if (colon == 0) {
    *error = "--user has an empty user name before \":\"";
    return false;
  }
  if (HasLineBreakOrNul(spec)) {
    *error = "--user contains a line break (CR or LF) or NUL";
    return false;
  }
  *out = {spec.substr(0, colon), spec.substr(colon + 1)};
  return true;
}

bool ParseCookieFile(const std::string& text, std::vector<FileCookie>* out, std::string* error) {
  std::vector<FileCookie> cookies;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view rest = line;
    if (text::StartsWith(rest, "#HttpOnly_")) rest.remove_prefix(10);
    else if (text::Trim(rest).empty() || rest.front() == '#') continue;
    std::vector<std::string> f;
    std::size_t start = 0;
    while (true) {
      const auto tab = rest.find('\t', start);
      f.emplace_back(rest.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    const std::string where = "line " + std::to_string(number) + ": ";
    if (f.size() == 6) f.emplace_back();
    if (f.size() != 7) {
      *error = where + "expected 7 tab-separated fields (domain, subdomains, path, secure, expiry, name, value), found " +
               std::to_string(f.size());
      return false;
    }
    FileCookie c;
    c.domain = text::AsciiLower(f[0]);
    while (!c.domain.empty() && c.domain.front() == '.') c.domain.erase(0, 1);
    if (c.domain.empty()) {
      *error = where + "the domain is empty";
      return false;
    }
    const std::string sub = text::AsciiLower(f[1]), sec = text::AsciiLower(f[3]);
    if ((sub != "true" && sub != "false") || (sec != "true" && sec != "false")) {
      *error = where + "the 2nd and 4th fields must be TRUE or FALSE";
      return false;
    }
    c.include_subdomains = sub == "true";
    c.secure = sec == "true";
    c.path = f[2].empty() ? "/" : f[2];
    char* end = nullptr;
    c.expires = std::strtoll(f[4].c_str(), &end, 10);
    if (f[4].empty() || end == nullptr || *end != '\0' || c.expires < 0) {
      *error = where + "the expiry (5th field) must be Unix seconds, or 0 for a session cookie";
      return false;
    }
    c.name = f[5];
    c.value = f[6];
    if (!IsToken(c.name)) {
      *error = where + "the cookie name (6th field) is empty or has characters a cookie name cannot have";
      return false;
    }
    if (std::any_of(c.value.begin(), c.value.end(), [](char ch) {
          const auto u = static_cast<unsigned char>(ch);
          return u < 0x20 || u == 0x7f || u == ';';
        })) {
      *error = where + "the cookie " + c.name + "'s value contains a control character or \";\"";
      return false;
    }
    cookies.push_back(std::move(c));
  }
  if (cookies.empty()) {
    *error = "it holds no cookie (expected Netscape cookie-file lines: domain, subdomains, path, secure, expiry, "
             "name, value separated by tabs)";
    return false;
  }
  *out = std::move(cookies);
  return true;
}

std::optional<CredentialsSummary> Summarize(const Credentials& c) {
  if (!c.Any()) return std::nullopt;
  CredentialsSummary s;
  for (const auto& h : c.headers) s.header_names.push_back(h.first);
  for (const auto& k : c.cookies) s.cookie_names.push_back(k.first);
  for (const auto& k : c.file_cookies) s.cookie_names.push_back(k.name);
  s.cookie_file = c.cookie_file;
  s.basic_auth = c.basic.has_value();
  s.origins = c.origins;
  return s;
}

std::string StripUserInfo(const std::string& url, std::optional<std::pair<std::string, std::string>>* user_password) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority), url.size());
  const std::size_t at = url.rfind('@', authority_end == 0 ? 0 : authority_end - 1);
  if (at == std::string::npos || at < authority) return url;
  const std::string info = url.substr(authority, at - authority);
  const std::size_t colon = info.find(':');
  *user_password = std::make_pair(url::PercentDecode(info.substr(0, colon)),
                                  colon == std::string::npos ? std::string() : url::PercentDecode(info.substr(colon + 1)));
  return url.substr(0, authority) + url.substr(at + 1);
}

}  // namespace mmaudit::fetch
