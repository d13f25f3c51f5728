// Initialization sensitivity on the real data (label "data"; needs CIFAR10_DIR): with all
// weights N(0, 1e-4^2), the 3-layer [50, 50] network learns with batch normalization and stays
// at chance without it. Short version of the course's experiment: 10k split, one cycle.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "engine/train/trainer.h"

namespace tinymlp {
namespace {

double TestAccuracy(const Cifar10& data, bool batch_norm) {
  MlpShape shape;
  shape.hidden = {50, 50};
  shape.batch_norm = batch_norm;
  TrainConfig config;
  config.lambda = 0.005f;
  config.batch = 100;
  config.steps = 1000;  // one cycle, n_s = 500
  config.init = WeightInit::kNormal;
  config.init_sigma = 1e-4;
  const Normalization norm = Normalization::FromData(data.train);
  Arena arena(MeasureArena<Trainer>(shape, config, data.train, norm));
  Trainer trainer(shape, config, data.train, norm, arena);
  trainer.Run(LearningRateSchedule::Cyclic(1e-5f, 0.1f, 500), Dataset(), nullptr, nullptr);
  return trainer.Evaluate(data.test).accuracy;
}

TEST(BatchNormData, TinyInitLearnsOnlyWithBatchNorm) {
  const char* dir = std::getenv("CIFAR10_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "CIFAR10_DIR is not set: no CIFAR-10 data";
  const Cifar10 data = LoadCifar10(dir, Split::k10k);
  const double with_bn = TestAccuracy(data, true);
  const double plain = TestAccuracy(data, false);
  std::printf("sigma=1e-4 test accuracy: batch norm %.4f, plain %.4f\n", with_bn, plain);
  EXPECT_GE(with_bn, 0.40);
  EXPECT_LE(plain, 0.15);  // chance is 0.10
}

}  // namespace
}  // namespace tinymlp
