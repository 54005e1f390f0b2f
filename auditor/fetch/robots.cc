// robots.txt per RFC 9309. See robots.h.
//
// Decisions on points the RFC leaves open (or that come from Google's conventions):
// - Only the first 512 KiB are parsed (the RFC asks for at least 500 KiB). A line cut by that
//   limit is dropped rather than half-read, so "Disallow: /checkout" cannot become "/ch".
// - Groups are not ended by blank lines, only by a user-agent line that follows a rule. Records
//   that are not rules (Sitemap, Crawl-delay, Host ...) never end a run of user-agent lines
//   (RFC 9309 section 2.2.4).
// - A user-agent value matches when its leading product-token characters [a-zA-Z_-] equal our
//   token case-insensitively ("MMAudit/0.1" matches "mmaudit"; "mmaudit-extended" does not).
//   The value "*" (optionally followed by whitespace and anything) names the "*" group.
// - Several groups for our token (or, failing that, for "*") are merged. Their Crawl-delay is the
//   largest valid one among them (the most polite reading).
// - Both patterns and paths are compared in a canonical percent-encoding: "%xx" of an unreserved
//   character is decoded, other "%xx" get upper-case hex, a "%" not followed by two hex digits
//   becomes "%25", and control, space and non-ASCII octets are encoded. Reserved characters are
//   compared as they are written ("/a%2Fb" is not "/a/b"), except "*" and "$" in the path, which
//   are encoded so that the patterns "%2A" and "%24" match them literally (RFC 9309 section 2.2.3).
//   In a pattern "*" is the wildcard and "$" is the end anchor only as the last character;
//   elsewhere "$" is literal.
// - Rule length (priority) is the length of the canonical pattern, counting "*" and "$", as
//   Google's open-source parser does; on a tie Allow wins.
// - A pattern that starts with neither "/" nor "*" can never match a path; it is ignored and
//   listed as a problem. An empty Allow or Disallow matches nothing.
#include "fetch/robots.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>

#include "core/text.h"

namespace mmaudit::fetch {
namespace {

constexpr std::size_t kMaxBytes = kRobotsMaxBytes;
constexpr std::size_t kMaxProblems = 100;

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void AppendEncoded(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

// The canonical form described at the top of this file. With `pattern`, "*" stays the wildcard
// and a final "$" stays the anchor; otherwise both are encoded as data.
std::string Canonical(std::string_view s, bool pattern) {
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      const bool two_more = i + 2 < s.size();
      const int hi = two_more ? HexValue(s[i + 1]) : -1;
      const int lo = two_more ? HexValue(s[i + 2]) : -1;
      if (hi >= 0 && lo >= 0) {
        const auto decoded = static_cast<unsigned char>(hi * 16 + lo);
        if (IsUnreserved(decoded)) out.push_back(static_cast<char>(decoded));
        else AppendEncoded(decoded, &out);
        i += 2;
      } else {
        AppendEncoded('%', &out);
      }
    } else if (c == '*') {
      if (pattern) out.push_back('*');
      else AppendEncoded(c, &out);
    } else if (c == '$') {
      if (pattern && i + 1 == s.size()) out.push_back('$');
      else AppendEncoded(c, &out);
    } else if (c <= 0x20 || c >= 0x7F) {
      AppendEncoded(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// True when canonical `pattern` matches the start of canonical `path` (all of it with a final "$").
// Iterative glob with one backtracking point (the latest "*"): O(|pattern| * |path|) at worst and
// usually linear, never exponential, whatever the number of wildcards.
bool PatternMatches(std::string_view pattern, std::string_view path) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  std::size_t i = 0;  // in path
  std::size_t j = 0;  // in pattern
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;  // path position the latest "*" currently stops at
  while (i < path.size()) {
    if (j < pattern.size() && pattern[j] == '*') {
      star = j++;
      mark = i;
    } else if (j < pattern.size() && pattern[j] == path[i]) {
      ++i;
      ++j;
    } else if (j == pattern.size() && !anchored) {
      return true;  // the pattern is a prefix of the path
    } else if (star != std::string_view::npos) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < pattern.size() && pattern[j] == '*') ++j;
  return j == pattern.size();
}

// The leading product-token characters of a user-agent value or of our own token, lower-cased:
// "MMAudit/0.1" -> "mmaudit".
std::string LeadingProductToken(std::string_view s) {
  std::string out;
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-') out.push_back(LowerAscii(c));
    else break;
  }
  return out;
}

// A value quoted for a problem message: valid UTF-8, at most 60 code points.
std::string Quoted(std::string_view s) { return "\"" + text::Truncate(text::SanitizeUtf8(s), 60) + "\""; }

std::optional<double> ParseDelay(std::string_view value) {
  if (value.empty() || value.front() == '-' || value.front() == '+') return std::nullopt;
  double d = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), d, std::chars_format::fixed);
  if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(d) || d < 0) return std::nullopt;
  return d;
}

}  // namespace

