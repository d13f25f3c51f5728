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

// Adam's update of one vector of parameters p, moments m and v from the gradient g, rounded
// operation by operation as reference::AdamStep rounds it (the including file is compiled with
// -ffp-contract=off). Shared by the update pass below and the GEMM's fused step (gemm-inl.h).
// Not for 32-bit NEON, whose vector division and square root are estimates there.
template <class D>
HWY_INLINE void AdamVector(D d, const AdamArgs& a, hn::Vec<D> g, float* p, float* m, float* v) {
  const auto m1 =
      hn::Add(hn::Mul(hn::Set(d, a.b1), hn::LoadU(d, m)), hn::Mul(hn::Set(d, 1 - a.b1), g));
  const auto v1 = hn::Add(hn::Mul(hn::Set(d, a.b2), hn::LoadU(d, v)),
                          hn::Mul(hn::Mul(hn::Set(d, 1 - a.b2), g), g));
  const auto denominator = hn::Add(hn::Mul(hn::Sqrt(v1), hn::Set(d, a.c2)), hn::Set(d, a.eps));
  const auto p1 = hn::Sub(hn::LoadU(d, p), hn::Div(hn::Mul(hn::Set(d, a.step), m1), denominator));
  hn::StoreU(m1, d, m);
  hn::StoreU(v1, d, v);
  hn::StoreU(p1, d, p);
}

inline void AdamStepTarget(const AdamArgs& a, size_t begin, size_t end) {
#if HWY_ARCH_ARM_V7
  // 32-bit NEON has no vector division or square root: Highway 1.0.3 refines reciprocal
  // estimates there, which are not correctly rounded, so a Pi 2 runs the scalar loop.
  reference::AdamStep(a, begin, end);
#else
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  size_t i = begin;
  for (; i + N <= end; i += N) AdamVector(d, a, hn::LoadU(d, a.g + i), a.p + i, a.m + i, a.v + i);
  reference::AdamStep(a, i, end);
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
