// Arena: one aligned block, bumped; or, measuring, only the count (see arena.h).
#include "engine/base/arena.h"

#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/base/check.h"
#include "platform/error.h"

namespace tinymlp {

void Arena::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

Arena::Arena() : capacity_(SIZE_MAX) {}

Arena::Arena(size_t capacity_bytes) : capacity_(RoundUp(capacity_bytes)) {
  void* p = std::aligned_alloc(kAlignment, capacity_ == 0 ? kAlignment : capacity_);
  if (p == nullptr) {
    throw Error(ErrorKind::kData,
                "out of memory: the arena needs " + std::to_string(capacity_) + " bytes");
  }
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
