// The GEMM with a fused epilogue (GemmBias, GemmBiasRelu) against the scalar reference on every
// compiled target, with shapes on the edges of the GEMM's blocking: K one below, at and one
// above the K block (gemm-inl.h's kKc = 384), M and N smaller than one register tile, M across
// an M block, and A read in place (ld padded to whole vectors) as well as packed. Also checks
// that the GEMM's result does not depend on the thread count, and the softmax + cross-entropy +
// (P - Y) * scale kernel (SoftmaxCrossEntropyBackward) against its reference.
#include <gtest/gtest.h>
#include <hwy/aligned_allocator.h>
#include <hwy/targets.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/rng.h"
#include "engine/ops/kernels.h"
#include "platform/threads.h"
#include "tests/util/for_each_target.h"

namespace tinymlp {
namespace {

constexpr float kSentinel = -12345.0f;

using testing::ForEachTarget;

// Column-major matrix with ld = rows + pad; the padding holds a sentinel.
struct Buffer {
  std::vector<float> storage;
  Mat view;
  Buffer(int rows, int cols, int ld, Rng& rng) : storage(static_cast<size_t>(ld) * cols + 1) {
    std::fill(storage.begin(), storage.end(), kSentinel);
    view = Mat(storage.data(), rows, cols, ld);
    for (int c = 0; c < cols; ++c)
      for (int r = 0; r < rows; ++r) view(r, c) = static_cast<float>(2 * rng.Uniform() - 1);
  }
  bool PaddingIntact() const {
    for (int c = 0; c < view.cols; ++c)
      for (int r = view.rows; r < view.ld; ++r)
        if (view(r, c) != kSentinel) return false;
    return storage.back() == kSentinel;
  }
};

struct Shape {
  Trans ta, tb;
  int m, n, k;
};

// ld of op(A)'s storage: padded to a cache line (so a one-tile A is read in place) or not.
int LdFor(int rows, bool padded) { return padded ? Arena::PaddedLd<float>(rows) : rows + 1; }

void CheckFused(const Shape& s, bool relu, bool padded_ld, Rng& rng) {
  const int a_rows = s.ta == Trans::kNo ? s.m : s.k, a_cols = s.ta == Trans::kNo ? s.k : s.m;
  const int b_rows = s.tb == Trans::kNo ? s.k : s.n, b_cols = s.tb == Trans::kNo ? s.n : s.k;
  Buffer a(a_rows, a_cols, LdFor(a_rows, padded_ld), rng);
  Buffer b(b_rows, b_cols, b_rows + 2, rng);
  Buffer c(s.m, s.n, s.m + 3, rng);
  for (int j = 0; j < s.n; ++j)  // beta is 0: C must not be read
    for (int i = 0; i < s.m; ++i) c.view(i, j) = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> bias(s.m);
  for (float& v : bias) v = static_cast<float>(rng.Uniform() - 0.5);
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(s.m, s.k));
  if (relu) {
    GemmBiasRelu(s.ta, s.tb, a.view, b.view, bias.data(), c.view, workspace.get());
  } else {
    GemmBias(s.ta, s.tb, a.view, b.view, bias.data(), c.view, workspace.get());
  }
  std::vector<float> want_storage(static_cast<size_t>(s.m) * s.n);
  Mat want(want_storage.data(), s.m, s.n);
  reference::Gemm<float>(s.ta, s.tb, 1.0f, a.view, b.view, 0.0f, want);
  reference::AddBias(bias.data(), want);
  if (relu) reference::ReluForward(want);
  SCOPED_TRACE(::testing::Message()
               << "m=" << s.m << " n=" << s.n << " k=" << s.k << " ta=" << int(s.ta)
               << " tb=" << int(s.tb) << " relu=" << relu << " padded_ld=" << padded_ld);
  for (int j = 0; j < s.n; ++j)
    for (int i = 0; i < s.m; ++i)
      ASSERT_NEAR(c.view(i, j), want(i, j), 1e-6 * s.k + 1e-6) << "at (" << i << ", " << j << ")";
  ASSERT_TRUE(c.PaddingIntact()) << "wrote outside C";
}

TEST(FusedKernels, GemmBiasAndReluMatchReferenceOnBlockEdges) {
  ForEachTarget([] {
    Rng rng(11);
    for (Trans ta : {Trans::kNo, Trans::kYes})
      for (Trans tb : {Trans::kNo, Trans::kYes})
        for (int m : {1, 7, 17, 50, 65})
          for (int n : {1, 5, 6, 7, 13})
            for (int k : {1, 17, 383, 384, 385})
              for (bool relu : {false, true}) CheckFused({ta, tb, m, n, k}, relu, (m + k) % 2, rng);
  });
}

TEST(FusedKernels, GemmBiasReluAtTrainingShape) {
  // The first layer's forward product (W1 read in place, K = 3072: eight K blocks), threaded.
  ForEachTarget([] {
    Rng rng(12);
    CheckFused({Trans::kNo, Trans::kNo, 50, 100, 3072}, true, true, rng);
    CheckFused({Trans::kNo, Trans::kNo, 10, 100, 50}, false, true, rng);
  });
}

TEST(FusedKernels, GemmAcrossMBlocksAndKBlocksMatchesReference) {
  // M beyond one M block (a few hundred rows at K = 384), K beyond two blocks, alpha and beta.
  ForEachTarget([] {
    Rng rng(13);
    for (Shape s : {Shape{Trans::kNo, Trans::kNo, 300, 7, 769},
                    Shape{Trans::kYes, Trans::kYes, 200, 13, 385}}) {
      const int a_rows = s.ta == Trans::kNo ? s.m : s.k, a_cols = s.ta == Trans::kNo ? s.k : s.m;
      const int b_rows = s.tb == Trans::kNo ? s.k : s.n, b_cols = s.tb == Trans::kNo ? s.n : s.k;
      Buffer a(a_rows, a_cols, a_rows, rng), b(b_rows, b_cols, b_rows + 1, rng);
      Buffer c(s.m, s.n, s.m + 1, rng);
      std::vector<float> want_storage(c.storage);
      Mat want(want_storage.data(), s.m, s.n, c.view.ld);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(s.m, s.k));
      Gemm(s.ta, s.tb, 0.5f, a.view, b.view, -1.25f, c.view, workspace.get());
      reference::Gemm<float>(s.ta, s.tb, 0.5f, a.view, b.view, -1.25f, want);
      for (int j = 0; j < s.n; ++j)
        for (int i = 0; i < s.m; ++i) ASSERT_NEAR(c.view(i, j), want(i, j), 1e-6 * s.k);
      ASSERT_TRUE(c.PaddingIntact());
    }
  });
}

