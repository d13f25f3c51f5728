// Exports the per-target Adam update of adam-inl.h and dispatches to the best at run time
// (interface: adam.h); the scalar reference, compiled here too so that it rounds alike.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/ops/adam.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "engine/ops/adam-inl.h"

#if HWY_ONCE
#include <cmath>

#include "engine/ops/dispatch.h"  // chooses the target before the first dispatch

namespace tinymlp {

HWY_EXPORT(AdamStepTarget);

void AdamStep(const AdamArgs& a, size_t begin, size_t end) {
  HWY_DYNAMIC_DISPATCH(AdamStepTarget)(a, begin, end);
}

void reference::AdamStep(const AdamArgs& a, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    a.m[i] = a.b1 * a.m[i] + (1 - a.b1) * a.g[i];
    a.v[i] = a.b2 * a.v[i] + (1 - a.b2) * a.g[i] * a.g[i];
    a.p[i] -= a.step * a.m[i] / (std::sqrt(a.v[i]) * a.c2 + a.eps);
  }
}

}  // namespace tinymlp
#endif  // HWY_ONCE
