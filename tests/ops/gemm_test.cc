// The GEMM family (engine/ops/gemm.h) against its scalar reference, on every Highway target
// compiled into this binary and supported by this CPU:
//   - every transpose form, alpha and beta, with sizes that are not multiples of any vector
//     width and leading dimensions larger than the row count; C's padding must stay untouched
//     and, with beta = 0, C must not be read;
//   - shapes on the edges of the blocking: K one below, at and one above the K block
//     (gemm_layout.h's kKc = 384), M and N smaller than one register tile, M across an M block,
//     and A read in place (ld padded to whole vectors) as well as packed;
//   - the fused epilogues (bias, bias + ReLU, the gradient-descent step GemmDescend, and Adam's
//     step GemmAdam, bit for bit against the separate gradient GEMM and AdamStep);
//   - an ImageBatch of uint8 images as op(B): against the reference, and bit for bit against the
//     same GEMM on the batch GatherNormalize writes out (same sums in the same order: only where
//     op(B) comes from differs). Sizes cross the image slab (96 columns), the K block and the
//     register tiles; indices repeat and skip, as a shuffled epoch's do;
//   - the result does not depend on the thread count.
#include "engine/ops/gemm.h"

#include <gtest/gtest.h>
#include <hwy/aligned_allocator.h>
#include <hwy/targets.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/image_batch.h"
#include "engine/base/rng.h"
#include "engine/ops/adam.h"
#include "engine/ops/elementwise_reference.h"
#include "engine/ops/gather.h"
#include "platform/threads.h"
#include "tests/util/for_each_target.h"
#include "tests/util/padded_mat.h"

