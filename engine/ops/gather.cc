// Exports the per-target GatherNormalize of gather-inl.h and dispatches to the best at run time
// (interface: gather.h).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/ops/gather.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/ops/gather-inl.h"

#if HWY_ONCE
#include "engine/ops/dispatch.h"  // chooses the target before the first dispatch
#include "engine/ops/gather.h"

namespace tinymlp {

HWY_EXPORT(GatherNormalizeTarget);

void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                     const float* inv_std, Mat x) {
  HWY_DYNAMIC_DISPATCH(GatherNormalizeTarget)(pixels, index, mean, inv_std, x);
}

}  // namespace tinymlp
#endif  // HWY_ONCE
