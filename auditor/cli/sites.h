// The sites file of a several-site run (`mmaudit audit --sites FILE`, issue 9): which shops to
// audit, and the directory each one's reports go to under --out-dir.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::cli {

struct SiteEntry {
  std::string url;   // the start URL
  std::string name;  // as written after the URL; the URL's host (and port, when not the default) if none
  std::string dir;   // "sites/<slug>": lower-case letters, digits and '-' only, unique in the file
};

// Reads a sites file: one site per line, "URL [name]" (the name is the rest of the line), blank
// lines and lines starting with '#' ignored. Returns true and fills *sites (in file order) on
// success; false with *error naming the line when a line's URL is not an absolute http(s) URL, when
// a URL comes twice, or when the file names no site.
bool ParseSitesFile(std::string_view text, std::vector<SiteEntry>* sites, std::string* error);

}  // namespace mmaudit::cli
