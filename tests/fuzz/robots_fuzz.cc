// robots.txt: fetch::Robots::Parse on the input, then verdicts for a few paths, including the paths
// of the file's own rules.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fetch/robots.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mmaudit;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const fetch::Robots robots = fetch::Robots::Parse(body, "mmaudit");
  // RFC 9309: /robots.txt itself is always allowed.
  FUZZ_CHECK(robots.Allowed("/robots.txt"));
  for (const char* path : {"/", "/checkout", "/cart?x=1", "/a%2Fb", "/%E2%82%AC/", "/products/boots.html$"})
    (void)robots.Check(path);
  // Each line of the input taken as a path too: the matcher meets the same wildcards it parsed.
  std::size_t start = 0;
  for (int n = 0; start < body.size() && n < 64; ++n) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string path(line.substr(colon + 1));
      path.erase(0, path.find_first_not_of(" \t"));
      if (!path.empty() && path[0] == '/') (void)robots.Check(path);
    }
    start = end + 1;
  }
  if (robots.crawl_delay()) FUZZ_CHECK(*robots.crawl_delay() >= 0);
  return 0;
}
