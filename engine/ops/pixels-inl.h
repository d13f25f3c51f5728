// Per-target conversion of uint8 pixels to normalized floats, shared by GatherNormalize
// (gather-inl.h) and the GEMM's packing of an ImageBatch (gemm-inl.h), so the two produce
// the same bits.
#if defined(TINYMLP_ENGINE_PIXELS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_PIXELS_INL_H_
#undef TINYMLP_ENGINE_PIXELS_INL_H_
#else
#define TINYMLP_ENGINE_PIXELS_INL_H_
#endif

#include <hwy/cache_control.h>
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// out[i] = (src[i] - mean[i]) * inv_std[i] for i < n, as ImageBatch::operator() computes it.
// `ahead` (may be null): another image's pixels at the same offset, to request from memory one
// cache line per 64 pixels while this run converts.
inline void NormalizePixels(const uint8_t* HWY_RESTRICT src, const float* HWY_RESTRICT mean,
                            const float* HWY_RESTRICT inv_std, int n, float* HWY_RESTRICT out,
                            const uint8_t* ahead) {
  const hn::ScalableTag<float> d;
  const hn::Rebind<int32_t, decltype(d)> di;
  const hn::Rebind<uint8_t, decltype(d)> d8;
  const int N = static_cast<int>(hn::Lanes(d));
  constexpr int kLine = 64;
  int i = 0;
  for (; i + N <= n; i += N) {
    if (ahead != nullptr && i % kLine == 0) hwy::Prefetch(ahead + i);
    const auto v = hn::ConvertTo(d, hn::PromoteTo(di, hn::LoadU(d8, src + i)));
    hn::StoreU(hn::Mul(hn::Sub(v, hn::LoadU(d, mean + i)), hn::LoadU(d, inv_std + i)), d, out + i);
  }
  for (; i < n; ++i) out[i] = (static_cast<float>(src[i]) - mean[i]) * inv_std[i];
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
