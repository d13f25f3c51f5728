// The element-wise family (engine/ops/elementwise.h) against its scalar reference, on every
// Highway target compiled into this binary and supported by this CPU, with sizes that are not
// multiples of any vector width and leading dimensions larger than the row count: bias and ReLU
// (bit for bit), row sums, and softmax + cross-entropy with and without its gradient, in place
// and with scores large enough to overflow exp without the max shift.
#include "engine/ops/elementwise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/base/rng.h"
#include "tests/util/for_each_target.h"
#include "tests/util/padded_mat.h"

namespace tinymlp {
namespace {

using testing::ExpectNear;
using testing::ForEachTarget;
using testing::PaddedMat;

const int kSizes[] = {1, 7, 17, 33, 127};

TEST(Elementwise, BiasAndReluMatchReference) {
  ForEachTarget([] {
    Rng rng(3);
    for (int rows : kSizes)
      for (int cols : {1, 7, 17}) {
        const int ld = rows + rows % 4;
        PaddedMat x(rows, cols, ld, rng);
        std::vector<float> bias(rows);
        for (float& b : bias) b = static_cast<float>(rng.Uniform() - 0.5);

        PaddedMat got = x, want = x;
        AddBias(bias.data(), got.view);
        reference::AddBias(bias.data(), want.view);
        ExpectNear(got.view, want.view, 0);

        got = x, want = x;
        AddBiasRelu(bias.data(), got.view);
        reference::AddBias(bias.data(), want.view);
        reference::ReluForward(want.view);
        ExpectNear(got.view, want.view, 0);
        EXPECT_TRUE(got.PaddingIntact());

        got = x, want = x;
        ReluForward(got.view);
        reference::ReluForward(want.view);
        ExpectNear(got.view, want.view, 0);
        EXPECT_TRUE(got.PaddingIntact());

        // Backward: g keeps its value where h > 0, else 0.
        PaddedMat g(rows, cols, ld, rng), g_want = g;
        ReluBackward(x.view, g.view);
        reference::ReluBackward<float>(x.view, g_want.view);
        ExpectNear(g.view, g_want.view, 0);
        EXPECT_TRUE(g.PaddingIntact());

        // With dropout's mask: g * mask where h > 0, else 0.
        PaddedMat mask(rows, cols, ld, rng), gm(rows, cols, ld, rng), gm_want = gm;
        ReluBackwardMasked(x.view, mask.view, gm.view);
        reference::ReluBackwardMasked<float>(x.view, mask.view, gm_want.view);
        ExpectNear(gm.view, gm_want.view, 0);
        EXPECT_TRUE(gm.PaddingIntact());
      }
  });
}

TEST(Elementwise, RowSumsMatchReference) {
  ForEachTarget([] {
    Rng rng(4);
    for (int rows : kSizes)
      for (int cols : kSizes) {
        PaddedMat x(rows, cols, rows + 3, rng);
        std::vector<float> got(rows + 1, PaddedMat::kSentinel), want(rows);
        RowSums(x.view, 0.5f, got.data());
        reference::RowSums<float>(x.view, 0.5f, want.data());
        for (int i = 0; i < rows; ++i) ASSERT_NEAR(got[i], want[i], 1e-6 * cols) << "row " << i;
        EXPECT_EQ(got[rows], PaddedMat::kSentinel) << "wrote past the output";
      }
  });
}

TEST(Elementwise, SoftmaxCrossEntropyMatchesReference) {
  ForEachTarget([] {
    Rng rng(5);
    for (int rows : kSizes)
      for (int cols : {1, 7, 17}) {
        for (float scale : {1.0f, 1000.0f}) {  // 1000: exp would overflow without the max shift
          PaddedMat s(rows, cols, rows + 2, rng, scale);
          std::vector<uint8_t> labels(cols);
          for (uint8_t& l : labels) l = static_cast<uint8_t>(rng.Below(rows));
          PaddedMat p(rows, cols, rows + 2, rng), want(rows, cols, rows + 2, rng);
          const double loss = SoftmaxCrossEntropy(s.view, labels.data(), p.view);
          const double want_loss =
              reference::SoftmaxCrossEntropy<float>(s.view, labels.data(), want.view);
          SCOPED_TRACE(::testing::Message() << rows << "x" << cols << " scale " << scale);
          ExpectNear(p.view, want.view, 1e-6);
          EXPECT_NEAR(loss, want_loss, 1e-5 * std::max(1.0, std::abs(want_loss)));
          EXPECT_TRUE(std::isfinite(loss));
          EXPECT_TRUE(p.PaddingIntact());
          // Without labels: same probabilities, no loss; in place (p aliases s).
          EXPECT_EQ(SoftmaxCrossEntropy(s.view, nullptr, s.view), 0.0);
          ExpectNear(s.view, want.view, 1e-6);
        }
      }
  });
}

// Scores that overflowed (inf - inf in the layer below): a NaN in a column makes that column's
// probabilities NaN and leaves the other columns exact, on every target (the sanitize suite runs
// this under UBSan, where Highway's emulated Exp of a NaN was undefined behaviour).
TEST(Elementwise, SoftmaxOfANaNScoreIsNaNAndDefined) {
  ForEachTarget([] {
    Rng rng(9);
    for (int rows : {7, 10, 33}) {
      PaddedMat s(rows, 3, rows + 2, rng);
      PaddedMat want(rows, 3, rows + 2, rng), p(rows, 3, rows + 2, rng);
      reference::SoftmaxCrossEntropy<float>(s.view, nullptr, want.view);
      s.view(rows - 1, 1) = std::numeric_limits<float>::quiet_NaN();
      SoftmaxCrossEntropy(s.view, nullptr, p.view);
      for (int i = 0; i < rows; ++i) {
        EXPECT_TRUE(std::isnan(p.view(i, 1))) << "row " << i << " of " << rows;
        EXPECT_NEAR(p.view(i, 0), want.view(i, 0), 1e-6);
        EXPECT_NEAR(p.view(i, 2), want.view(i, 2), 1e-6);
      }
    }
  });
}

TEST(Elementwise, SoftmaxCrossEntropyBackwardMatchesReference) {
  ForEachTarget([] {
    Rng rng(15);
    for (int rows : {1, 7, 10, 17, 33})
      for (int cols : {1, 7, 17})
        for (bool in_place : {false, true}) {  // p aliasing s, as the network calls it
          PaddedMat s(rows, cols, rows + 1, rng), p(rows, cols, rows + 2, rng);
          PaddedMat g(rows, cols, rows + 3, rng), want_g(rows, cols, rows, rng);
          std::vector<float> want_storage(static_cast<size_t>(rows) * cols);
          Mat want_p(want_storage.data(), rows, cols);
          std::vector<uint8_t> labels(cols);
          for (uint8_t& l : labels) l = static_cast<uint8_t>(rng.Below(rows));
          const float scale = 1.0f / cols;
          const double want_loss = reference::SoftmaxCrossEntropyBackward<float>(
              s.view, labels.data(), scale, want_p, want_g.view);
          const Mat out = in_place ? s.view : p.view;
          const double loss =
              SoftmaxCrossEntropyBackward(s.view, labels.data(), scale, out, g.view);
          SCOPED_TRACE(::testing::Message() << rows << "x" << cols << " in_place=" << in_place);
          EXPECT_NEAR(loss, want_loss, 1e-5 * std::max(1.0, std::abs(want_loss)));
          for (int j = 0; j < cols; ++j)
            for (int i = 0; i < rows; ++i) {
              ASSERT_NEAR(out(i, j), want_p(i, j), 1e-6) << "p at (" << i << ", " << j << ")";
              ASSERT_NEAR(g.view(i, j), want_g.view(i, j), 1e-6)
                  << "g at (" << i << ", " << j << ")";
            }
          EXPECT_TRUE(g.PaddingIntact());
        }
  });
}

}  // namespace
}  // namespace tinymlp
