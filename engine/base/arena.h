// Arena: the one place a run gets memory from, and the one place that knows how much it needs.
//
//   [ persistent: weights, gradients, optimizer state | per-run scratch: activations, batches ]
//   ^ base                                              ^ Mark()          ^ used()   capacity ^
//
// Allocate() bumps a pointer, 64-byte aligned, so every buffer starts on a cache line and a full
// SIMD vector. Nothing is freed piecemeal: Reset(mark) drops everything allocated after a mark.
// A training step allocates nothing; it only uses buffers carved out before the first step, which
// is why HighWater() after set-up is the whole memory cost of training.
//
// Sizing: measure, then build. No size is computed by hand. A measuring arena runs the very
// constructors that will carve the real buffers, with the same rounding, and only counts:
//
//     Arena::Measuring()              Arena(n)
//     +---------------------+         +----------------------------------------+
//     | used = 0            |         | one aligned_alloc of exactly n bytes   |
//     | Allocate(b): used += |  n =    | Allocate(b): p = base + used;          |
//     |   RoundUp(b), returns| ------> |   used += RoundUp(b), returns p        |
//     |   nullptr            | High-   |                                        |
//     +---------------------+ Water() +----------------------------------------+
//         T t(args..., measuring)         T t(args..., arena)  // the same code, for real
//
//   Arena arena(MeasureArena<Trainer>(shape, config, train, norm));
//   Trainer trainer(shape, config, train, norm, arena);   // arena.used() == arena.capacity()
//
// The contract that makes this work, for every class built on an arena: its constructor takes
// the Arena last, carves all its buffers from it, and writes through none of them while
// measuring() (the pointers are null). Zero filling is the arena's (AllocateArray skips it when
// measuring); any other value initialization (random weights, a shuffled index) comes after the
// carving, behind `if (arena.measuring()) return;`. An object built on a measuring arena is
// hollow: MeasureArena destroys it at once. Sizes add up: every allocation is a whole number of
// 64-byte lines, so the sum of two measurements is what building both on one arena takes.
//
// Running out is a programming error (the measurement and the construction disagree): it aborts
// with needed and available bytes (engine/base/check.h). Only the one allocation of the whole
// arena can fail for lack of memory, and that throws Error.
//
// Lifetimes: the arena owns its block and frees it when destroyed; every view carved from it
// dies with it. Not thread-safe: allocate during set-up, on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "engine/base/mat.h"

namespace tinymlp {

class Arena {
 public:
  static constexpr size_t kAlignment = 64;
  // An arena of kHugePageArenaBytes or more is allocated on a huge-page boundary, in whole
  // huge pages, and asked to be backed by them (platform/memory.h; see arena.cc for why).
  static constexpr size_t kHugePageBytes = size_t{2} << 20;
  static constexpr size_t kHugePageArenaBytes = size_t{4} << 20;

  // Takes `capacity_bytes` (rounded up to 64) with one allocation; throws Error if the system
  // has not got it.
  explicit Arena(size_t capacity_bytes);
  // An arena that allocates nothing and only counts (see the top of this file).
  static Arena Measuring() { return Arena(); }
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  bool measuring() const { return base_ == nullptr; }

  // Returns `bytes` of uninitialized memory, 64-byte aligned (nullptr when measuring). Aborts
  // when the arena cannot hold it: the arena was sized for less than is carved from it.
  void* Allocate(size_t bytes);

  // Zero-filled arrays and matrices (null, and not filled, when measuring). Matrices get
  // ld = rows rounded up to 16 floats, so every column starts 64-byte aligned.
  template <typename T>
  T* AllocateArray(size_t count) {
    T* p = static_cast<T*>(Allocate(count * sizeof(T)));
    if (p != nullptr) {
      for (size_t i = 0; i < count; ++i) p[i] = T();
    }
    return p;
  }
  template <typename T>
  MatView<T> AllocateMat(int rows, int cols) {
    const int ld = PaddedLd<T>(rows);
    return MatView<T>(AllocateArray<T>(static_cast<size_t>(ld) * cols), rows, cols, ld);
  }
  template <typename T>
  static int PaddedLd(int rows) {
    constexpr int per_line = static_cast<int>(kAlignment / sizeof(T));
    return (rows + per_line - 1) / per_line * per_line;
  }
  // Bytes AllocateMat<T>(rows, cols) takes: for a lone matrix beside measured objects.
  template <typename T>
  static size_t MatBytes(int rows, int cols) {
    return RoundUp(static_cast<size_t>(PaddedLd<T>(rows)) * cols * sizeof(T));
  }
  static size_t RoundUp(size_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

  size_t Mark() const { return used_; }
  void Reset(size_t mark);
  size_t used() const { return used_; }
  // The block's size; SIZE_MAX for a measuring arena.
  size_t capacity() const { return capacity_; }
  size_t HighWater() const { return high_water_; }

 private:
  Arena();  // measuring

  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, FreeDeleter> base_;  // null: measuring
  size_t capacity_;
  size_t used_ = 0;
  size_t high_water_ = 0;
};

// The bytes constructing T(args..., arena) takes from its arena, found by constructing it on a
// measuring arena (so T must follow the contract at the top of this file).
template <class T, class... Args>
size_t MeasureArena(Args&&... args) {
  Arena measuring = Arena::Measuring();
  { T hollow(std::forward<Args>(args)..., measuring); }
  return measuring.HighWater();
}

}  // namespace tinymlp
