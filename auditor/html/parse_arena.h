// The memory one Gumbo parse allocates from (GumboOptions::allocator/deallocator).
//
// Gumbo makes many small allocations while it parses (nodes, attribute vectors, growing string
// buffers) and frees them one by one when the tree is destroyed. A parse tree is always thrown away
// whole, so an arena serves it better: allocation is a pointer bump, frees are no-ops, and the tree
// goes in one step by releasing the arena instead of walking it node by node. Chunks are kept per
// thread for the next parse, so a warmed-up worker touches no new pages either.
//
// Memory stays bounded on hostile pages: once an arena's chunks hold `limit` bytes, further
// allocations go to malloc and are freed one by one (spilled() becomes true, and the owner must then destroy the
// tree with gumbo_destroy_output before releasing the arena, so the spilled blocks are freed).
#pragma once

#include <cstddef>
#include <vector>

namespace mmaudit::html {

class ParseArena {
 public:
  static constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
  static constexpr std::size_t kDefaultLimit = std::size_t{64} << 20;

  explicit ParseArena(std::size_t limit = kDefaultLimit) : limit_(limit) {}
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;
  // Gives its chunks back (standard-size ones to this thread's cache, others to the system).
  ~ParseArena();

  // `bytes` of memory aligned to 16, valid until the arena is destroyed (or until Free for a
  // spilled block). Never null: allocation failure aborts, as Gumbo's own malloc use does.
  void* Allocate(std::size_t bytes);
  // Frees `p` if it is a spilled (malloc'd) block; does nothing for arena memory or null.
  void Free(void* p);

  bool spilled() const { return spilled_; }
  // Bytes handed out from chunks so far (not counting spilled blocks).
  std::size_t used() const { return used_; }

  // The GumboOptions callbacks; `userdata` is the ParseArena.
  static void* GumboAllocate(void* userdata, std::size_t bytes);
  static void GumboFree(void* userdata, void* p);

 private:
  bool InChunks(const void* p) const;

  struct Chunk {
    char* data;
    std::size_t size;
  };
  std::vector<Chunk> chunks_;
  char* next_ = nullptr;    // free space in the last chunk
  std::size_t left_ = 0;
  std::size_t used_ = 0;
  std::size_t reserved_ = 0;  // bytes of all chunks
  std::size_t limit_;
  bool spilled_ = false;
};

}  // namespace mmaudit::html
