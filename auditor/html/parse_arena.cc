#include "html/parse_arena.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace mmaudit::html {

namespace {

constexpr std::size_t kAlign = 16;
// Standard-size chunks kept per thread between parses: enough for pages of a few hundred KB.
constexpr std::size_t kMaxCachedChunks = 8;
// Freed when the thread ends.
struct ChunkCache {
  std::vector<char*> chunks;
  ~ChunkCache() {
    for (char* c : chunks) std::free(c);
  }
};
thread_local ChunkCache chunk_cache;

char* NewChunk(std::size_t size) {
  if (size == ParseArena::kChunkBytes && !chunk_cache.chunks.empty()) {
    char* c = chunk_cache.chunks.back();
    chunk_cache.chunks.pop_back();
    return c;
  }
  void* p = std::aligned_alloc(kAlign, size);
  if (p == nullptr) {
    std::fputs("mmaudit: out of memory while parsing HTML\n", stderr);
    std::abort();
  }
  return static_cast<char*>(p);
}

}  // namespace

ParseArena::~ParseArena() {
  for (const Chunk& c : chunks_) {
    if (c.size == kChunkBytes && chunk_cache.chunks.size() < kMaxCachedChunks)
      chunk_cache.chunks.push_back(c.data);
    else
      std::free(c.data);
  }
}

void* ParseArena::Allocate(std::size_t bytes) {
  bytes = std::max<std::size_t>(kAlign, (bytes + kAlign - 1) & ~(kAlign - 1));
  if (bytes > left_) {
    // Chunks are kChunkBytes (or the limit, if smaller), or the block's size if it is larger.
    const std::size_t size = std::max(std::min(kChunkBytes, limit_), bytes);
    if (reserved_ + size > limit_) {
      spilled_ = true;
      void* p = std::malloc(bytes);
      if (p == nullptr) {
        std::fputs("mmaudit: out of memory while parsing HTML\n", stderr);
        std::abort();
      }
      return p;
    }
    // A block larger than a chunk gets a chunk of its own, and the current chunk's rest stays in use.
    char* data = NewChunk(size);
    chunks_.push_back({data, size});
    reserved_ += size;
    if (size > std::min(kChunkBytes, limit_) && left_ > 0) {
      used_ += bytes;
      return data;
    }
    next_ = data;
    left_ = size;
  }
  void* p = next_;
  next_ += bytes;
  left_ -= bytes;
  used_ += bytes;
  return p;
}

bool ParseArena::InChunks(const void* p) const {
  const char* c = static_cast<const char*>(p);
  for (const Chunk& k : chunks_)
    if (c >= k.data && c < k.data + k.size) return true;
  return false;
}

void ParseArena::Free(void* p) {
  if (p == nullptr || !spilled_ || InChunks(p)) return;
  std::free(p);
}

void* ParseArena::GumboAllocate(void* userdata, std::size_t bytes) {
  return static_cast<ParseArena*>(userdata)->Allocate(bytes);
}

void ParseArena::GumboFree(void* userdata, void* p) { static_cast<ParseArena*>(userdata)->Free(p); }

}  // namespace mmaudit::html
