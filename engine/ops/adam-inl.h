// Per-target Adam update (compiled once per Highway target; interface: adam.h; dispatch: adam.cc).
// Vectors of parameters, then the scalar loop for the last elements; both round each operation
// as adam.h writes it.
#if defined(TINYMLP_ENGINE_ADAM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_ADAM_INL_H_
#undef TINYMLP_ENGINE_ADAM_INL_H_
#else
#define TINYMLP_ENGINE_ADAM_INL_H_
#endif

#include <hwy/highway.h>

#include <cmath>

#include "engine/ops/adam.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

inline void AdamStepTarget(const AdamArgs& a, size_t begin, size_t end) {
#if HWY_ARCH_ARM_V7
  // 32-bit NEON has no vector division or square root: Highway 1.0.3 refines reciprocal
  // estimates there, which are not correctly rounded, so a Pi 2 runs the scalar loop.
  reference::AdamStep(a, begin, end);
#else
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto b1 = hn::Set(d, a.b1), b2 = hn::Set(d, a.b2);
  const auto one_minus_b1 = hn::Set(d, 1 - a.b1), one_minus_b2 = hn::Set(d, 1 - a.b2);
  const auto step = hn::Set(d, a.step), c2 = hn::Set(d, a.c2), eps = hn::Set(d, a.eps);
  size_t i = begin;
  for (; i + N <= end; i += N) {
    const auto g = hn::LoadU(d, a.g + i);
    const auto m = hn::Add(hn::Mul(b1, hn::LoadU(d, a.m + i)), hn::Mul(one_minus_b1, g));
    const auto v =
        hn::Add(hn::Mul(b2, hn::LoadU(d, a.v + i)), hn::Mul(hn::Mul(one_minus_b2, g), g));
    const auto denominator = hn::Add(hn::Mul(hn::Sqrt(v), c2), eps);
    const auto p = hn::Sub(hn::LoadU(d, a.p + i), hn::Div(hn::Mul(step, m), denominator));
    hn::StoreU(m, d, a.m + i);
    hn::StoreU(v, d, a.v + i);
    hn::StoreU(p, d, a.p + i);
  }
  reference::AdamStep(a, i, end);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
