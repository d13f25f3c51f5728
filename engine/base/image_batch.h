// ImageBatch: a mini-batch of images that is never written out as floats.
//
// It stands for the D x B matrix X with X(i, j) = (pixels[index[j] * D + i] - mean[i]) *
// inv_std[i]: image index[j] of a uint8 data set, normalized per pixel. What GatherNormalize
// would write, but the GEMM (engine/ops/gemm.h) converts it block by block into its packed panel,
// in cache, so a training step reads 1 byte per pixel instead of writing and re-reading 4.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinymlp {

struct ImageBatch {
  const uint8_t* pixels = nullptr;  // the data set, image after image
  const int32_t* index = nullptr;   // count entries: the images of this batch
  const float* mean = nullptr;      // size entries
  const float* inv_std = nullptr;   // size entries
  int size = 0;                     // D: bytes per image, rows of X
  int count = 0;                    // B: columns of X

  // X(i, j), computed exactly as every kernel computes it (subtract, then multiply).
  float operator()(int i, int j) const {
    return (static_cast<float>(pixels[static_cast<size_t>(index[j]) * size + i]) - mean[i]) *
           inv_std[i];
  }
};

}  // namespace tinymlp
