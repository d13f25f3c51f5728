// GatherNormalize (engine/ops/gather.h) against its scalar reference, on every Highway target
// compiled into this binary and supported by this CPU: image sizes that are not multiples of any
// vector width and CIFAR-10's 3072, indices that repeat and skip, a leading dimension larger
// than the image, whose padding must stay untouched.
#include "engine/ops/gather.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "engine/base/rng.h"
#include "tests/util/for_each_target.h"
#include "tests/util/padded_mat.h"

namespace tinymlp {
namespace {

using testing::ExpectNear;
using testing::ForEachTarget;
using testing::PaddedMat;

TEST(GatherNormalize, MatchesReference) {
  ForEachTarget([] {
    Rng rng(6);
    for (int rows : {1, 7, 17, 33, 127, 3072}) {
      const int images = 5;
      std::vector<uint8_t> pixels(static_cast<size_t>(rows) * images);
      for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.Below(256));
      std::vector<float> mean(rows), inv_std(rows);
      for (int i = 0; i < rows; ++i) {
        mean[i] = static_cast<float>(rng.Uniform() * 255);
        inv_std[i] = static_cast<float>(0.01 + rng.Uniform() * 0.1);
      }
      const std::vector<int32_t> index = {4, 0, 2, 2, 1, 3, 0};
      const int cols = static_cast<int>(index.size());
      PaddedMat got(rows, cols, rows + 1, rng), want(rows, cols, rows + 1, rng);
      GatherNormalize(pixels.data(), index.data(), mean.data(), inv_std.data(), got.view);
      reference::GatherNormalize(pixels.data(), index.data(), mean.data(), inv_std.data(),
                                 want.view);
      ExpectNear(got.view, want.view, 1e-5);
      EXPECT_TRUE(got.PaddingIntact());
    }
  });
}

}  // namespace
}  // namespace tinymlp
