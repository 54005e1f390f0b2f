// What gzip would send for a body sent without compression: one estimate for the page facts
// (facts/extract.cc) and the subresource loader (fetch/resource_loader.h).
#pragma once

#include <cstdint>
#include <string_view>

namespace mmaudit::fetch {

// The size of `body` after deflate at level 6 plus gzip's 18 bytes of header and trailer;
// body.size() when zlib fails.
std::uint64_t DeflatedSize(std::string_view body);

}  // namespace mmaudit::fetch
