// Per-target GatherNormalize (interface: gather.h; dispatch: gather.cc): the prefetching walk
// over the batch's scattered images and the split of a large batch over threads. The conversion
// of each image's pixels is NormalizePixels (pixels-inl.h), which the GEMM's image packing uses
// too.
#if defined(TINYMLP_ENGINE_GATHER_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_GATHER_INL_H_
#undef TINYMLP_ENGINE_GATHER_INL_H_
#else
#define TINYMLP_ENGINE_GATHER_INL_H_
#endif

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/base/mat.h"
#include "engine/base/parallel.h"
#include "engine/ops/pixels-inl.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {

// Columns [j_begin, j_end) of GatherNormalize.
inline void GatherNormalizeColumns(const uint8_t* HWY_RESTRICT pixels,
                                   const int32_t* HWY_RESTRICT index,
                                   const float* HWY_RESTRICT mean,
                                   const float* HWY_RESTRICT inv_std, Mat x, int j_begin,
                                   int j_end) {
  // The images are scattered over the data set (150 MB for 49k), so each one is a fresh trip
  // to DRAM: while converting image j, request image j + 2, so the requests are spread out
  // instead of queueing behind each other.
  constexpr int kAhead = 2, kLine = 64;
  auto image = [&](int j) { return pixels + static_cast<size_t>(index[j]) * x.rows; };
  for (int a = j_begin + 1; a < std::min(j_end, j_begin + kAhead); ++a)
    for (int i = 0; i < x.rows; i += kLine) hwy::Prefetch(image(a) + i);
  for (int j = j_begin; j < j_end; ++j) {
    NormalizePixels(image(j), mean, inv_std, x.rows, x.col(j),
                    j + kAhead < j_end ? image(j + kAhead) : nullptr);
  }
}

template <class F>
void RunColumnChunk(const void* f, int i) {
  (*static_cast<const F*>(f))(i);
}

void GatherNormalizeTarget(const uint8_t* HWY_RESTRICT pixels, const int32_t* HWY_RESTRICT index,
                           const float* HWY_RESTRICT mean, const float* HWY_RESTRICT inv_std,
                           Mat x) {
  // A training batch (3072 x 100) is worth two threads; each column is written by one thread,
  // so the result is the same for any thread count.
  const int chunks = static_cast<long>(x.rows) * x.cols >= 100000 ? std::min(8, x.cols) : 1;
  auto run = [&](int chunk) {
    GatherNormalizeColumns(pixels, index, mean, inv_std, x, x.cols * chunk / chunks,
                           x.cols * (chunk + 1) / chunks);
  };
  if (chunks == 1) {
    run(0);
  } else {
    ParallelFor(chunks, &RunColumnChunk<decltype(run)>, &run);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