namespace tinymlp {
namespace {

using testing::ExpectNear;
using testing::ForEachTarget;
using testing::PaddedMat;

const int kSizes[] = {1, 7, 17, 33, 127};

struct Shape {
  Trans ta, tb;
  int m, n, k;
};

// A product's size, where the transposes are the test's own.
struct Size {
  int m, n, k;
};

// ld of op(A)'s storage: padded to a cache line (so a one-tile A is read in place) or not.
int LdFor(int rows, bool padded) { return padded ? Arena::PaddedLd<float>(rows) : rows + 1; }

// ---- float matrices ------------------------------------------------------------------------

TEST(Gemm, AllFormsMatchReference) {
  ForEachTarget([] {
    Rng rng(1);
    for (Trans ta : {Trans::kNo, Trans::kYes})
      for (Trans tb : {Trans::kNo, Trans::kYes})
        for (int m : kSizes)
          for (int n : kSizes)
            for (int k : kSizes) {
              const int pad = (m + n + k) % 3;  // ld > rows on two shapes out of three
              const int a_rows = ta == Trans::kNo ? m : k, b_rows = tb == Trans::kNo ? k : n;
              PaddedMat a(a_rows, ta == Trans::kNo ? k : m, a_rows + pad, rng);
              PaddedMat b(b_rows, tb == Trans::kNo ? n : k, b_rows + pad + 1, rng);
              for (float beta : {0.0f, 1.5f}) {
                PaddedMat c(m, n, m + pad, rng);
                PaddedMat want = c;
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

TEST(Gemm, LargeTrainingShapes) {
  // The products of a training step (m=50, batch 100) through the threaded path.
  ForEachTarget([] {
    Rng rng(2);
    for (Shape s : {Shape{Trans::kNo, Trans::kNo, 50, 100, 3072},
                    Shape{Trans::kNo, Trans::kYes, 50, 3072, 100},
                    Shape{Trans::kYes, Trans::kNo, 50, 100, 10},
                    // op(A) over 1 MB and few columns: threads split the row tiles (a wide
                    // layer's forward product, scaled down), A as it is and transposed.
                    Shape{Trans::kNo, Trans::kNo, 300, 40, 1000},
                    Shape{Trans::kYes, Trans::kNo, 301, 37, 1000},
                    Shape{Trans::kNo, Trans::kYes, 297, 40, 1000},
                    // ... and a batch of 100 (17 column tiles on AVX-512) where op(A) has over
                    // 4 times as many rows: still by rows (a 1024-wide layer's forward product).
                    Shape{Trans::kNo, Trans::kNo, 420, 100, 700}}) {
      const int a_rows = s.ta == Trans::kNo ? s.m : s.k, b_rows = s.tb == Trans::kNo ? s.k : s.n;
      PaddedMat a(a_rows, s.ta == Trans::kNo ? s.k : s.m, a_rows, rng);
      PaddedMat b(b_rows, s.tb == Trans::kNo ? s.n : s.k, b_rows, rng);
      PaddedMat c(s.m, s.n, s.m, rng), want(s.m, s.n, s.m, rng);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(s.m, s.k));
      Gemm(s.ta, s.tb, 1.0f, a.view, b.view, 0.0f, c.view, workspace.get());
      reference::Gemm<float>(s.ta, s.tb, 1.0f, a.view, b.view, 0.0f, want.view);
      ExpectNear(c.view, want.view, 1e-6 * s.k);
    }
  });
}

void CheckBiasEpilogue(const Shape& s, bool relu, bool padded_ld, Rng& rng) {
  const int a_rows = s.ta == Trans::kNo ? s.m : s.k, a_cols = s.ta == Trans::kNo ? s.k : s.m;
  const int b_rows = s.tb == Trans::kNo ? s.k : s.n, b_cols = s.tb == Trans::kNo ? s.n : s.k;
  PaddedMat a(a_rows, a_cols, LdFor(a_rows, padded_ld), rng);
  PaddedMat b(b_rows, b_cols, b_rows + 2, rng);
  PaddedMat c(s.m, s.n, s.m + 3, rng);
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

TEST(Gemm, BiasAndReluMatchReferenceOnBlockEdges) {
  ForEachTarget([] {
    Rng rng(11);
    for (Trans ta : {Trans::kNo, Trans::kYes})
      for (Trans tb : {Trans::kNo, Trans::kYes})
        for (int m : {1, 7, 17, 50, 65})
          for (int n : {1, 5, 6, 7, 13})
            for (int k : {1, 17, 383, 384, 385})
              for (bool relu : {false, true})
                CheckBiasEpilogue({ta, tb, m, n, k}, relu, (m + k) % 2, rng);
  });
}

TEST(Gemm, BiasReluAtTrainingShape) {
  // The first layer's forward product (W1 read in place, K = 3072: eight K blocks), threaded.
  ForEachTarget([] {
    Rng rng(12);
    CheckBiasEpilogue({Trans::kNo, Trans::kNo, 50, 100, 3072}, true, true, rng);
    CheckBiasEpilogue({Trans::kNo, Trans::kNo, 10, 100, 50}, false, true, rng);
  });
}

TEST(Gemm, AcrossMBlocksAndKBlocksMatchesReference) {
  // M beyond one M block (a few hundred rows at K = 384), K beyond two blocks, alpha and beta.
  ForEachTarget([] {
    Rng rng(13);
    for (Shape s : {Shape{Trans::kNo, Trans::kNo, 300, 7, 769},
                    Shape{Trans::kYes, Trans::kYes, 200, 13, 385}}) {
      const int a_rows = s.ta == Trans::kNo ? s.m : s.k, a_cols = s.ta == Trans::kNo ? s.k : s.m;
      const int b_rows = s.tb == Trans::kNo ? s.k : s.n, b_cols = s.tb == Trans::kNo ? s.n : s.k;
      PaddedMat a(a_rows, a_cols, a_rows, rng), b(b_rows, b_cols, b_rows + 1, rng);
      PaddedMat c(s.m, s.n, s.m + 1, rng);
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

TEST(Gemm, AReadInPlaceGivesTheBitsOfAPackedA) {
  // Whole tiles of A (M a multiple of 64: AVX-512's tile) are read from A's storage, its ld the
  // step (ReadAInPlace); A stored transposed (op(A) = Aᵀ) is always packed. The kernel sums
  // the same way from either, so the bits must match, and the reference within rounding, over
  // M blocks, K blocks, a short last block, an ld that is not a multiple of a vector, one
  // thread or two.
  ForEachTarget([] {
    Rng rng(16);
    for (Size s : {Size{64, 13, 7}, Size{128, 1, 385}, Size{192, 13, 769}, Size{320, 100, 769}}) {
      const int m = s.m, n = s.n, k = s.k, ld = m + (k % 2) * 5;
      PaddedMat a(m, k, ld, rng), b(k, n, k + 1, rng);
      PaddedMat a_t(k, m, k, rng);
      for (int i = 0; i < m; ++i)
        for (int p = 0; p < k; ++p) a_t.view(p, i) = a.view(i, p);
      const PaddedMat start(m, n, m + 1, rng);
      PaddedMat want = start;
      reference::Gemm<float>(Trans::kNo, Trans::kNo, 0.5f, a.view, b.view, -1.25f, want.view);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
      for (int threads : {1, 2}) {
        PaddedMat in_place = start, packed = start;
        SetThreadCount(threads);
        Gemm(Trans::kNo, Trans::kNo, 0.5f, a.view, b.view, -1.25f, in_place.view, workspace.get());
        Gemm(Trans::kYes, Trans::kNo, 0.5f, a_t.view, b.view, -1.25f, packed.view, workspace.get());
        SetThreadCount(0);
        SCOPED_TRACE(::testing::Message() << "m=" << m << " n=" << n << " k=" << k << " ld=" << ld
                                          << " threads=" << threads);
        ASSERT_EQ(in_place.storage, packed.storage);
        ExpectNear(in_place.view, want.view, 1e-6 * k);
        ASSERT_TRUE(in_place.PaddingIntact());
      }
    }
  });
}

TEST(Gemm, DescendMatchesReference) {
  // W -= eta (G inᵀ + decay W), the backward product with the SGD step in its epilogue, up to
  // K = kGemmDescendMaxK (one K block).
  ForEachTarget([] {
    Rng rng(16);
    for (int m : {1, 7, 17, 50})
      for (int n : {1, 7, 33, 127})
        for (int k : {1, 17, 100, kGemmDescendMaxK}) {
          PaddedMat a(m, k, LdFor(m, (m + n) % 2), rng), b(n, k, n + 1, rng);
          PaddedMat c(m, n, m + 2, rng);
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

TEST(Gemm, RowsPastTheTilesOfADwProductGetATilesBits) {
  // With op(B) = Bᵀ (a dW product) up to a quarter vector of rows past the last whole vector
  // (M = 49 or 50 on every target, 36 where a vector has 16 lanes) are summed along C's rows, two
  // at a time (RemainderRows), each element with a tile's FMAs in a tile's order. The same rows
  // inside a product of 64 rows, all in tiles, must come out bit for bit: plain, and with the
  // SGD step fused (GemmDescend, as the first layer's backward product runs), over a short last
  // run of columns.
  auto bits = [](float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof(u));
    return u;
  };
  ForEachTarget([&] {
    Rng rng(31);
    const int k = 100, n = 3 * 96 + 5;
    PaddedMat big_a(64, k, 64, rng), b(n, k, n, rng);
    const PaddedMat big_c(64, n, 64, rng);
    auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(64, k));
    for (int m : {36, 49, 50}) {
      for (bool descend : {false, true}) {
        PaddedMat a(m, k, m, rng), c(m, n, m, rng);
        for (int p = 0; p < k; ++p)
          for (int i = 0; i < m; ++i) a.view(i, p) = big_a.view(i, p);
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i) c.view(i, j) = big_c.view(i, j);
        PaddedMat want = big_c;
        if (descend) {
          GemmDescend(Trans::kNo, Trans::kYes, 0.3f, 0.02f, big_a.view, b.view, want.view,
                      workspace.get());
          GemmDescend(Trans::kNo, Trans::kYes, 0.3f, 0.02f, a.view, b.view, c.view,
                      workspace.get());
        } else {
          Gemm(Trans::kNo, Trans::kYes, 0.5f, big_a.view, b.view, -1.25f, want.view,
               workspace.get());
          Gemm(Trans::kNo, Trans::kYes, 0.5f, a.view, b.view, -1.25f, c.view, workspace.get());
        }
        SCOPED_TRACE(::testing::Message() << "m=" << m << " descend=" << descend);
        for (int j = 0; j < n; ++j)
          for (int i = 0; i < m; ++i)
            ASSERT_EQ(bits(c.view(i, j)), bits(want.view(i, j))) << "at (" << i << ", " << j << ")";
        ASSERT_TRUE(c.PaddingIntact()) << "wrote outside C";
      }
    }
  });
}

// Adam's step fused into the weight-gradient product (GemmAdam) on W = w.view with moments laid
// out as W is, against the separate steps: dW = decay W, dW += G Bᵀ (the same GEMM, beta = 1),
// then reference::AdamStep column by column. Both must give the same bits, and neither may
// write W's or the moments' padding. b_images: op(B) from images instead of the matrix b.
struct AdamCase {
  PaddedMat w, m, v;
  AdamArgs constants{nullptr, nullptr, nullptr, nullptr, 0.9f, 0.999f, 0.01f, 31.6f, 1e-8f};
  AdamCase(int rows, int cols, int ld, Rng& rng)
      : w(rows, cols, ld, rng), m(rows, cols, ld, rng, 1e-3f), v(rows, cols, ld, rng, 1e-6f) {
    for (int j = 0; j < cols; ++j)
      for (int i = 0; i < rows; ++i) v.view(i, j) = std::abs(v.view(i, j));  // v >= 0
  }
  AdamArgs State() {
    AdamArgs state = constants;
    state.m = m.view.data;
    state.v = v.view.data;
    return state;
  }
  // The separate steps, from the gradient product G Bᵀ computed by `product(dw)` (beta = 1).
  template <class Product>
  void SeparateSteps(float decay, const Product& product) {
    const Mat W = w.view;
    std::vector<float> dw_storage(static_cast<size_t>(W.ld) * W.cols);
    const Mat dw(dw_storage.data(), W.rows, W.cols, W.ld);
    for (int j = 0; j < W.cols; ++j)
      for (int i = 0; i < W.rows; ++i) dw(i, j) = decay * W(i, j);
    product(dw);
    for (int j = 0; j < W.cols; ++j) {
      AdamArgs a = constants;
      a.p = W.col(j);
      a.m = m.view.col(j);
      a.v = v.view.col(j);
      a.g = dw.col(j);
      reference::AdamStep(a, 0, static_cast<size_t>(W.rows));
    }
  }
  bool SameBits(const AdamCase& other) const {
    return w.storage == other.w.storage && m.storage == other.m.storage &&
           v.storage == other.v.storage;
  }
  bool PaddingIntact() const { return w.PaddingIntact() && m.PaddingIntact() && v.PaddingIntact(); }
};

TEST(Gemm, AdamStepMatchesSeparateStepsBitForBit) {
  ForEachTarget([] {
    Rng rng(17);
    const float decay = 0.02f;
    for (int m : {1, 7, 17, 50, 64, 100})
      for (int n : {1, 7, 33, 127})
        for (int k : {1, 17, 100, kGemmDescendMaxK}) {
          PaddedMat a(m, k, LdFor(m, (m + n) % 2), rng), b(n, k, n + 1, rng);
          AdamCase fused(m, n, m + 3, rng), separate(fused);
          const std::vector<float> w_before = fused.w.storage;
          auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
          GemmAdam(Trans::kNo, Trans::kYes, decay, fused.State(), a.view, b.view, fused.w.view,
                   workspace.get());
          separate.SeparateSteps(decay, [&](Mat dw) {
            Gemm(Trans::kNo, Trans::kYes, 1.0f, a.view, b.view, 1.0f, dw, workspace.get());
          });
          SCOPED_TRACE(::testing::Message() << "m=" << m << " n=" << n << " k=" << k);
          ASSERT_TRUE(fused.SameBits(separate));
          ASSERT_TRUE(fused.PaddingIntact()) << "wrote outside W or its moments";
          ASSERT_NE(fused.w.storage, w_before) << "the step must move W for this to mean much";
        }
  });
}

TEST(Gemm, ResultDoesNotDependOnThreadCount) {
  // Every element of C is summed by one thread in the same order whatever the thread count.
  Rng rng(14);
  const int m = 50, n = 3072, k = 100;  // dW1 = G Xᵀ, the threaded backward product
  PaddedMat a(m, k, LdFor(m, true), rng), b(n, k, n, rng);
  PaddedMat one(m, n, m, rng), two(m, n, m, rng);
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
  SetThreadCount(1);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a.view, b.view, 0.0f, one.view, workspace.get());
  SetThreadCount(2);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a.view, b.view, 0.0f, two.view, workspace.get());
  SetThreadCount(0);
  EXPECT_EQ(one.storage, two.storage);
}

TEST(Gemm, ResultDoesNotDependOnThreadCountWhenSplitByRows) {
  // A 1.2 MB op(A) and 40 columns, or 100 columns and 4.2 times as many rows: the threads take
  // runs of row tiles. With op(B) transposed and 297 rows, the row past the last whole vector
  // (8 or 4 lanes) is summed along C's row (RemainderRows), in the last run.
  Rng rng(15);
  for (Size s : {Size{297, 40, 1000}, Size{420, 100, 700}}) {
    for (Trans tb : {Trans::kNo, Trans::kYes}) {
      PaddedMat a(s.m, s.k, s.m, rng);
      const int b_rows = tb == Trans::kNo ? s.k : s.n, b_cols = tb == Trans::kNo ? s.n : s.k;
      PaddedMat b(b_rows, b_cols, b_rows, rng);
      PaddedMat one(s.m, s.n, s.m, rng), two(s.m, s.n, s.m, rng);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(s.m, s.k));
      SetThreadCount(1);
      Gemm(Trans::kNo, tb, 1.0f, a.view, b.view, 0.0f, one.view, workspace.get());
      SetThreadCount(2);
      Gemm(Trans::kNo, tb, 1.0f, a.view, b.view, 0.0f, two.view, workspace.get());
      SetThreadCount(0);
      EXPECT_EQ(one.storage, two.storage) << "m=" << s.m << " n=" << s.n << " tb=" << int(tb);
    }
  }
}

// ---- an ImageBatch as op(B) ------------------------------------------------------------------

// A data set of `count` random images of `size` bytes and a batch of `batch` of them.
struct Images {
  std::vector<uint8_t> pixels;
  std::vector<int32_t> index;
  std::vector<float> mean, inv_std;
  ImageBatch batch;

  Images(int size, int count, int batch_size, Rng& rng)
      : pixels(static_cast<size_t>(size) * count), index(batch_size), mean(size), inv_std(size) {
    for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng.Below(256));
    for (int32_t& i : index) i = static_cast<int32_t>(rng.Below(count));
    for (int i = 0; i < size; ++i) {
      mean[i] = static_cast<float>(100 + 50 * rng.Uniform());
      inv_std[i] = static_cast<float>(0.01 + 0.02 * rng.Uniform());
    }
    batch = {pixels.data(), index.data(), mean.data(), inv_std.data(), size, batch_size};
  }
  // The batch written out as GatherNormalize writes it, with ld > rows.
  std::vector<float> Gathered(Mat* x) {
    std::vector<float> storage(static_cast<size_t>(batch.size + 3) * batch.count);
    *x = Mat(storage.data(), batch.size, batch.count, batch.size + 3);
    GatherNormalize(pixels.data(), index.data(), mean.data(), inv_std.data(), *x);
    return storage;
  }
};

std::vector<float> Random(size_t n, Rng& rng) {
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(2 * rng.Uniform() - 1);
  return v;
}

// C = alpha op(A) op(X) + beta C with op(X) = X (forward, tb = kNo) or Xᵀ (backward).
void CheckImageGemm(Trans tb, int m, int size, int batch, Rng& rng) {
  Images images(size, 40, batch, rng);
  const int k = tb == Trans::kNo ? size : batch, n = tb == Trans::kNo ? batch : size;
  std::vector<float> a_storage = Random(static_cast<size_t>(m + 1) * k, rng);
  const ConstMat a(a_storage.data(), m, k, m + 1);
  std::vector<float> c_start = Random(static_cast<size_t>(m + 2) * n, rng);
  std::vector<float> from_images(c_start), from_matrix(c_start), want(c_start);
  const Mat c_images(from_images.data(), m, n, m + 2), c_matrix(from_matrix.data(), m, n, m + 2);
  const Mat c_want(want.data(), m, n, m + 2);
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
  Mat x;
  const std::vector<float> x_storage = images.Gathered(&x);

  Gemm(Trans::kNo, tb, -0.5f, a, images.batch, 0.75f, c_images, workspace.get());
  Gemm(Trans::kNo, tb, -0.5f, a, ConstMat(x), 0.75f, c_matrix, workspace.get());
  reference::Gemm(Trans::kNo, tb, -0.5f, a, images.batch, 0.75f, c_want);
  SCOPED_TRACE(::testing::Message()
               << "tb=" << int(tb) << " m=" << m << " size=" << size << " batch=" << batch);
  ASSERT_EQ(from_images, from_matrix) << "not the same bits as the GEMM on the gathered batch";
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < m; ++i)
      ASSERT_NEAR(c_images(i, j), c_want(i, j), 1e-5 * k) << "at (" << i << ", " << j << ")";
}

TEST(GemmImageBatch, ForwardAndBackwardMatchReferenceAndGatheredBatch) {
  ForEachTarget([] {
    Rng rng(21);
    for (Trans tb : {Trans::kNo, Trans::kYes})
      for (int m : {1, 7, 17, 50})
        for (int size : {1, 7, 33, 127, 385})
          for (int batch : {1, 7, 17, 100}) CheckImageGemm(tb, m, size, batch, rng);
  });
}

TEST(GemmImageBatch, TrainingShapeMatchesGatheredBatch) {
  // 3072 pixels: eight K blocks forward; 32 image slabs backward, threaded.
  ForEachTarget([] {
    Rng rng(22);
    CheckImageGemm(Trans::kNo, 50, 3072, 100, rng);
    CheckImageGemm(Trans::kYes, 50, 3072, 100, rng);
  });
}

TEST(GemmImageBatch, WideLayerForwardSplitByRowsMatchesGatheredBatch) {
  // A wide layer's forward product, scaled down: 420 rows, 700 pixels (op(A) 1.2 MB), a batch of
  // 100. The threads take runs of row tiles and each converts the images it reads; the bits must
  // be those of the gathered batch's product (and of one thread: ResultDoesNotDependOnThreadCount).
  ForEachTarget([] {
    Rng rng(25);
    CheckImageGemm(Trans::kNo, 420, 700, 100, rng);
  });
}

TEST(GemmImageBatch, BiasAndReluEpilogues) {
  ForEachTarget([] {
    Rng rng(23);
    for (bool relu : {false, true}) {
      const int m = 17, size = 130, batch = 13;
      Images images(size, 20, batch, rng);
      std::vector<float> a_storage = Random(static_cast<size_t>(m) * size, rng);
      const ConstMat a(a_storage.data(), m, size);
      const std::vector<float> bias = Random(m, rng);
      std::vector<float> got(static_cast<size_t>(m) * batch), want(got.size());
      const Mat c(got.data(), m, batch), c_want(want.data(), m, batch);
      auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, size));
      if (relu) {
        GemmBiasRelu(Trans::kNo, Trans::kNo, a, images.batch, bias.data(), c, workspace.get());
      } else {
        GemmBias(Trans::kNo, Trans::kNo, a, images.batch, bias.data(), c, workspace.get());
      }
      reference::Gemm(Trans::kNo, Trans::kNo, 1.0f, a, images.batch, 0.0f, c_want);
      reference::AddBias(bias.data(), c_want);
      if (relu) reference::ReluForward(c_want);
      for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5 * size) << i;
    }
  });
}

// The product from images on one thread and on two, bit for bit: op(X) = Xᵀ (backward, m x
// batch times batch x size) or X (forward, m x size times size x batch).
void ExpectImageGemmBitsOnOneAndTwoThreads(Trans tb, int m, int size, int batch, Rng& rng) {
  Images images(size, 300, batch, rng);
  const int k = tb == Trans::kNo ? size : batch, n = tb == Trans::kNo ? batch : size;
  std::vector<float> a_storage = Random(static_cast<size_t>(m) * k, rng);
  const ConstMat a(a_storage.data(), m, k);
  std::vector<float> one(static_cast<size_t>(m) * n), two(one.size());
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, k));
  SetThreadCount(1);
  Gemm(Trans::kNo, tb, 1.0f, a, images.batch, 0.0f, Mat(one.data(), m, n), workspace.get());
  SetThreadCount(2);
  Gemm(Trans::kNo, tb, 1.0f, a, images.batch, 0.0f, Mat(two.data(), m, n), workspace.get());
  SetThreadCount(0);
  EXPECT_EQ(one, two) << "tb=" << int(tb) << " m=" << m << " size=" << size;
}

TEST(GemmImageBatch, ResultDoesNotDependOnThreadCount) {
  // The first layer's backward product (cut by pixels), and a wide layer's forward product
  // scaled down (420 rows, 700 pixels, a batch of 100: cut by row tiles).
  Rng rng(24);
  ExpectImageGemmBitsOnOneAndTwoThreads(Trans::kYes, 50, 3072, 100, rng);
  Rng wide_rng(26);
  ExpectImageGemmBitsOnOneAndTwoThreads(Trans::kNo, 420, 700, 100, wide_rng);
}

TEST(GemmImageBatch, ForwardSplitAlongKGivesTheBitsOfOneThread) {
  // The first layer's forward product (50 x 3072 times 100 images) on two threads is cut into
  // its eight K blocks, each into a partial product, summed at the end in block order: the bits
  // must be one thread's, with beta (Gemm) and with each epilogue, from images and from a matrix,
  // and with op(A) = Aᵀ. 130 pixels less than 3072 leaves a short last block.
  ForEachTarget([] {
    Rng rng(25);
    for (int size : {3072, 3072 - 130}) {
      const int m = 50, batch = 100;
      Images images(size, 300, batch, rng);
      Mat x;
      const std::vector<float> x_storage = images.Gathered(&x);
      for (Trans ta : {Trans::kNo, Trans::kYes}) {
        const int lda = ta == Trans::kNo ? 64 : size + 1;
        std::vector<float> a_storage =
            Random(static_cast<size_t>(lda) * (ta == Trans::kNo ? size : m), rng);
        const ConstMat a(a_storage.data(), ta == Trans::kNo ? m : size, ta == Trans::kNo ? size : m,
                         lda);
        const std::vector<float> bias = Random(m, rng), c_start = Random(size_t{m} * batch, rng);
        auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, size));
        for (int form = 0; form < 4; ++form) {
          std::vector<float> results[2];
          for (int threads : {1, 2}) {
            SetThreadCount(threads);
            std::vector<float>& c_storage = results[threads - 1];
            c_storage = c_start;
            const Mat c(c_storage.data(), m, batch);
            if (form == 0) Gemm(ta, Trans::kNo, 0.5f, a, images.batch, 0.75f, c, workspace.get());
            if (form == 1) Gemm(ta, Trans::kNo, 1.0f, a, ConstMat(x), 0.0f, c, workspace.get());
            if (form == 2)
              GemmBias(ta, Trans::kNo, a, images.batch, bias.data(), c, workspace.get());
            if (form == 3) {
              GemmBiasRelu(ta, Trans::kNo, a, images.batch, bias.data(), c, workspace.get());
            }
          }
          SetThreadCount(0);
          ASSERT_EQ(results[0], results[1])
              << "size " << size << " ta " << int(ta) << " form " << form;
          ASSERT_NE(results[0], c_start);
        }
      }
    }
  });
}

