// The network's math: gradients against finite differences, and learning on a small sample.
#include "engine/mlp.h"

#include <gtest/gtest.h>

#include "engine/gradcheck.h"
#include "engine/trainer.h"

namespace tinymlp {
namespace {

double WorstError(const GradCheckConfig& config) {
  const Dataset images = RandomDataset(config.samples, 11);
  double worst = 0;
  const std::vector<GradCheckEntry> entries = GradCheck(images, config);
  EXPECT_EQ(entries.size(), 2 * (config.hidden.size() + 1)) << "W and b for every layer";
  for (const GradCheckEntry& e : entries) {
    EXPECT_LT(e.max_rel_error, 1e-6) << e.name;
    worst = std::max(worst, e.max_rel_error);
  }
  return worst;
}

TEST(Mlp, GradientsMatchFiniteDifferences) {
  GradCheckConfig config;  // the gradcheck command's defaults: 20 dims, 5 samples, hidden 6
  WorstError(config);
}

TEST(Mlp, GradientsMatchWithRegularization) {
  GradCheckConfig config;
  config.lambda = 0.1;
  WorstError(config);
}

TEST(Mlp, GradientsMatchForOneAndThreeLayerNets) {
  GradCheckConfig config;
  config.hidden = {};
  config.lambda = 0.01;
  WorstError(config);
  config.hidden = {8, 7};
  WorstError(config);
}

TEST(Mlp, GradientCheckCatchesAWrongGradient) {
  // The check must be able to fail: a step that is far too large breaks the comparison.
  GradCheckConfig config;
  config.step = 1.0;
  const Dataset images = RandomDataset(config.samples, 11);
  double worst = 0;
  for (const GradCheckEntry& e : GradCheck(images, config))
    worst = std::max(worst, e.max_rel_error);
  EXPECT_GT(worst, 1e-6);
}

TEST(Mlp, OverfitsASmallSample) {
  // 100 random images with random labels: only memorization can bring the loss near zero.
  const Dataset train = RandomDataset(100, 5);
  const Normalization norm = Normalization::FromData(train);
  MlpShape shape;
  shape.hidden = {50};
  TrainConfig config;
  config.lambda = 0;
  config.batch = 100;
  config.steps = 300;
  Arena arena(Trainer::ArenaBytes(shape, config.batch, train.count()));
  Trainer trainer(shape, config, train, norm, arena);
  const double before = trainer.Evaluate(train).loss;
  for (long t = 0; t < config.steps; ++t) trainer.Step(0.05f);
  const Evaluation after = trainer.Evaluate(train);
  EXPECT_GT(before, 1.5);
  EXPECT_LT(after.loss, 0.01);
  EXPECT_EQ(after.accuracy, 1.0);
}

TEST(Mlp, SameSeedSameWeights) {
  const Dataset train = RandomDataset(200, 6);
  const Normalization norm = Normalization::FromData(train);
  MlpShape shape;
  shape.hidden = {20};
  TrainConfig config;
  config.batch = 50;
  std::vector<float> first;
  for (int run = 0; run < 2; ++run) {
    Arena arena(Trainer::ArenaBytes(shape, config.batch, train.count()));
    Trainer trainer(shape, config, train, norm, arena);
    for (int t = 0; t < 20; ++t) trainer.Step(0.01f);
    const MlpParams<float>& p = trainer.network().params();
    std::vector<float> weights(p.flat, p.flat + p.flat_size);
    if (run == 0)
      first = weights;
    else
      EXPECT_EQ(weights, first);
  }
}

TEST(Mlp, ArenaSizeIsExact) {
  MlpShape shape;
  shape.hidden = {50, 30};
  const size_t bytes = Mlp<float>::ArenaBytes(shape, 100);
  Arena arena(bytes);
  Mlp<float> net(shape, 100, arena);
  EXPECT_EQ(arena.used(), bytes);
}

}  // namespace
}  // namespace tinymlp
