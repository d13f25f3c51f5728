// Every float kernel in engine/kernels.h against its scalar reference, on every Highway target
// compiled into this binary and supported by this CPU, with awkward shapes: sizes that are not
// multiples of any vector width, and leading dimensions larger than the row count.
#include "engine/ops/kernels.h"

#include <gtest/gtest.h>
#include <hwy/aligned_allocator.h>
#include <hwy/targets.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "engine/base/rng.h"
#include "tests/util/for_each_target.h"

namespace tinymlp {
namespace {

const int kSizes[] = {1, 7, 17, 33, 127};

using testing::ForEachTarget;

// A column-major matrix with its own storage; ld = rows + pad, and the padding rows hold a
// sentinel so the tests can check that kernels never write outside the view.
struct TestMat {
  std::vector<float> storage;
  Mat view;
  static constexpr float kSentinel = -12345.0f;
  TestMat(int rows, int cols, int pad, Rng& rng, float scale = 1.0f)
      : storage(static_cast<size_t>(rows + pad) * cols + 1, kSentinel) {
    view = Mat(storage.data(), rows, cols, rows + pad);
    for (int c = 0; c < cols; ++c)
      for (int r = 0; r < rows; ++r)
        view(r, c) = static_cast<float>((2 * rng.Uniform() - 1) * scale);
  }
  bool PaddingIntact() const {
    for (int c = 0; c < view.cols; ++c)
      for (int r = view.rows; r < view.ld; ++r)
        if (view(r, c) != kSentinel) return false;
    return storage.back() == kSentinel;
  }
};

void ExpectNear(ConstMat got, ConstMat want, double tol) {
  for (int c = 0; c < want.cols; ++c)
    for (int r = 0; r < want.rows; ++r)
      ASSERT_NEAR(got(r, c), want(r, c), tol)
          << "at (" << r << ", " << c << ") of " << want.rows << "x" << want.cols;
}

TEST(Kernels, DispatcherReportsATarget) { EXPECT_NE(DispatchedTarget(), 0); }

TEST(Kernels, GemmAllFormsMatchReference) {
  ForEachTarget([] {
    Rng rng(1);
    for (Trans ta : {Trans::kNo, Trans::kYes})
      for (Trans tb : {Trans::kNo, Trans::kYes})
        for (int m : kSizes)
          for (int n : kSizes)
            for (int k : kSizes) {
              const int pad = (m + n + k) % 3;  // ld > rows on two shapes out of three
              TestMat a(ta == Trans::kNo ? m : k, ta == Trans::kNo ? k : m, pad, rng);
              TestMat b(tb == Trans::kNo ? k : n, tb == Trans::kNo ? n : k, pad + 1, rng);
              for (float beta : {0.0f, 1.5f}) {
                TestMat c(m, n, pad, rng);
                TestMat want = c;
                want.view.data = want.storage.data();
                // With beta == 0 the old C must not be read: poison it.
                if (beta == 0.0f)
                  for (int j = 0; j < n; ++j)
                    for (int i = 0; i < m; ++i)
                      c.view(i, j) = std::numeric_limits<float>::quiet_NaN();
                auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
                Gemm(ta, tb, 0.75f, a.view, b.view, beta, c.view, workspace.get());
                reference::Gemm<float>(ta, tb, 0.75f, a.view, b.view, beta, want.view);
                SCOPED_TRACE(::testing::Message()
                             << "m=" << m << " n=" << n << " k=" << k << " ta=" << int(ta)
                             << " tb=" << int(tb) << " beta=" << beta);
                ExpectNear(c.view, want.view, 1e-6 * k + 1e-6);
                ASSERT_TRUE(c.PaddingIntact());
              }
            }
  });
}

TEST(Kernels, GemmLargeTrainingShapes) {
  // The products of a training step (m=50, batch 100) through the threaded path.
  ForEachTarget([] {
    Rng rng(2);
    struct Shape {
      Trans ta, tb;
      int m, n, k;
    };
    for (Shape s : {Shape{Trans::kNo, Trans::kNo, 50, 100, 3072},
                    Shape{Trans::kNo, Trans::kYes, 50, 3072, 100},
                    Shape{Trans::kYes, Trans::kNo, 50, 100, 10}}) {
      TestMat a(s.ta == Trans::kNo ? s.m : s.k, s.ta == Trans::kNo ? s.k : s.m, 0, rng);
      TestMat b(s.tb == Trans::kNo ? s.k : s.n, s.tb == Trans::kNo ? s.n : s.k, 0, rng);
      TestMat c(s.m, s.n, 0, rng), want(s.m, s.n, 0, rng);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(s.m, s.k));
      Gemm(s.ta, s.tb, 1.0f, a.view, b.view, 0.0f, c.view, workspace.get());
      reference::Gemm<float>(s.ta, s.tb, 1.0f, a.view, b.view, 0.0f, want.view);
      ExpectNear(c.view, want.view, 1e-6 * s.k);
    }
  });
}

TEST(Kernels, BiasAndReluMatchReference) {
  ForEachTarget([] {
    Rng rng(3);
    for (int rows : kSizes)
      for (int cols : {1, 7, 17}) {
        const int pad = rows % 4;
        TestMat x(rows, cols, pad, rng);
        std::vector<float> bias(rows);
        for (float& b : bias) b = static_cast<float>(rng.Uniform() - 0.5);

        TestMat got = x, want = x;
        got.view.data = got.storage.data();
        want.view.data = want.storage.data();
        AddBias(bias.data(), got.view);
        reference::AddBias(bias.data(), want.view);
        ExpectNear(got.view, want.view, 0);

        got = x, want = x;
        got.view.data = got.storage.data();
        want.view.data = want.storage.data();
        AddBiasRelu(bias.data(), got.view);
        reference::AddBias(bias.data(), want.view);
        reference::ReluForward(want.view);
        ExpectNear(got.view, want.view, 0);
        EXPECT_TRUE(got.PaddingIntact());

        got = x, want = x;
        got.view.data = got.storage.data();
        want.view.data = want.storage.data();
        ReluForward(got.view);
        reference::ReluForward(want.view);
        ExpectNear(got.view, want.view, 0);
        EXPECT_TRUE(got.PaddingIntact());

        // Backward: g keeps its value where h > 0, else 0.
        TestMat g(rows, cols, pad, rng), g_want = g;
        g_want.view.data = g_want.storage.data();
        ReluBackward(x.view, g.view);
        reference::ReluBackward<float>(x.view, g_want.view);
        ExpectNear(g.view, g_want.view, 0);
        EXPECT_TRUE(g.PaddingIntact());
      }
  });
}

TEST(Kernels, RowSumsMatchReference) {
  ForEachTarget([] {
    Rng rng(4);
    for (int rows : kSizes)
      for (int cols : kSizes) {
        TestMat x(rows, cols, 3, rng);
        std::vector<float> got(rows + 1, TestMat::kSentinel), want(rows);
        RowSums(x.view, 0.5f, got.data());
        reference::RowSums<float>(x.view, 0.5f, want.data());
        for (int i = 0; i < rows; ++i) ASSERT_NEAR(got[i], want[i], 1e-6 * cols) << "row " << i;
        EXPECT_EQ(got[rows], TestMat::kSentinel) << "wrote past the output";
      }
  });
}

TEST(Kernels, SoftmaxCrossEntropyMatchesReference) {
  ForEachTarget([] {
    Rng rng(5);
    for (int rows : kSizes)
      for (int cols : {1, 7, 17}) {
        for (float scale : {1.0f, 1000.0f}) {  // 1000: exp would overflow without the max shift
          TestMat s(rows, cols, 2, rng, scale);
          std::vector<uint8_t> labels(cols);
          for (uint8_t& l : labels) l = static_cast<uint8_t>(rng.Below(rows));
          TestMat p(rows, cols, 2, rng), want(rows, cols, 2, rng);
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

TEST(Kernels, GatherNormalizeMatchesReference) {
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
      TestMat got(rows, cols, 1, rng), want(rows, cols, 1, rng);
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