Robots Robots::Parse(std::string_view body, std::string_view product_token) {
  Robots robots;
  robots.mode_ = "parsed";
  std::vector<std::string> problems;
  std::size_t dropped_problems = 0;
  auto problem = [&](std::size_t line_no, const std::string& what) {
    if (problems.size() < kMaxProblems) problems.push_back("line " + std::to_string(line_no) + ": " + what);
    else ++dropped_problems;
  };

  if (body.size() > kMaxBytes) {
    robots.problems_.push_back("the file has more than " + std::to_string(kMaxBytes) + " bytes; only the first " +
                               std::to_string(kMaxBytes) + " were read");
    body = body.substr(0, kMaxBytes);
    // Drop the line the limit cut through, unless it is the only one.
    const std::size_t last_break = body.find_last_of("\r\n");
    if (last_break != std::string_view::npos) body = body.substr(0, last_break + 1);
  }
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);

  const std::string own_token = LeadingProductToken(product_token);

  struct Group {
    bool specific = false;  // a user-agent line names our token
    bool global = false;    // a user-agent line is "*"
    std::vector<Rule> rules;
    std::optional<double> crawl_delay;
  };
  std::vector<Group> groups;
  bool in_agent_lines = false;  // the last record of the current group was a user-agent line

  std::size_t pos = 0;
  std::size_t line_no = 0;
  while (pos < body.size()) {
    std::size_t end = body.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end;
    if (pos < body.size()) pos += (body[pos] == '\r' && pos + 1 < body.size() && body[pos + 1] == '\n') ? 2 : 1;
    ++line_no;

    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = TrimWs(line);
    if (line.empty()) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      problem(line_no, "no \":\" in " + Quoted(line));
      continue;
    }
    const std::string_view key = TrimWs(line.substr(0, colon));
    const std::string_view value = TrimWs(line.substr(colon + 1));
    const std::string lkey = text::AsciiLower(key);

    if (lkey == "user-agent") {
      if (!in_agent_lines) groups.emplace_back();
      in_agent_lines = true;
      Group& group = groups.back();
      if (value.empty()) {
        problem(line_no, "empty user-agent");
      } else if (value.front() == '*' && (value.size() == 1 || IsWs(value[1]))) {
        group.global = true;
      } else {
        const std::string token = LeadingProductToken(value);
        if (token.empty()) problem(line_no, "user-agent " + Quoted(value) + " does not start with a product token");
        else if (token == own_token) group.specific = true;
      }
    } else if (lkey == "allow" || lkey == "disallow") {
      if (groups.empty()) {
        problem(line_no, "rule outside any group (before the first user-agent line)");
        continue;
      }
      in_agent_lines = false;
      if (value.empty()) continue;  // matches nothing (RFC 9309 empty-pattern)
      if (value.front() != '/' && value.front() != '*') {
        problem(line_no, "path " + Quoted(value) + " starts with neither \"/\" nor \"*\"");
        continue;
      }
      Rule rule;
      rule.allow = lkey == "allow";
      rule.pattern = Canonical(value, /*pattern=*/true);
      rule.text = std::string(rule.allow ? "Allow: " : "Disallow: ") + std::string(value);
      groups.back().rules.push_back(std::move(rule));
    } else if (lkey == "crawl-delay") {
      const std::optional<double> delay = ParseDelay(value);
      if (!delay) problem(line_no, "invalid crawl-delay " + Quoted(value));
      else if (groups.empty()) problem(line_no, "crawl-delay outside any group");
      else groups.back().crawl_delay = std::max(groups.back().crawl_delay.value_or(0.0), *delay);
    } else if (lkey == "sitemap") {
      if (text::StartsWithIgnoreCase(value, "http://") || text::StartsWithIgnoreCase(value, "https://")) {
        robots.sitemaps_.emplace_back(value);
      } else if (!value.empty() && value[0] == '/') {
        // Not what the protocol says, but common; crawlers resolve it against the site, and so do we.
        robots.sitemaps_.emplace_back(value);
        problem(line_no, "sitemap " + Quoted(value) + " is relative; resolved against the site");
      } else {
        problem(line_no, "sitemap " + Quoted(value) + " is not an absolute http(s) URL");
      }
    } else if (lkey == "host" || lkey == "clean-param" || lkey == "request-rate" || lkey == "visit-time") {
      // Well-known extensions with no meaning for us.
    } else {
      problem(line_no, "unknown directive " + Quoted(key));
    }
  }

  bool any_specific = false;
  bool any_global = false;
  for (const Group& g : groups) {
    any_specific |= g.specific;
    any_global |= g.global;
  }
  if (any_specific || any_global) {
    robots.group_ = any_specific ? own_token : "*";
    for (Group& g : groups) {
      if (any_specific ? !g.specific : !g.global) continue;
      for (Rule& r : g.rules) robots.rules_.push_back(std::move(r));
      if (g.crawl_delay) robots.crawl_delay_ = std::max(robots.crawl_delay_.value_or(0.0), *g.crawl_delay);
    }
  }

  for (std::string& p : problems) robots.problems_.push_back(std::move(p));
  if (dropped_problems > 0) robots.problems_.push_back("... and " + std::to_string(dropped_problems) + " more problems");
  return robots;
}