// Targets whose MulAdd is one fused operation: there a tile's sums and RemainderRowsDot's are
// the same operations on every vector width.
bool HasFma(int64_t target) {
#if HWY_ARCH_X86
  return target == HWY_AVX3 || target == HWY_AVX3_DL || target == HWY_AVX2;
#elif HWY_ARCH_ARM_A64
  return target == HWY_NEON || target == HWY_SVE || target == HWY_SVE2 || target == HWY_SVE_256 ||
         target == HWY_SVE2_128;
#else
  (void)target;
  return false;
#endif
}

TEST(GemmImageBatch, ForwardGivesTheSameBitsOnEveryTargetWithFma) {
  // The rows past a multiple of 16 (M = 50: 2; 17: 1; 36: 4; 49: 1) go through RemainderRowsDot,
  // which sums in 16 lanes whatever the vector width, and the tiled rows through sequential FMA
  // chains: a model trained on an AVX-512 machine and one trained on an AVX2 machine (or a Pi's
  // aarch64 NEON) get the same bits.
  std::vector<int64_t> targets;
  for (int64_t target : hwy::SupportedAndGeneratedTargets())
    if (HasFma(target)) targets.push_back(target);
  if (targets.size() < 2) GTEST_SKIP() << "fewer than two targets with FMA to compare";
  Rng rng(26);
  for (int m : {50, 17, 36, 49}) {
    const int size = 3072 - 130, batch = 37;
    Images images(size, 60, batch, rng);
    std::vector<float> a_storage = Random(static_cast<size_t>(m + 3) * size, rng);
    const ConstMat a(a_storage.data(), m, size, m + 3);
    const std::vector<float> bias = Random(m, rng);
    auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, size));
    std::vector<std::vector<float>> results;
    for (int64_t target : targets) {
      hwy::SetSupportedTargetsForTest(target);
      std::vector<float>& c = results.emplace_back(static_cast<size_t>(m) * batch);
      GemmBiasRelu(Trans::kNo, Trans::kNo, a, images.batch, bias.data(), Mat(c.data(), m, batch),
                   workspace.get());
    }
    hwy::SetSupportedTargetsForTest(0);
    for (size_t i = 1; i < targets.size(); ++i) {
      EXPECT_EQ(results[i], results[0]) << "m = " << m << ": " << hwy::TargetName(targets[i])
                                        << " against " << hwy::TargetName(targets[0]);
    }
  }
}

