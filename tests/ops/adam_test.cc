// AdamStep (engine/ops/adam.h) against its scalar reference, bit for bit, on every Highway target
// compiled into this binary and supported by this CPU, over ranges whose ends are not multiples of
// any vector width, with gradients and moments across many magnitudes (and zero moments, as at the
// first step).
#include "engine/ops/adam.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "engine/base/rng.h"
#include "tests/util/for_each_target.h"

namespace tinymlp {
namespace {

using testing::ForEachTarget;

struct State {
  std::vector<float> p, m, v, g;
  explicit State(size_t n, Rng& rng, bool first_step) : p(n), m(n), v(n), g(n) {
    for (size_t i = 0; i < n; ++i) {
      const float scale = static_cast<float>(1 << (i % 20)) * 1e-6f;  // 1e-6 .. 0.5
      p[i] = static_cast<float>(rng.Uniform() - 0.5);
      g[i] = static_cast<float>(rng.Uniform() - 0.5) * scale;
      m[i] = first_step ? 0.0f : static_cast<float>(rng.Uniform() - 0.5) * scale;
      v[i] = first_step ? 0.0f : static_cast<float>(rng.Uniform()) * scale * scale;
    }
  }
  AdamArgs Args(float step) {
    return {p.data(), m.data(), v.data(), g.data(), 0.9f, 0.999f, step, 31.6f, 1e-8f};
  }
};

bool SameBits(const std::vector<float>& a, const std::vector<float>& b) {
  // memcmp must not see the null data() of an empty vector (UBSan's nonnull check).
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

TEST(Adam, StepMatchesReferenceBitForBit) {
  ForEachTarget([] {
    Rng rng(11);
    for (size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{17}, size_t{63}, size_t{1001}}) {
      for (bool first : {true, false}) {
        for (size_t begin : {size_t{0}, size_t{3}}) {
          if (begin > n) continue;
          SCOPED_TRACE(::testing::Message()
                       << "n " << n << " begin " << begin << " first " << first);
          State got(n, rng, first);
          const State original = got;
          State want = got;
          AdamStep(got.Args(1e-3f), begin, n);
          reference::AdamStep(want.Args(1e-3f), begin, n);
          EXPECT_TRUE(SameBits(got.p, want.p)) << "parameters";
          EXPECT_TRUE(SameBits(got.m, want.m)) << "first moments";
          EXPECT_TRUE(SameBits(got.v, want.v)) << "second moments";
          // Before begin nothing moves; from it on, at the first step, every parameter with a
          // gradient does.
          for (size_t i = 0; i < n; ++i) {
            if (i < begin) {
              EXPECT_EQ(got.p[i], original.p[i]) << i;
              EXPECT_EQ(got.m[i], original.m[i]) << i;
            } else if (first && original.g[i] != 0) {  // a step of about 1e-3
              EXPECT_NE(got.p[i], original.p[i]) << i;
            }
          }
        }
      }
    }
  });
}

TEST(Adam, StepMovesAgainstTheGradient) {
  // The reference itself: from zero moments, one step moves each parameter by about `step`
  // against its gradient's sign (m / sqrt(v) is about sign(g) after the bias corrections).
  const size_t n = 5;
  std::vector<float> p(n, 1.0f), m(n, 0.0f), v(n, 0.0f), g = {0.5f, -0.25f, 1e-3f, -2.0f, 0.0f};
  const float b1 = 0.9f, b2 = 0.999f;
  const float step = 0.01f / (1 - b1), c2 = 1 / std::sqrt(1 - b2);
  const AdamArgs a{p.data(), m.data(), v.data(), g.data(), b1, b2, step, c2, 1e-8f};
  reference::AdamStep(a, 0, n);
  for (size_t i = 0; i + 1 < n; ++i) {
    EXPECT_NEAR(p[i], 1.0f - (g[i] > 0 ? 0.01f : -0.01f), 1e-4f) << i;
  }
  EXPECT_EQ(p[n - 1], 1.0f) << "no gradient, no move";
}

}  // namespace
}  // namespace tinymlp
