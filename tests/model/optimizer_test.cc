// Optimizers and schedules: each update rule against its formula, worked by hand for a few steps,
// and every optimizer minimizes a quadratic.
#include "engine/model/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/model/schedule.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

struct OptRun {
  Arena arena{1 << 16};
  Optimizer opt;
  std::vector<float> p;
  OptRun(OptimizerKind kind, std::vector<float> start)
      : opt(Config(kind), start.size(), arena), p(std::move(start)) {}
  static OptimizerConfig Config(OptimizerKind kind) {
    OptimizerConfig c;
    c.kind = kind;
    return c;
  }
};

TEST(Optimizer, MomentumAndNesterovFollowTheirFormulas) {
  // Constant gradient g = 1, eta = 0.1, mu = 0.9.
  const std::vector<float> g = {1.0f};
  OptRun heavy(OptimizerKind::kMomentum, {0.0f});
  OptRun nesterov(OptimizerKind::kNesterov, {0.0f});
  for (int t = 0; t < 2; ++t) {
    heavy.opt.Update(heavy.p.data(), g.data(), 0.1f);
    nesterov.opt.Update(nesterov.p.data(), g.data(), 0.1f);
  }
  // heavy ball: v1 = -0.1, p1 = -0.1; v2 = -0.19, p2 = -0.29.
  EXPECT_NEAR(heavy.p[0], -0.29f, 1e-6);
  // nesterov: v1 = -0.1, p1 = 0.9 * -0.1 - 0.1 = -0.19; v2 = -0.19, p2 = -0.19 - 0.171 - 0.1.
  EXPECT_NEAR(nesterov.p[0], -0.461f, 1e-6);
}

TEST(Optimizer, AdamFirstStepIsEtaTimesTheSign) {
  // With bias correction, m_hat = g and v_hat = g^2 after one step: the move is eta * g / |g|.
  OptRun adam(OptimizerKind::kAdam, {1.0f, 1.0f, 1.0f});
  const std::vector<float> g = {1e-3f, -5.0f, 0.0f};
  adam.opt.Update(adam.p.data(), g.data(), 0.01f);
  EXPECT_NEAR(adam.p[0], 0.99f, 1e-5);
  EXPECT_NEAR(adam.p[1], 1.01f, 1e-5);
  EXPECT_EQ(adam.p[2], 1.0f);  // zero gradient (like the padding between columns): no move
}

TEST(Optimizer, EveryKindMinimizesAQuadratic) {
  // f(p) = 0.5 * sum a_i p_i^2 with a mix of curvatures.
  const std::vector<float> a = {1.0f, 10.0f, 0.1f};
  for (OptimizerKind kind : {OptimizerKind::kSgd, OptimizerKind::kMomentum,
                             OptimizerKind::kNesterov, OptimizerKind::kAdam}) {
    OptRun run(kind, {1.0f, -1.0f, 2.0f});
    std::vector<float> g(3);
    for (int t = 0; t < 2000; ++t) {
      for (int i = 0; i < 3; ++i) g[i] = a[i] * run.p[i];
      run.opt.Update(run.p.data(), g.data(), kind == OptimizerKind::kAdam ? 0.01f : 0.05f);
    }
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(run.p[i], 0.0f, 0.05f) << int(kind) << " " << i;
  }
}

TEST(Optimizer, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(ParseOptimizer("adam"), OptimizerKind::kAdam);
  EXPECT_EQ(ParseOptimizer("nesterov"), OptimizerKind::kNesterov);
  EXPECT_THROW(ParseOptimizer("adagrad"), Error);
}

TEST(Schedule, LinearDecayGoesFromMaxToMin) {
  const LearningRateSchedule s = LearningRateSchedule::LinearDecay(0.1f, 0.001f, 100);
  EXPECT_FLOAT_EQ(s.At(0), 0.1f);
  EXPECT_NEAR(s.At(50), 0.0505f, 1e-6);
  EXPECT_FLOAT_EQ(s.At(100), 0.001f);
  EXPECT_FLOAT_EQ(s.At(1000), 0.001f);
}

}  // namespace
}  // namespace tinymlp
