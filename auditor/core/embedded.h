// Data files compiled into the binary (see cmake/embed.cmake): the default rule catalogue under
// "rules/", the report stylesheet under "reports/templates/" and the JSON schema under
// "reports/schema/". The bytes live for the whole program; callers never free them.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace mmaudit::embedded {

struct File {
  std::string_view path;  // relative to the source tree, e.g. "rules/know.json"
  std::string_view data;
};

// Every embedded file, in the order CMake listed them.
const std::vector<File>& Files();

// The file at `path`, or nullopt when nothing with that path was embedded.
inline std::optional<std::string_view> Find(std::string_view path) {
  for (const File& f : Files())
    if (f.path == path) return f.data;
  return std::nullopt;
}

}  // namespace mmaudit::embedded
