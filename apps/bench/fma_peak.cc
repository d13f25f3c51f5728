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

// Each chain is c = c * x + y, which settles near y / (1 - x) = 0.1: no overflow, no denormals
// (a slow path on some cores) however many rounds. Named variables, not an array: SVE vectors
// are sizeless.
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
    c0 = hn::MulAdd(c0, x, y);
    c1 = hn::MulAdd(c1, x, y);
    c2 = hn::MulAdd(c2, x, y);
    c3 = hn::MulAdd(c3, x, y);
    c4 = hn::MulAdd(c4, x, y);
    c5 = hn::MulAdd(c5, x, y);
    c6 = hn::MulAdd(c6, x, y);
    c7 = hn::MulAdd(c7, x, y);
    c8 = hn::MulAdd(c8, x, y);
    c9 = hn::MulAdd(c9, x, y);
    c10 = hn::MulAdd(c10, x, y);
    c11 = hn::MulAdd(c11, x, y);
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
