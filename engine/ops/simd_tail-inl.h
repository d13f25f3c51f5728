// Per-target helpers for the last, partial vector of a row: load and store fewer than Lanes(d)
// floats. Highway 1.0.3's MaskedLoad/BlendedStore may touch the whole vector on targets without
// native masking (NEON, SSE4), which would read or write past the end of a column; there these go
// through a stack buffer. AVX2 (vmaskmovps) and AVX-512 (mask registers) mask in hardware and do
// not fault on masked-off lanes, so there they use MaskedLoad/BlendedStore, which is several
// times cheaper for the GEMM's edge tiles.
#if defined(TINYMLP_ENGINE_SIMD_TAIL_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_SIMD_TAIL_INL_H_
#undef TINYMLP_ENGINE_SIMD_TAIL_INL_H_
#else
#define TINYMLP_ENGINE_SIMD_TAIL_INL_H_
#endif

#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The first `count` lanes from p, the rest `fill`. Requires count < Lanes(d).
template <class D>
HWY_INLINE hn::Vec<D> LoadTail(D d, const float* HWY_RESTRICT p, size_t count, float fill) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
  const auto mask = hn::FirstN(d, count);
  return hn::IfThenElse(mask, hn::MaskedLoad(mask, d, p), hn::Set(d, fill));
#else
  HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)];
  const size_t N = hn::Lanes(d);
  for (size_t i = 0; i < N; ++i) buf[i] = i < count ? p[i] : fill;
  return hn::Load(d, buf);
#endif
}

// Writes the first `count` lanes of v to p. Requires count < Lanes(d).
template <class D>
HWY_INLINE void StoreTail(D d, hn::Vec<D> v, float* HWY_RESTRICT p, size_t count) {
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX2
  hn::BlendedStore(v, hn::FirstN(d, count), d, p);
#else
  HWY_ALIGN float buf[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(v, d, buf);
  for (size_t i = 0; i < count; ++i) p[i] = buf[i];
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
