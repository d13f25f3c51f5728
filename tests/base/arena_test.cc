#include "engine/base/arena.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "platform/error.h"

namespace tinymlp {
namespace {

TEST(Arena, AllocationsAreAlignedAndCounted) {
  Arena arena(1000);
  void* a = arena.Allocate(1);
  void* b = arena.Allocate(65);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % Arena::kAlignment, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % Arena::kAlignment, 0u);
  EXPECT_EQ(static_cast<uint8_t*>(b) - static_cast<uint8_t*>(a), 64);
  EXPECT_EQ(arena.used(), 64u + 128u);
  EXPECT_EQ(arena.HighWater(), arena.used());
}

TEST(Arena, ResetToMarkKeepsHighWater) {
  Arena arena(4096);
  auto* base = static_cast<uint8_t*>(arena.Allocate(100));
  const size_t mark = arena.Mark();
  arena.Allocate(1000);
  const size_t peak = arena.used();
  arena.Reset(mark);
  EXPECT_EQ(arena.used(), mark);
  EXPECT_EQ(arena.HighWater(), peak);
  EXPECT_EQ(static_cast<uint8_t*>(arena.Allocate(10)) - base, static_cast<ptrdiff_t>(mark));
}

TEST(Arena, FullArenaThrowsWithSizes) {
  Arena arena(256);
  arena.Allocate(200);
  try {
    arena.Allocate(100);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("need 128 bytes"), std::string::npos) << e.what();
  }
  EXPECT_THROW(arena.Allocate(SIZE_MAX), Error);  // overflow when rounding up
}

TEST(Arena, MatricesArePaddedAndZeroed) {
  Arena arena(Arena::MatBytes<float>(17, 3));
  Mat m = arena.AllocateMat<float>(17, 3);
  EXPECT_EQ(m.ld, 32);
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < m.ld; ++r) EXPECT_EQ(m.data[r + c * m.ld], 0.0f);
  EXPECT_EQ(arena.used(), arena.capacity());
}

}  // namespace
}  // namespace tinymlp
