#include "facts/performance.h"

namespace mmaudit::facts {
namespace {
constexpr ResourceType kAllTypes[] = {ResourceType::kDocument, ResourceType::kStylesheet, ResourceType::kScript,
                                      ResourceType::kImage,    ResourceType::kFont,       ResourceType::kMedia,
                                      ResourceType::kOther};
}  // namespace

const char* ResourceTypeName(ResourceType t) {
  switch (t) {
    case ResourceType::kDocument: return "document";
    case ResourceType::kStylesheet: return "stylesheet";
    case ResourceType::kScript: return "script";
    case ResourceType::kImage: return "image";
    case ResourceType::kFont: return "font";
    case ResourceType::kMedia: return "media";
    case ResourceType::kOther: return "other";
  }
  return "other";
}

std::optional<ResourceType> ResourceTypeFromName(const std::string& name) {
  for (ResourceType t : kAllTypes)
    if (name == ResourceTypeName(t)) return t;
  return std::nullopt;
}

}  // namespace mmaudit::facts
