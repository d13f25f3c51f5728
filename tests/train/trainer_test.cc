// The Trainer on random images (no data needed), with batch norm and dropout: every optimizer
// lowers the training loss, and, with augmentation on too, the same seed gives the same weights
// bit for bit.
#include "engine/train/trainer.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/train/gradcheck.h"  // RandomDataset

namespace tinymlp {
namespace {

struct TrainSetup {
  Dataset data = RandomDataset(200, 11);
  Normalization norm = Normalization::FromData(data);
  MlpShape shape;
  TrainConfig config;
  explicit TrainSetup(OptimizerKind kind) {
    shape.hidden = {32, 16};
    shape.batch_norm = true;
    shape.dropout = 0.1f;
    config.batch = 20;
    config.lambda = 0.001f;
    config.optimizer.kind = kind;
    config.augment = ParseAugment("flip,translate:2");
  }
};

std::vector<float> Train(TrainSetup& s, long steps, float eta, double* first_loss,
                         double* last_loss) {
  Arena arena(Trainer::ArenaBytes(s.shape, s.config, s.data.count()));
  Trainer trainer(s.shape, s.config, s.data, s.norm, arena);
  *first_loss = trainer.Evaluate(s.data).loss;
  for (long t = 0; t < steps; ++t) trainer.Step(eta);
  *last_loss = trainer.Evaluate(s.data).loss;
  const MlpParams<float>& p = trainer.network().params();
  return std::vector<float>(p.flat, p.flat + p.flat_size);
}

TEST(Trainer, EveryOptimizerLowersTheLoss) {
  for (OptimizerKind kind : {OptimizerKind::kSgd, OptimizerKind::kMomentum,
                             OptimizerKind::kNesterov, OptimizerKind::kAdam}) {
    TrainSetup s(kind);
    s.config.augment = AugmentConfig();  // memorizing random labels: no augmentation
    double first = 0, last = 0;
    Train(s, 300, kind == OptimizerKind::kAdam ? 0.003f : 0.05f, &first, &last);
    EXPECT_LT(last, 0.7 * first) << "optimizer " << int(kind);
  }
}

TEST(Trainer, SameSeedSameWeights) {
  TrainSetup a(OptimizerKind::kAdam), b(OptimizerKind::kAdam), c(OptimizerKind::kAdam);
  c.config.seed = 2;
  double f, l;
  const std::vector<float> wa = Train(a, 30, 0.001f, &f, &l);
  const std::vector<float> wb = Train(b, 30, 0.001f, &f, &l);
  const std::vector<float> wc = Train(c, 30, 0.001f, &f, &l);
  EXPECT_EQ(wa, wb);
  EXPECT_NE(wa, wc);
}

}  // namespace
}  // namespace tinymlp
