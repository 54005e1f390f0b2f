// robots.txt per RFC 9309 (the Robots Exclusion Protocol): parsing, user-agent group selection and
// longest-match allow/disallow with the "*" and "$" wildcards, plus the widely used extensions
// Crawl-delay and Sitemap. Pure and immutable after parsing; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fetch/fetcher.h"

namespace mmaudit::fetch {

// Only this much of a robots.txt is read (RFC 9309 asks for at least 500 KiB); fetchers stop there.
inline constexpr std::size_t kRobotsMaxBytes = 512 * 1024;

struct RobotsVerdict {
  bool allowed = true;
  std::string rule;   // the deciding rule as written, e.g. "Disallow: /checkout", or "" when none matched
  std::string group;  // the user-agent the group was chosen by ("mmaudit", "*"), or "" when none
};

class Robots {
 public:
  // Parses `body` for the crawler whose product token is `product_token` (e.g. "mmaudit"; matched
  // case-insensitively against user-agent lines). Only the first 512 KiB are read, as RFC 9309
  // allows; unknown or malformed lines are skipped and listed in problems(). Never fails.
  static Robots Parse(std::string_view body, std::string_view product_token);
  // What RFC 9309 says to assume when robots.txt is unavailable (4xx): everything allowed.
  static Robots AllowAll();
  // ... and when it is unreachable (5xx, network error): everything disallowed.
  static Robots DisallowAll();
  // What a fetch of robots.txt means, by RFC 9309: a failed fetch or a 5xx disallows all, a 4xx
  // allows all, anything else is parsed (see Parse). A body cut by the fetcher (Response::body_cut,
  // with FetchOptions::cut_body_bytes above kRobotsMaxBytes) is parsed like a longer file.
  static Robots FromResponse(const Response& r, std::string_view product_token);

  // The verdict for `path` (path and query of the URL, starting with "/", percent-encoding as sent).
  // "/robots.txt" itself is always allowed.
  RobotsVerdict Check(std::string_view path) const;
  bool Allowed(std::string_view path) const { return Check(path).allowed; }

  // Crawl-delay of the chosen group, in seconds, when given and valid.
  std::optional<double> crawl_delay() const { return crawl_delay_; }
  // Every Sitemap: URL in the file (they belong to no group), in order.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }
  // Lines that were ignored, e.g. "line 7: unknown directive \"Dissallow\"".
  const std::vector<std::string>& problems() const { return problems_; }
  // "parsed", "allow-all" or "disallow-all".
  const std::string& mode() const { return mode_; }

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;  // as written (normalised percent-encoding); a final "$" is the end anchor
    std::string text;     // "Disallow: /checkout", for RobotsVerdict::rule
  };
  std::vector<Rule> rules_;  // of the chosen group(s), merged
  std::string group_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
  std::vector<std::string> problems_;
  std::string mode_ = "allow-all";
  bool disallow_all_ = false;
};

}  // namespace mmaudit::fetch
