#include "html/parse_arena.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "html/document.h"
#include "html/query.h"
#include "tests/support/test_paths.h"

namespace mmaudit::html {
namespace {

TEST(ParseArena, HandsOutAlignedWritableBlocksThatDoNotOverlap) {
  ParseArena arena;
  std::vector<std::pair<char*, std::size_t>> blocks;
  for (std::size_t n : std::vector<std::size_t>{1, 7, 16, 33, 4096, 100, 3 * ParseArena::kChunkBytes, 5}) {
    auto* p = static_cast<char*>(arena.Allocate(n));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u) << n;
    std::memset(p, static_cast<int>(blocks.size()), n);
    blocks.emplace_back(p, n);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i)
    for (std::size_t k = 0; k < blocks[i].second; k += 97)
      EXPECT_EQ(blocks[i].first[k], static_cast<char>(i)) << "block " << i << " was overwritten";
  EXPECT_FALSE(arena.spilled());
  EXPECT_GE(arena.used(), 3 * ParseArena::kChunkBytes);
}

TEST(ParseArena, SpillsToMallocPastItsLimitAndFreesOnlySpilledBlocks) {
  ParseArena arena(64 * 1024);
  void* inside = arena.Allocate(1000);
  std::vector<void*> spilled;
  for (int i = 0; i < 200; ++i) spilled.push_back(arena.Allocate(1000));
  EXPECT_TRUE(arena.spilled());
  EXPECT_LE(arena.used(), 64u * 1024);
  arena.Free(inside);  // arena memory: ignored
  for (void* p : spilled) arena.Free(p);  // malloc'd memory: freed (ASan reports a leak otherwise)
  arena.Free(nullptr);
}

// A page whose tree does not fit a small arena parses to the same tree, and is freed without a leak
// or a double free (the sanitizer build checks both).
TEST(ParseArena, DocumentThatOutgrowsItsArenaParsesTheSameAndFreesCleanly) {
  const std::string html = testing::ReadFixture("fixtures/shops/demo/site/index.html");
  ParseLimits tiny;
  tiny.arena_bytes = 8 * 1024;
  const Document big = Document::Parse(html);
  Document small = Document::Parse(html, tiny);
  EXPECT_EQ(small.element_count(), big.element_count());
  EXPECT_EQ(small.max_depth(), big.max_depth());
  EXPECT_EQ(VisibleText(small.root(), 1 << 20), VisibleText(big.root(), 1 << 20));
  // Moving a document moves its tree and arena with it.
  Document moved = std::move(small);
  EXPECT_EQ(moved.element_count(), big.element_count());
  moved = Document::Parse("<p>replaced</p>", tiny);
  EXPECT_EQ(VisibleText(moved.root(), 100), "replaced");
}

}  // namespace
}  // namespace mmaudit::html
