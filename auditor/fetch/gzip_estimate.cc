#include "fetch/gzip_estimate.h"

#include <zlib.h>

#include <string>

namespace mmaudit::fetch {

std::uint64_t DeflatedSize(std::string_view body) {
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(body.data()),
                static_cast<uLong>(body.size()), 6) != Z_OK)
    return body.size();
  return size + 18;  // gzip's header and trailer
}

}  // namespace mmaudit::fetch
