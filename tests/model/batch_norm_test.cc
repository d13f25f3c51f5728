// Batch normalization: the forward pass normalizes with the batch's statistics while training,
// keeps running averages, and uses them at inference; float agrees with the double reference.
#include "engine/model/batch_norm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/base/rng.h"
#include "engine/model/init.h"
#include "engine/model/layers.h"
#include "engine/model/mlp.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct Layer {
  int m, b;
  std::vector<double> x, shat, gamma, beta, mean, inv_std, rmean, rvar;
  std::vector<double> sums;
  Layer(int m_, int b_, uint64_t seed)
      : m(m_),
        b(b_),
        x(m_ * b_),
        shat(m_ * b_),
        gamma(m_),
        beta(m_),
        mean(m_),
        inv_std(m_),
        rmean(m_),
        rvar(m_),
        sums(m_) {
    Rng rng(seed);
    for (double& v : x) v = 3 + 2 * rng.Normal();
    for (int i = 0; i < m; ++i) {
      gamma[i] = 0.5 + rng.Uniform();
      beta[i] = rng.Normal();
    }
  }
  MatView<double> X() { return MatView<double>(x.data(), m, b); }
  void Train(bool first, double alpha = 0.9, bool relu = false) {
    BatchNormForwardTrain(gamma.data(), beta.data(), alpha, first, X(),
                          MatView<double>(shat.data(), m, b), mean.data(), inv_std.data(),
                          rmean.data(), rvar.data(), sums.data(), relu);
  }
  void Infer(bool relu = false) {
    BatchNormForwardInference(gamma.data(), beta.data(), rmean.data(), rvar.data(), X(), relu);
  }
};

TEST(BatchNorm, TrainingOutputHasMeanBetaAndStdGamma) {
  Layer layer(7, 33, 1);
  layer.Train(true);
  for (int i = 0; i < layer.m; ++i) {
    double sum = 0, sq = 0;
    for (int j = 0; j < layer.b; ++j) sum += layer.X()(i, j);
    const double mean = sum / layer.b;
    for (int j = 0; j < layer.b; ++j) sq += std::pow(layer.X()(i, j) - mean, 2);
    EXPECT_NEAR(mean, layer.beta[i], 1e-12);
    EXPECT_NEAR(std::sqrt(sq / layer.b), layer.gamma[i], 1e-6);  // eps shrinks it a hair
  }
}

TEST(BatchNorm, InferenceWithTheFirstBatchsStatisticsReproducesTraining) {
  Layer layer(5, 20, 2);
  const std::vector<double> input = layer.x;
  layer.Train(true);  // first batch: running averages = its statistics
  const std::vector<double> trained = layer.x;
  layer.x = input;
  layer.Infer();
  for (size_t k = 0; k < input.size(); ++k) EXPECT_NEAR(layer.x[k], trained[k], 1e-9);
}

// The fused ReLU: the same normalization, then max(0, y), in training and inference; 600 units
// so that threads take several runs of rows.
TEST(BatchNorm, FusedReluIsTheNormalizationThenMaxZero) {
  for (const bool training : {true, false}) {
    Layer plain(600, 9, 5), fused(600, 9, 5);
    if (!training) {  // running statistics from a first training pass on another batch
      Layer first(600, 9, 6);
      first.Train(true);
      plain.rmean = fused.rmean = first.rmean;
      plain.rvar = fused.rvar = first.rvar;
    }
    if (training) {
      plain.Train(true);
      fused.Train(true, 0.9, /*relu=*/true);
    } else {
      plain.Infer();
      fused.Infer(/*relu=*/true);
    }
    int zeros = 0;
    for (size_t k = 0; k < plain.x.size(); ++k) {
      ASSERT_EQ(fused.x[k], std::max(plain.x[k], 0.0)) << "element " << k;
      zeros += fused.x[k] == 0;
    }
    EXPECT_GT(zeros, 0);  // beta ~ N(0, 1): some outputs are cut
    EXPECT_EQ(fused.shat, plain.shat);
    EXPECT_EQ(fused.rmean, plain.rmean);
  }
}

TEST(BatchNorm, RunningAveragesBlendWithAlpha) {
  Layer layer(3, 10, 3);
  layer.Train(true);
  const std::vector<double> m1 = layer.mean;
  Layer second(3, 10, 4);
  second.rmean = layer.rmean;
  second.rvar = layer.rvar;
  second.Train(false, 0.9);
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(second.rmean[i], 0.9 * m1[i] + 0.1 * second.mean[i], 1e-12);
}

