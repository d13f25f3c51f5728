// The gather family's scalar reference: the plain loop that defines what GatherNormalize
// (gather.h) must compute. The tests check every Highway target against it; the double overload
// of GatherNormalize runs it. Templated on the output type.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/base/mat.h"

namespace tinymlp {
namespace reference {

template <typename T>
void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                     const float* inv_std, MatView<T> x) {
  for (int j = 0; j < x.cols; ++j) {
    const uint8_t* image = pixels + static_cast<size_t>(index[j]) * x.rows;
    for (int i = 0; i < x.rows; ++i) x(i, j) = (T(image[i]) - T(mean[i])) * T(inv_std[i]);
  }
}

}  // namespace reference
}  // namespace tinymlp
