// The gather family, SIMD-free interface: GatherNormalize, which turns a mini-batch of uint8
// images into the normalized float matrix the network reads. The per-target code is
// gather-inl.h, the export and dispatch gather.cc, the scalar reference gather_reference.h. The
// per-pixel conversion itself (pixels-inl.h) is shared with the GEMM, which converts an
// ImageBatch operand the same way, so both give the same bits.
#pragma once

#include <cstdint>

#include "engine/base/mat.h"
#include "engine/ops/gather_reference.h"

namespace tinymlp {

// x(:, j) = (pixels[index[j] * x.rows + i] - mean[i]) * inv_std[i]: gathers a mini-batch of
// uint8 images (one image = x.rows contiguous bytes) and normalizes it in one pass. mean and
// inv_std have x.rows entries. Dispatched once per call to the best Highway target; a large
// batch is split over the engine's threads by columns (each column written by one thread, so
// the result does not depend on the thread count).
void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                     const float* inv_std, Mat x);

// double: the scalar reference.
inline void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, MatView<double> x) {
  reference::GatherNormalize(pixels, index, mean, inv_std, x);
}

}  // namespace tinymlp