// The whole network: float (Highway kernels) against double (reference) with batch norm, in
// training mode (loss and every gradient) and in inference mode (probabilities).
TEST(BatchNorm, FloatNetworkMatchesDouble) {
  MlpShape shape;
  shape.input = 40;
  shape.hidden = {30, 20};
  shape.batch_norm = true;
  const int batch = 16;
  Arena arena_f(MeasureArena<Mlp<float>>(shape, batch) + Arena::MatBytes<float>(40, batch));
  Arena arena_d(MeasureArena<Mlp<double>>(shape, batch) + Arena::MatBytes<double>(40, batch));
  Mlp<float> nf(shape, batch, arena_f);
  Mlp<double> nd(shape, batch, arena_d);
  InitWeights(nf, 5, WeightInit::kHe);
  InitWeights(nd, 5, WeightInit::kHe);
  MatView<float> xf = arena_f.AllocateMat<float>(40, batch);
  MatView<double> xd = arena_d.AllocateMat<double>(40, batch);
  Rng rng(9);
  std::vector<uint8_t> labels(batch);
  for (int j = 0; j < batch; ++j) {
    labels[j] = static_cast<uint8_t>(rng.Below(10));
    for (int i = 0; i < 40; ++i) xd(i, j) = xf(i, j) = static_cast<float>(rng.Normal());
  }
  nf.set_training(true);
  nd.set_training(true);
  EXPECT_NEAR(nf.Forward(xf, labels.data()), nd.Forward(xd, labels.data()), 1e-4);
  nf.Backward(xf, 0.01f);
  nd.Backward(xd, 0.01);
  // Padding differs between float and double blocks: compare parameter by parameter.
  const MlpParams<float>& gf = nf.grads();
  const MlpParams<double>& gd = nd.grads();
  for (int l = 0; l < shape.layers(); ++l) {
    const int rows = shape.out(l);
    for (int c = 0; c < shape.in(l); ++c)
      for (int r = 0; r < rows; ++r) EXPECT_NEAR(gf.w[l](r, c), gd.w[l](r, c), 2e-5);
    for (int r = 0; r < rows; ++r) {
      if (shape.has_bias(l)) {
        EXPECT_NEAR(gf.b[l][r], gd.b[l][r], 2e-5);
      }
      if (shape.has_bn(l)) {
        EXPECT_NEAR(gf.gamma[l][r], gd.gamma[l][r], 2e-5);
        EXPECT_NEAR(gf.beta[l][r], gd.beta[l][r], 2e-5);
      }
    }
  }
  nf.set_training(false);
  nd.set_training(false);
  nf.Forward(xf, nullptr);
  nd.Forward(xd, nullptr);
  for (int j = 0; j < batch; ++j)
    for (int i = 0; i < 10; ++i)
      EXPECT_NEAR(nf.probabilities()(i, j), nd.probabilities()(i, j), 1e-5);
}

// Dropout: inference is deterministic (no dropout); a training-mode forward draws a mask.
TEST(Dropout, OffAtInferenceRandomWhileTraining) {
  MlpShape shape;
  shape.input = 20;
  shape.hidden = {200};
  shape.dropout = 0.3f;
  const int batch = 50;
  Arena arena(MeasureArena<Mlp<double>>(shape, batch) + Arena::MatBytes<double>(20, batch));
  Mlp<double> net(shape, batch, arena);
  InitWeights(net, 1);
  MatView<double> x = arena.AllocateMat<double>(20, batch);
  Rng rng(2);
  for (int j = 0; j < batch; ++j)
    for (int i = 0; i < 20; ++i) x(i, j) = rng.Normal();
  net.Forward(x, nullptr);
  const std::vector<double> p_eval(net.probabilities().data,
                                   net.probabilities().data + net.probabilities().ld * batch);
  net.Forward(x, nullptr);  // inference twice: no randomness
  for (size_t k = 0; k < p_eval.size(); ++k) ASSERT_EQ(p_eval[k], net.probabilities().data[k]);
  net.set_training(true);
  net.Forward(x, nullptr);
  bool differs = false;
  for (size_t k = 0; k < p_eval.size(); ++k) differs |= p_eval[k] != net.probabilities().data[k];
  EXPECT_TRUE(differs);
}

// The mask is the stream's draws in column order, element (i, j) taking draw j * rows + i,
// whatever the thread count (threads take runs of columns, each skipping ahead to its first
// draw), and the stream's state moves on as one serial pass would move it.
TEST(Dropout, MaskIsTheSerialStreamOnAnyThreadCount) {
  const int rows = 1024, cols = 100;  // a wide layer: the columns are split between threads
  const float p = 0.25f;
  // The serial pass, written out.
  std::vector<float> want(static_cast<size_t>(rows) * cols);
  Rng serial(77);
  for (float& m : want) m = serial.Uniform() < 1.0 - p ? 1 / 0.75f : 0.0f;
  const uint64_t want_state = serial.Next();
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    std::vector<float> mask(want.size()), h(want.size(), 2.0f);
    uint64_t state = 77;
    DropoutForward(p, &state, Mat(mask.data(), rows, cols), Mat(h.data(), rows, cols));
    SCOPED_TRACE(threads);
    EXPECT_EQ(mask, want);
    EXPECT_EQ(state, want_state);
    for (size_t k = 0; k < h.size(); ++k) ASSERT_EQ(h[k], 2.0f * want[k]);
  }
  SetThreadCount(0);
}

}  // namespace
}  // namespace tinymlp
