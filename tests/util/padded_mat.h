// The kernel tests' matrix: a column-major float matrix with its own storage whose leading
// dimension may exceed its row count. The padding rows, and one float past the end, hold a
// sentinel, so a test can check that a kernel wrote nothing outside its view.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "engine/base/mat.h"
#include "engine/base/rng.h"

namespace tinymlp::testing {

struct PaddedMat {
  static constexpr float kSentinel = -12345.0f;
  std::vector<float> storage;  // ld * cols + 1 floats
  Mat view;

  // rows x cols with leading dimension ld >= rows, filled with rng's uniform values in
  // [-scale, scale), column by column.
  PaddedMat(int rows, int cols, int ld, Rng& rng, float scale = 1.0f)
      : storage(static_cast<size_t>(ld) * cols + 1, kSentinel) {
    view = Mat(storage.data(), rows, cols, ld);
    for (int c = 0; c < cols; ++c)
      for (int r = 0; r < rows; ++r)
        view(r, c) = static_cast<float>((2 * rng.Uniform() - 1) * scale);
  }
  // A copy views its own storage.
  PaddedMat(const PaddedMat& other) : storage(other.storage), view(other.view) {
    view.data = storage.data();
  }
  PaddedMat& operator=(const PaddedMat& other) {
    storage = other.storage;
    view = other.view;
    view.data = storage.data();
    return *this;
  }

  // Whether every float outside the view still holds the sentinel.
  bool PaddingIntact() const {
    for (int c = 0; c < view.cols; ++c)
      for (int r = view.rows; r < view.ld; ++r)
        if (view(r, c) != kSentinel) return false;
    return storage.back() == kSentinel;
  }
};

// Fails the test at the first element of `got` farther than tol from `want`, naming it.
inline void ExpectNear(ConstMat got, ConstMat want, double tol) {
  for (int c = 0; c < want.cols; ++c)
    for (int r = 0; r < want.rows; ++r)
      ASSERT_NEAR(got(r, c), want(r, c), tol)
          << "at (" << r << ", " << c << ") of " << want.rows << "x" << want.cols;
}

}  // namespace tinymlp::testing
