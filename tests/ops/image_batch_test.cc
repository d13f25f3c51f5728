// The GEMM reading a batch of uint8 images (ImageBatch) instead of a float matrix: on every
// compiled target, against the scalar reference, and bit for bit against the same GEMM on the
// batch that GatherNormalize writes out (same sums in the same order: only where op(B) comes
// from differs). Sizes cross the image slab (96 columns), the K block (384) and the register
// tiles; indices repeat and skip, as a shuffled epoch's do.
#include <gtest/gtest.h>
#include <hwy/aligned_allocator.h>

#include <vector>

#include "engine/base/rng.h"
#include "engine/ops/kernels.h"
#include "platform/threads.h"
#include "tests/util/for_each_target.h"

namespace tinymlp {
namespace {

using testing::ForEachTarget;

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
void CheckGemm(Trans tb, int m, int size, int batch, Rng& rng) {
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

TEST(ImageBatchGemm, ForwardAndBackwardMatchReferenceAndGatheredBatch) {
  ForEachTarget([] {
    Rng rng(21);
    for (Trans tb : {Trans::kNo, Trans::kYes})
      for (int m : {1, 7, 17, 50})
        for (int size : {1, 7, 33, 127, 385})
          for (int batch : {1, 7, 17, 100}) CheckGemm(tb, m, size, batch, rng);
  });
}

TEST(ImageBatchGemm, TrainingShapeMatchesGatheredBatch) {
  // 3072 pixels: eight K blocks forward; 32 image slabs backward, threaded.
  ForEachTarget([] {
    Rng rng(22);
    CheckGemm(Trans::kNo, 50, 3072, 100, rng);
    CheckGemm(Trans::kYes, 50, 3072, 100, rng);
  });
}

TEST(ImageBatchGemm, BiasAndReluEpilogues) {
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

TEST(ImageBatchGemm, ResultDoesNotDependOnThreadCount) {
  Rng rng(24);
  const int m = 50, size = 3072, batch = 100;
  Images images(size, 300, batch, rng);
  std::vector<float> a_storage = Random(static_cast<size_t>(m) * batch, rng);
  const ConstMat a(a_storage.data(), m, batch);
  std::vector<float> one(static_cast<size_t>(m) * size), two(one.size());
  auto workspace = hwy::AllocateAligned<float>(GemmWorkspaceFloats(m, batch));
  SetThreadCount(1);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a, images.batch, 0.0f, Mat(one.data(), m, size),
       workspace.get());
  SetThreadCount(2);
  Gemm(Trans::kNo, Trans::kYes, 1.0f, a, images.batch, 0.0f, Mat(two.data(), m, size),
       workspace.get());
  SetThreadCount(0);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace tinymlp
