// Arena: the one place a run gets memory from.
//
//   [ persistent: weights, gradients, optimizer state | per-run scratch: activations, batches ]
//   ^ base                                              ^ Mark()          ^ used()   capacity ^
//
// The caller decides the capacity up front (every size is computed from the configuration),
// the arena takes it with one allocation, and Allocate() bumps a pointer, 64-byte aligned so
// every buffer starts on a cache line and a full SIMD vector. Nothing is freed piecemeal:
// Reset(mark) drops everything allocated after a mark. A training step allocates nothing; it
// only uses buffers carved out before the first step, which is why HighWater() after setup is
// the whole memory cost of training.
//
// Not thread-safe: allocate during set-up, on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "engine/base/mat.h"

namespace tinymlp {

class Arena {
 public:
  static constexpr size_t kAlignment = 64;

  explicit Arena(size_t capacity_bytes);
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Returns `bytes` of uninitialized memory, 64-byte aligned. Throws Error when the arena
  // cannot hold it (the message gives needed and available bytes): that is a sizing bug.
  void* Allocate(size_t bytes);

  // Zero-filled arrays and matrices. Matrices get ld = rows rounded up to 16 floats, so every
  // column starts 64-byte aligned.
  template <typename T>
  T* AllocateArray(size_t count) {
    T* p = static_cast<T*>(Allocate(count * sizeof(T)));
    for (size_t i = 0; i < count; ++i) p[i] = T();
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
  // Bytes AllocateMat<T>(rows, cols) takes, for sizing an arena before creating it.
  template <typename T>
  static size_t MatBytes(int rows, int cols) {
    return RoundUp(static_cast<size_t>(PaddedLd<T>(rows)) * cols * sizeof(T));
  }
  static size_t RoundUp(size_t bytes) { return (bytes + kAlignment - 1) / kAlignment * kAlignment; }

  size_t Mark() const { return used_; }
  void Reset(size_t mark);
  size_t used() const { return used_; }
  size_t capacity() const { return capacity_; }
  size_t HighWater() const { return high_water_; }

 private:
  struct FreeDeleter {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, FreeDeleter> base_;
  size_t capacity_;
  size_t used_ = 0;
  size_t high_water_ = 0;
};

}  // namespace tinymlp