TEST(GemmImageBatch, AdamStepWithImagesIsTheSameOnOneAndTwoThreads) {
  // The first layer's shape (dW1 = G Xᵀ, 32 image slabs, threaded by columns), against the
  // separate steps at 1 thread and the fused step at 2.
  ForEachTarget([] {
    Rng rng(18);
    const int m = 50, size = 3072, batch = 100;
    Images images(size, 300, batch, rng);
    PaddedMat g(m, batch, Arena::PaddedLd<float>(m), rng);
    AdamCase one(m, size, Arena::PaddedLd<float>(m), rng), two(one), separate(one);
    auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, batch));
    SetThreadCount(1);
    GemmAdam(Trans::kNo, Trans::kYes, 0.002f, one.State(), g.view, images.batch, one.w.view,
             workspace.get());
    separate.SeparateSteps(0.002f, [&](Mat dw) {
      Gemm(Trans::kNo, Trans::kYes, 1.0f, g.view, images.batch, 1.0f, dw, workspace.get());
    });
    SetThreadCount(2);
    GemmAdam(Trans::kNo, Trans::kYes, 0.002f, two.State(), g.view, images.batch, two.w.view,
             workspace.get());
    SetThreadCount(0);
    EXPECT_TRUE(one.SameBits(separate));
    EXPECT_TRUE(one.SameBits(two));
  });
}

}  // namespace
}  // namespace tinymlp
