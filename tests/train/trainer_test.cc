// The Trainer on random images (no data needed), with batch norm and dropout: every optimizer
// lowers the training loss, and, with augmentation on too, the same seed gives the same weights
// bit for bit.
#include "engine/train/trainer.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/train/gradcheck.h"  // RandomDataset
#include "platform/threads.h"

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
  Arena arena(MeasureArena<Trainer>(s.shape, s.config, s.data, s.norm));
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
    // After 50 steps the loss is 0.28-0.48 of the first (300 steps took 46 s under qemu).
    Train(s, 50, kind == OptimizerKind::kAdam ? 0.003f : 0.05f, &first, &last);
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

// Threads split the products and the optimizer's block (engine/base/parallel.h) so that no
// element's arithmetic depends on them: 1 and 3 threads give the same bits. The network is wide
// enough (3072 x 96: 300 k parameters, several optimizer chunks) that every split happens.
TEST(Trainer, ThreadCountDoesNotChangeABit) {
  for (OptimizerKind kind : {OptimizerKind::kSgd, OptimizerKind::kAdam}) {
    std::vector<float> weights[2];
    for (int threads : {1, 3}) {
      SetThreadCount(threads);
      TrainSetup s(kind);
      s.shape.hidden = {96, 64};
      s.config.batch = 100;
      double f, l;
      weights[threads == 3] = Train(s, 8, kind == OptimizerKind::kAdam ? 0.001f : 0.05f, &f, &l);
    }
    SetThreadCount(0);
    EXPECT_EQ(weights[0], weights[1]) << "optimizer " << int(kind);
  }
}

// Only what a run uses is reserved: the float batch exists for augmentation only (D x batch),
// and evaluation reads uint8 images, so no D x kEvalChunk matrix is ever carved.
TEST(TrainerArena, FloatBatchOnlyWithAugmentation) {
  TrainSetup s(OptimizerKind::kSgd);
  s.config.batch = 100;
  const size_t with = MeasureArena<Trainer>(s.shape, s.config, s.data, s.norm);
  s.config.augment = AugmentConfig();
  const size_t without = MeasureArena<Trainer>(s.shape, s.config, s.data, s.norm);
  const size_t batch_floats = sizeof(float) * kImageDim * 100;
  ASSERT_GT(with, without);
  EXPECT_GE(with - without, batch_floats);
  EXPECT_LT(with - without, batch_floats + 1024) << "the float batch and 100 transforms";
  EXPECT_LT(without, sizeof(float) * kImageDim * Trainer::kEvalChunk);

  EXPECT_LT(MeasureArena<BatchBuffers>(Trainer::kEvalChunk, 0), 8192u);
  EXPECT_GE(MeasureArena<BatchBuffers>(Trainer::kEvalChunk, kImageDim),
            sizeof(float) * kImageDim * Trainer::kEvalChunk);
}

}  // namespace
}  // namespace tinymlp
