// Arena: one aligned block, bumped; or, measuring, only the count (see arena.h).
#include "engine/base/arena.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/base/check.h"
#include "platform/error.h"
#include "platform/memory.h"

namespace tinymlp {

void Arena::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

Arena::Arena() : capacity_(SIZE_MAX) {}

Arena::Arena(size_t capacity_bytes) : capacity_(RoundUp(capacity_bytes)) {
  // A large arena starts on a huge page and is advised to be backed by them (a no-op where the
  // system has none). A GEMM streams its packed operands through pages faster than the TLB
  // can map 4 KiB ones: on a virtual machine a square product of 2048 ran 25 % slower from
  // 4 KiB pages, the packed copy of A (16 MB) being read a K block at a time. Rounding up to
  // whole huge pages wastes at most one; the arena's capacity does not change.
  const bool huge = capacity_ >= kHugePageArenaBytes;
  const size_t alignment = huge ? kHugePageBytes : kAlignment;
  const size_t bytes =
      std::max<size_t>(alignment, (capacity_ + alignment - 1) / alignment * alignment);
  void* p = capacity_ > SIZE_MAX - kHugePageBytes ? nullptr : std::aligned_alloc(alignment, bytes);
  if (p == nullptr) {
    throw Error(ErrorKind::kData,
                "out of memory: the arena needs " + std::to_string(capacity_) + " bytes");
  }
  if (huge) AdviseHugePages(p, bytes);
  base_.reset(static_cast<uint8_t*>(p));
}

void* Arena::Allocate(size_t bytes) {
  const size_t rounded = RoundUp(bytes);
  TINYMLP_CHECK(rounded >= bytes && rounded <= capacity_ - used_,
                "arena too small: need %zu bytes, %zu of %zu left (size it with MeasureArena)",
                bytes, capacity_ - used_, capacity_);
  uint8_t* p = measuring() ? nullptr : base_.get() + used_;
  used_ += rounded;
  if (used_ > high_water_) high_water_ = used_;
  return p;
}

void Arena::Reset(size_t mark) {
  if (mark <= used_) used_ = mark;
}

}  // namespace tinymlp
