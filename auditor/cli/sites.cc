#include "cli/sites.h"

#include <set>
#include <sstream>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::cli {
namespace {

// A directory name for a site: its host, port and path in lower-case letters, digits and '-'.
std::string Slug(const url::Parts& p) {
  std::string raw = p.host;
  if (p.port != 0 && !((p.scheme == "http" && p.port == 80) || (p.scheme == "https" && p.port == 443)))
    raw += "-" + std::to_string(p.port);
  if (p.path != "/") raw += p.path;
  std::string slug;
  for (char c : raw) {
    const char l = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const bool keep = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (keep) slug += l;
    else if (!slug.empty() && slug.back() != '-') slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.size() > 60) slug.resize(60);
  return slug.empty() ? "site" : slug;
}

}  // namespace

bool ParseSitesFile(std::string_view text, std::vector<SiteEntry>* sites, std::string* error) {
  std::vector<SiteEntry> out;
  std::set<std::string> urls, dirs;
  std::istringstream lines{std::string(text)};
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::string_view t = text::Trim(line);
    if (t.empty() || t[0] == '#') continue;
    const std::size_t space = t.find_first_of(" \t");
    SiteEntry e;
    e.url = std::string(t.substr(0, space));
    if (space != std::string_view::npos) e.name = std::string(text::Trim(t.substr(space)));
    const auto parts = url::IsHttp(e.url) ? url::Parse(e.url) : std::nullopt;
    if (!parts || parts->host.empty()) {
      *error = "line " + std::to_string(number) + ": \"" + text::CollapseWhitespace(e.url) +
               "\" is not an absolute http(s) URL";
      return false;
    }
    if (!urls.insert(url::Normalize(e.url).value_or(e.url)).second) {
      *error = "line " + std::to_string(number) + ": " + e.url + " is listed twice";
      return false;
    }
    if (e.name.empty()) {
      e.name = parts->host;
      if (parts->port != 0 && !((parts->scheme == "http" && parts->port == 80) ||
                                (parts->scheme == "https" && parts->port == 443)))
        e.name += ":" + std::to_string(parts->port);
    }
    const std::string base = Slug(*parts);
    std::string slug = base;
    for (int k = 2; !dirs.insert(slug).second; ++k) slug = base + "-" + std::to_string(k);
    e.dir = "sites/" + slug;
    out.push_back(std::move(e));
  }
  if (out.empty()) {
    *error = "the sites file names no site";
    return false;
  }
  *sites = std::move(out);
  return true;
}

}  // namespace mmaudit::cli