Robots Robots::AllowAll() {
  Robots robots;
  robots.mode_ = "allow-all";
  return robots;
}

Robots Robots::DisallowAll() {
  Robots robots;
  robots.mode_ = "disallow-all";
  robots.disallow_all_ = true;
  return robots;
}

Robots Robots::FromResponse(const Response& r, std::string_view product_token) {
  if (!r.ok() || r.status >= 500) return DisallowAll();
  if (r.status >= 400) return AllowAll();
  return Parse(r.body, product_token);
}

RobotsVerdict Robots::Check(std::string_view path) const {
  if (const std::size_t hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  std::string canonical = Canonical(path, /*pattern=*/false);
  if (canonical.empty()) canonical = "/";
  if (canonical == "/robots.txt") return RobotsVerdict{true, "", group_};
  if (disallow_all_) return RobotsVerdict{false, "", ""};

  const Rule* best = nullptr;
  for (const Rule& rule : rules_) {
    if (best != nullptr && rule.pattern.size() < best->pattern.size()) continue;
    if (best != nullptr && rule.pattern.size() == best->pattern.size() && (best->allow || !rule.allow)) continue;
    if (PatternMatches(rule.pattern, canonical)) best = &rule;
  }
  if (best == nullptr) return RobotsVerdict{true, "", group_};
  return RobotsVerdict{best->allow, best->text, group_};
}

}  // namespace mmaudit::fetch
