// Per-target FMA peak loop (interface: fma_peak.h), compiled once per Highway target like the
// engine's kernels, so a forced target times its own vectors.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "apps/bench/fma_peak.cc"
#include "apps/bench/fma_peak.h"

#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One step of three chains. A function taking references, not an array of vectors: SVE vectors
// are sizeless.
template <class V>
HWY_INLINE void StepThree(V x, V y, V& a, V& b, V& c) {
  a = hn::MulAdd(a, x, y);
  b = hn::MulAdd(b, x, y);
  c = hn::MulAdd(c, x, y);
}

// Each chain is c = c * x + y, which settles near y / (1 - x) = 0.1: no overflow, no denormals
// (a slow path on some cores) however many rounds.
float FmaPeakRoundsTarget(int64_t rounds, int* lanes) {
  const hn::ScalableTag<float> d;
  *lanes = static_cast<int>(hn::Lanes(d));
  const auto x = hn::Set(d, 0.9f), y = hn::Set(d, 0.01f);
  auto c0 = hn::Set(d, 0.0f), c1 = hn::Set(d, 0.01f), c2 = hn::Set(d, 0.02f);
  auto c3 = hn::Set(d, 0.03f), c4 = hn::Set(d, 0.04f), c5 = hn::Set(d, 0.05f);
  auto c6 = hn::Set(d, 0.06f), c7 = hn::Set(d, 0.07f), c8 = hn::Set(d, 0.08f);
  auto c9 = hn::Set(d, 0.09f), c10 = hn::Set(d, 0.10f), c11 = hn::Set(d, 0.11f);
  static_assert(kFmaPeakChains == 12, "the loop below has 12 chains");
  for (int64_t i = 0; i < rounds; ++i) {
    StepThree(x, y, c0, c1, c2);
    StepThree(x, y, c3, c4, c5);
    StepThree(x, y, c6, c7, c8);
    StepThree(x, y, c9, c10, c11);
  }
  const auto sum = hn::Add(
      hn::Add(hn::Add(hn::Add(c0, c1), hn::Add(c2, c3)), hn::Add(hn::Add(c4, c5), hn::Add(c6, c7))),
      hn::Add(hn::Add(c8, c9), hn::Add(c10, c11)));
  return hn::GetLane(sum);
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace tinymlp {

HWY_EXPORT(FmaPeakRoundsTarget);

float FmaPeakRounds(int64_t rounds, int* lanes) {
  return HWY_DYNAMIC_DISPATCH(FmaPeakRoundsTarget)(rounds, lanes);
}

}  // namespace tinymlp
#endif  // HWY_ONCE