TEST(FusedKernels, SoftmaxCrossEntropyBackwardMatchesReference) {
  ForEachTarget([] {
    Rng rng(15);
    for (int rows : {1, 7, 10, 17, 33})
      for (int cols : {1, 7, 17})
        for (bool in_place : {false, true}) {  // p aliasing s, as the network calls it
          Buffer s(rows, cols, rows + 1, rng), p(rows, cols, rows + 2, rng);
          Buffer g(rows, cols, rows + 3, rng), want_g(rows, cols, rows, rng);
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

TEST(FusedKernels, GemmDescendMatchesReference) {
  // W -= eta (G inᵀ + decay W), the backward product with the SGD step in its epilogue, up to
  // K = kGemmDescendMaxK (one K block).
  ForEachTarget([] {
    Rng rng(16);
    for (int m : {1, 7, 17, 50})
      for (int n : {1, 7, 33, 127})
        for (int k : {1, 17, 100, kGemmDescendMaxK}) {
          Buffer a(m, k, LdFor(m, (m + n) % 2), rng), b(n, k, n + 1, rng);
          Buffer c(m, n, m + 2, rng);
          std::vector<float> want_storage(c.storage);
          const Mat want(want_storage.data(), m, n, c.view.ld);
          auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
          GemmDescend(Trans::kNo, Trans::kYes, 0.3f, 0.02f, a.view, b.view, c.view,
                      workspace.get());
          reference::GemmDescend(Trans::kNo, Trans::kYes, 0.3f, 0.02f, ConstMat(a.view),
                                 ConstMat(b.view), want);
          SCOPED_TRACE(::testing::Message() << "m=" << m << " n=" << n << " k=" << k);
          for (int j = 0; j < n; ++j)
            for (int i = 0; i < m; ++i)
              ASSERT_NEAR(c.view(i, j), want(i, j), 1e-6 * k) << "at (" << i << ", " << j << ")";
          ASSERT_TRUE(c.PaddingIntact()) << "wrote outside C";
        }
  });
}

TEST(FusedKernels, GemmResultDoesNotDependOnThreadCount) {
  // Every element of C is summed by one thread in the same order whatever the thread count.
  Rng rng(14);
  const int m = 50, n = 3072, k = 100;  // dW1 = G Xᵀ, the threaded backward product
  Buffer a(m, k, LdFor(m, true), rng), b(n, k, n, rng);
  Buffer one(m, n, m, rng), two(m, n, m, rng);
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
  SetThreadCount(1);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a.view, b.view, 0.0f, one.view, workspace.get());
  SetThreadCount(2);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a.view, b.view, 0.0f, two.view, workspace.get());
  SetThreadCount(0);
  EXPECT_EQ(one.storage, two.storage);
}

}  // namespace
}  // namespace tinymlp
