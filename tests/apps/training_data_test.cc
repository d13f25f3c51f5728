// Training on the real CIFAR-10 (label "data"): the accuracy the course reports for each
// setting, through the command line a user runs. Skipped, visibly, when CIFAR10_DIR is unset.
#include <gtest/gtest.h>

#include <regex>

#include "engine/io/cifar10.h"
#include "engine/train/trainer.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

double TestAccuracy(const std::string& flags) {
  testing::TempDir out;
  const testing::RunOutput r = testing::RunTinymlp("train --data '" + testing::RealDataDir() +
                                                   "' --out '" + out.path() + "' " + flags);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  const std::regex last("test_accuracy=([0-9.]+)\n$");
  if (!std::regex_search(r.out, m, last)) {
    ADD_FAILURE() << "no test_accuracy line: " << r.out;
    return 0;
  }
  std::printf("train %s -> %s", flags.c_str(), m[0].str().c_str());
  return std::stod(m[1]);
}

class RealData : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::RealDataDir().empty()) GTEST_SKIP() << "CIFAR10_DIR is not set: no real data";
  }
};

TEST_F(RealData, OverfitsOneHundredImages) {
  const Cifar10 data = LoadCifar10(testing::RealDataDir(), Split::k10k, false);
  Dataset sample;
  sample.Append(data.train, 0, 100);
  const Normalization norm = Normalization::FromData(sample);
  MlpShape shape;
  shape.hidden = {50};
  TrainConfig config;
  config.lambda = 0;
  config.batch = 100;
  Arena arena(MeasureArena<Trainer>(shape, config, sample, norm));
  Trainer trainer(shape, config, sample, norm, arena);
  for (int t = 0; t < 400; ++t) trainer.Step(0.05f);
  const Evaluation e = trainer.Evaluate(sample);
  EXPECT_LT(e.loss, 0.01);
  EXPECT_EQ(e.accuracy, 1.0);
}

TEST_F(RealData, TenKOneCycle) {
  EXPECT_GE(TestAccuracy("--split 10k --lambda 0.01 --n-s 500 --cycles 1"), 0.45);
}

TEST_F(RealData, TenKThreeCycles) {
  EXPECT_GE(TestAccuracy("--split 10k --lambda 0.01 --n-s 800 --cycles 3"), 0.465);
}

TEST_F(RealData, FortyNineKThreeCycles) {
  // The course reports about 52 %. Seed 1 gives 51.67 % with this engine on AVX-512; other seeds
  // move it by about half a point either way (earlier builds: 51.3 to 52.3 % over seeds 1-4).
  EXPECT_GE(TestAccuracy("--split 49k --lambda 0.00115 --n-s 980 --cycles 3"), 0.515);
}

}  // namespace
}  // namespace tinymlp
