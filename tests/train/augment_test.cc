// Augmenting gather: the identity transform is GatherNormalize, and flips and shifts move the
// normalized pixels where the formula in engine/train/augment.h says.
#include "engine/train/augment.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/base/rng.h"
#include "engine/io/cifar10.h"
#include "engine/ops/kernels.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

class AugmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Rng rng(3);
    pixels.resize(3 * kImageDim);
    for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.Below(256));
    for (int i = 0; i < kImageDim; ++i) {
      mean[i] = static_cast<float>(100 + rng.Below(50));
      inv_std[i] = static_cast<float>(0.01 + 0.01 * rng.Uniform());
    }
  }
  // Column j of the gathered, transformed batch of images {2, 0}.
  std::vector<float> Gather(const ImageTransform& t) {
    std::vector<float> x(kImageDim * 2);
    const int32_t index[2] = {2, 0};
    const ImageTransform ts[2] = {t, t};
    GatherNormalizeAugment(pixels.data(), index, mean.data(), inv_std.data(), ts,
                           Mat(x.data(), kImageDim, 2));
    return x;
  }
  float Normalized(int image, int c, int r, int q) const {
    const int i = c * 1024 + r * 32 + q;
    return (pixels[image * kImageDim + i] - mean[i]) * inv_std[i];
  }
  std::vector<uint8_t> pixels;
  std::vector<float> mean = std::vector<float>(kImageDim);
  std::vector<float> inv_std = std::vector<float>(kImageDim);
};

TEST_F(AugmentTest, IdentityIsGatherNormalize) {
  const std::vector<float> got = Gather({});
  std::vector<float> want(kImageDim * 2);
  const int32_t index[2] = {2, 0};
  GatherNormalize(pixels.data(), index, mean.data(), inv_std.data(),
                  Mat(want.data(), kImageDim, 2));
  for (size_t k = 0; k < want.size(); ++k) ASSERT_NEAR(got[k], want[k], 1e-5) << k;
}

TEST_F(AugmentTest, FlipAndShiftFollowTheFormula) {
  for (ImageTransform t : {ImageTransform{1, 0, 0}, ImageTransform{0, 3, -2},
                           ImageTransform{1, -3, 1}, ImageTransform{1, 31, 0}}) {
    const std::vector<float> x = Gather(t);
    for (int j = 0; j < 2; ++j) {
      const int image = j == 0 ? 2 : 0;
      for (int c = 0; c < 3; ++c) {
        for (int r = 0; r < 32; ++r) {
          for (int q = 0; q < 32; ++q) {
            const int sr = r - t.dy, sq = q - t.dx;
            const bool inside = sr >= 0 && sr < 32 && sq >= 0 && sq < 32;
            const float want = inside ? Normalized(image, c, sr, t.flip ? 31 - sq : sq) : 0.0f;
            ASSERT_NEAR(x[j * kImageDim + c * 1024 + r * 32 + q], want, 1e-5)
                << int(t.flip) << " " << int(t.dx) << " " << int(t.dy) << " at " << c << "," << r
                << "," << q;
          }
        }
      }
    }
  }
}

TEST_F(AugmentTest, MatchesTheReferenceForRandomTransforms) {
  Rng rng(5);
  const AugmentConfig config = ParseAugment("flip,translate:8");
  std::vector<ImageTransform> ts(16);
  for (ImageTransform& t : ts) t = RandomTransform(config, rng);
  std::vector<int32_t> index(16);
  for (int32_t& i : index) i = static_cast<int32_t>(rng.Below(3));
  std::vector<float> got(kImageDim * 16, -1.0f), want(kImageDim * 16, -2.0f);
  GatherNormalizeAugment(pixels.data(), index.data(), mean.data(), inv_std.data(), ts.data(),
                         Mat(got.data(), kImageDim, 16));
  GatherNormalizeAugmentReference(pixels.data(), index.data(), mean.data(), inv_std.data(),
                                  ts.data(), Mat(want.data(), kImageDim, 16));
  for (size_t k = 0; k < got.size(); ++k) ASSERT_NEAR(got[k], want[k], 1e-5) << k;
}

TEST(Augment, RandomTransformsStayInRange) {
  Rng rng(1);
  AugmentConfig config = ParseAugment("flip,translate:2");
  int flips = 0;
  for (int k = 0; k < 1000; ++k) {
    const ImageTransform t = RandomTransform(config, rng);
    flips += t.flip;
    ASSERT_LE(std::abs(t.dx), 2);
    ASSERT_LE(std::abs(t.dy), 2);
  }
  EXPECT_GT(flips, 400);
  EXPECT_LT(flips, 600);
}

TEST(Augment, Parses) {
  EXPECT_FALSE(ParseAugment("none").any());
  EXPECT_TRUE(ParseAugment("flip").flip);
  EXPECT_EQ(ParseAugment("translate").translate, 3);
  EXPECT_EQ(ParseAugment("flip,translate:5").translate, 5);
  for (const char* bad : {"translate:99", "translate:0", "translate:", "rotate", "flip,,"}) {
    EXPECT_THROW(ParseAugment(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace tinymlp
