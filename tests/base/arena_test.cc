// The arena: alignment, marks, the measuring mode that sizes every arena, and running out as the
// programming error it is (an abort with the sizes, not an exception a caller could take for bad
// data).
#include "engine/base/arena.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace tinymlp {
namespace {

TEST(Arena, AllocationsAreAlignedAndCounted) {
  Arena arena(1000);
  EXPECT_FALSE(arena.measuring());
  void* a = arena.Allocate(1);
  void* b = arena.Allocate(65);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % Arena::kAlignment, 0u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % Arena::kAlignment, 0u);
  EXPECT_EQ(static_cast<uint8_t*>(b) - static_cast<uint8_t*>(a), 64);
  EXPECT_EQ(arena.used(), 64u + 128u);
  EXPECT_EQ(arena.HighWater(), arena.used());
}

TEST(Arena, ALargeArenaStartsOnAHugePageAndKeepsItsCapacity) {
  const size_t bytes = Arena::kHugePageArenaBytes + 100;
  Arena arena(bytes);
  EXPECT_EQ(arena.capacity(), Arena::RoundUp(bytes));
  auto* first = static_cast<uint8_t*>(arena.Allocate(Arena::kAlignment));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(first) % Arena::kHugePageBytes, 0u);
  // All of the capacity is usable and writable, to its last byte.
  auto* rest = static_cast<uint8_t*>(arena.Allocate(arena.capacity() - Arena::kAlignment));
  rest[0] = 1;
  rest[arena.capacity() - Arena::kAlignment - 1] = 2;
  EXPECT_EQ(arena.used(), arena.capacity());
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

TEST(Arena, MatricesArePaddedAndZeroed) {
  Arena arena(Arena::MatBytes<float>(17, 3));
  Mat m = arena.AllocateMat<float>(17, 3);
  EXPECT_EQ(m.ld, 32);
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < m.ld; ++r) EXPECT_EQ(m.data[r + c * m.ld], 0.0f);
  EXPECT_EQ(arena.used(), arena.capacity());
}

// The same sequence of requests on a measuring arena and on a real one.
void Carve(Arena& arena) {
  arena.Allocate(1);
  arena.AllocateArray<double>(9);
  arena.AllocateMat<float>(17, 3);
  const size_t mark = arena.Mark();
  arena.AllocateArray<uint8_t>(1000);
  arena.Reset(mark);
  arena.AllocateArray<int32_t>(5);
}

TEST(Arena, MeasuringCountsWhatARealArenaTakesAndAllocatesNothing) {
  Arena measuring = Arena::Measuring();
  EXPECT_TRUE(measuring.measuring());
  EXPECT_EQ(measuring.Allocate(100), nullptr);
  EXPECT_EQ(measuring.AllocateArray<float>(10), nullptr);  // and nothing is filled
  EXPECT_EQ(measuring.AllocateMat<float>(5, 2).data, nullptr);
  EXPECT_EQ(measuring.used(), 128u + 64u + 128u);
  measuring.Reset(0);
  Carve(measuring);
  // 64 + 128 (9 doubles) + 384 (32 x 3 floats), then 1024 dropped by the reset, then 64.
  EXPECT_EQ(measuring.used(), 64u + 128u + 384u + 64u);
  EXPECT_EQ(measuring.HighWater(), 64u + 128u + 384u + 1024u);

  Arena real(measuring.HighWater());
  Carve(real);
  EXPECT_EQ(real.used(), measuring.used());
  EXPECT_EQ(real.HighWater(), real.capacity());
}

// A class following arena.h's contract: carves in its constructor, the arena last.
struct TwoBuffers {
  float* a;
  Mat b;
  TwoBuffers(int n, int rows, Arena& arena)
      : a(arena.AllocateArray<float>(n)), b(arena.AllocateMat<float>(rows, 2)) {}
};

TEST(Arena, MeasureArenaSizesAnObjectExactly) {
  const size_t bytes = MeasureArena<TwoBuffers>(20, 33);
  EXPECT_EQ(bytes, 128u + 2 * 48 * sizeof(float));
  Arena arena(bytes);
  TwoBuffers t(20, 33, arena);
  EXPECT_NE(t.a, nullptr);
  EXPECT_EQ(arena.used(), arena.capacity());
  // Measurements add up: two objects on one arena take the sum of their sizes.
  Arena both = Arena::Measuring();
  TwoBuffers x(3, 1, both), y(20, 33, both);
  EXPECT_EQ(both.used(), MeasureArena<TwoBuffers>(3, 1) + bytes);
}

TEST(ArenaDeathTest, RunningOutAbortsWithTheSizes) {
  Arena arena(256);
  arena.Allocate(150);  // 192 with the padding
  EXPECT_DEATH(arena.Allocate(100),
               "internal error.*arena too small: need 100 bytes, 64 of 256 left");
  // Rounding SIZE_MAX up to the alignment overflows: caught, not wrapped around.
  EXPECT_DEATH(Arena(1024).Allocate(SIZE_MAX), "arena too small");
}

}  // namespace
}  // namespace tinymlp
