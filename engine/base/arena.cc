#include "engine/base/arena.h"

#include <cstdlib>
#include <string>

#include "platform/error.h"

namespace tinymlp {

void Arena::FreeDeleter::operator()(uint8_t* p) const { std::free(p); }

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
  if (rounded < bytes || rounded > capacity_ - used_) {
    throw Error(ErrorKind::kData, "arena full: need " + std::to_string(rounded) + " bytes, " +
                                      std::to_string(capacity_ - used_) + " of " +
                                      std::to_string(capacity_) + " left");
  }
  void* p = base_.get() + used_;
  used_ += rounded;
  if (used_ > high_water_) high_water_ = used_;
  return p;
}

void Arena::Reset(size_t mark) {
  if (mark <= used_) used_ = mark;
}

}  // namespace tinymlp
