// Credentials for a site behind a login or a staging gate: custom request headers (--header),
// cookies (--cookie, --cookie-file in the Netscape cookie-file format) and HTTP basic auth (--user).
//
// They are sent only to the audited site's own origins (the start URLs' scheme://host:port, and the
// https origin of a start URL's host when it is http on port 80, the usual upgrade redirect); never
// to a third-party host, not even one on the same host name and another port. Each hop of a redirect
// chain is judged on its own URL, so a redirect to another host carries none of them (libcurl's
// CURLOPT_UNRESTRICTED_AUTH stays off). The values are secrets: nothing here or above prints them;
// Summarize gives what a report may show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mmaudit::fetch {

// One cookie of a Netscape cookie file (the format libcurl's CURLOPT_COOKIEFILE and curl -b read).
struct FileCookie {
  std::string domain;              // without a leading "."
  bool include_subdomains = false;  // the second field, "TRUE"
  std::string path = "/";
  bool secure = false;             // only over https
  std::int64_t expires = 0;        // Unix seconds; 0: a session cookie, never expires here
  std::string name;
  std::string value;
};

struct Credentials {
  std::vector<std::pair<std::string, std::string>> headers;  // (name, value) as given, in order
  std::vector<std::pair<std::string, std::string>> cookies;  // --cookie (name, value), in order
  std::string cookie_file;                                   // its path ("" when none), for the report
  std::vector<FileCookie> file_cookies;                      // read from cookie_file
  std::optional<std::pair<std::string, std::string>> basic;  // --user (user, password)
  std::vector<std::string> origins;  // "scheme://host:port" (lower case) the credentials go to

  // True when there is anything to send.
  bool Any() const { return !headers.empty() || !cookies.empty() || !file_cookies.empty() || basic.has_value(); }
  // True when `url` (absolute, normalised or not) is on one of `origins`; false for anything else,
  // including a URL that cannot be parsed.
  bool AppliesTo(const std::string& url) const;
  // The Cookie header value for `url` ("a=1; b=2": the --cookie ones, then the file's cookies whose
  // domain, path, secure flag and expiry match at `now_epoch_seconds`), or "" when none apply or
  // `url` is not on an audited origin.
  std::string CookieHeaderFor(const std::string& url, std::int64_t now_epoch_seconds) const;
};

// The origins credentials go to for these start URLs (see the file comment). URLs that cannot be
// parsed are left out.
std::vector<std::string> CredentialOrigins(const std::vector<std::string>& start_urls);

// Parsers for the command-line options. Each returns false with *error set to a message that names
// the problem without repeating the secret value; on success it fills its output.
// "Name: value": a non-empty RFC 9110 token as the name, a value without CR, LF or NUL (header
// injection) and without other control characters except tab; surrounding spaces are trimmed.
// Cookie (use --cookie) and Host, Content-Length, Transfer-Encoding and Connection are refused.
bool ParseHeaderOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error);
// "name=value": a token as the name, a value without control characters, ";" or whitespace.
bool ParseCookieOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error);
// "user:password": split at the first ":"; the user must not be empty; no CR, LF or NUL.
bool ParseUserOption(const std::string& spec, std::pair<std::string, std::string>* out, std::string* error);
// A Netscape cookie file's text: "#" lines are comments except the "#HttpOnly_" prefix of a domain;
// blank lines are skipped; every other line has 7 tab-separated fields (domain, subdomains flag,
// path, secure flag, expiry, name, value; a missing 7th field is an empty value). A malformed line
// is an error naming its line number; a file with no cookie is an error too.
bool ParseCookieFile(const std::string& text, std::vector<FileCookie>* out, std::string* error);

// `url` without the user:password@ of its authority (a secret that would otherwise reach every
// report and log line that names the URL). When it had one, *user_password is set to the user and
// password, percent-decoded (the password "" when none was given), for use as basic auth; otherwise
// it is left alone. A string that is not a URL with an authority is returned as it is.
std::string StripUserInfo(const std::string& url, std::optional<std::pair<std::string, std::string>>* user_password);

// What a report may say about the credentials: names only, never values.
struct CredentialsSummary {
  std::vector<std::string> header_names;  // in order given
  std::vector<std::string> cookie_names;  // --cookie, then the file's
  std::string cookie_file;                // "" when none
  bool basic_auth = false;
  std::vector<std::string> origins;
};
std::optional<CredentialsSummary> Summarize(const Credentials& c);  // nullopt when !c.Any()

}  // namespace mmaudit::fetch
