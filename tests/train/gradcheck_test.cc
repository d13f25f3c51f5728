// Gradient checks of k-layer networks with and without batch normalization, in double
// precision, on random images (no data needed): every parameter (W, b, gamma, beta per layer).
#include "engine/train/gradcheck.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tinymlp {
namespace {

double Worst(const std::vector<GradCheckEntry>& entries) {
  double worst = 0;
  for (const GradCheckEntry& e : entries) worst = std::max(worst, e.max_rel_error);
  return worst;
}

std::set<std::string> Names(const std::vector<GradCheckEntry>& entries) {
  std::set<std::string> names;
  for (const GradCheckEntry& e : entries) names.insert(e.name);
  return names;
}

TEST(GradCheck, FourLayerBatchNormCoversEveryParameter) {
  const Dataset data = RandomDataset(5, 7);
  GradCheckConfig config;
  config.dims = 20;
  config.samples = 5;
  config.hidden = {10, 8, 6};
  config.batch_norm = true;
  config.lambda = 0.01;
  const std::vector<GradCheckEntry> entries = GradCheck(data, config);
  // Hidden layers: W, gamma, beta (no bias: beta replaces it); the last layer: W, b.
  EXPECT_EQ(Names(entries), (std::set<std::string>{"W1", "gamma1", "beta1", "W2", "gamma2", "beta2",
                                                   "W3", "gamma3", "beta3", "W4", "b4"}));
  for (const GradCheckEntry& e : entries) EXPECT_LT(e.max_rel_error, 1e-6) << e.name;
}

TEST(GradCheck, FourLayerPlain) {
  const Dataset data = RandomDataset(5, 3);
  GradCheckConfig config;
  config.hidden = {10, 8, 6};
  config.lambda = 0.01;
  const std::vector<GradCheckEntry> entries = GradCheck(data, config);
  EXPECT_EQ(Names(entries),
            (std::set<std::string>{"W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"}));
  EXPECT_LT(Worst(entries), 1e-6);
}

TEST(GradCheck, TwoLayerWithAndWithoutBatchNorm) {
  const Dataset data = RandomDataset(8, 5);
  for (bool bn : {false, true}) {
    GradCheckConfig config;
    config.samples = 8;
    config.hidden = {12};
    config.batch_norm = bn;
    EXPECT_LT(Worst(GradCheck(data, config)), 1e-6) << "batch_norm " << bn;
  }
}

// The measure can fail: with a step far too large the finite differences are wrong, and the
// check must report it rather than saturate at a small number.
TEST(GradCheck, LargeStepShowsAsError) {
  const Dataset data = RandomDataset(5, 7);
  GradCheckConfig config;
  config.hidden = {10, 8, 6};
  config.batch_norm = true;
  config.step = 0.5;
  EXPECT_GT(Worst(GradCheck(data, config)), 1e-3);
}

}  // namespace
}  // namespace tinymlp
