// Reading the gzip-compressed pages of ../shared/corpora for the bench programs.
#pragma once

#include <zlib.h>

#include <string>

namespace mmaudit::bench {

// The decompressed bytes of the gzip file at `path`; "" when it cannot be opened. A truncated or
// corrupt file yields the bytes read before the damage.
inline std::string GunzipFile(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return {};
  std::string out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

}  // namespace mmaudit::bench
