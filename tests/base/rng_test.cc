// Rng (engine/base/rng.h): UniformThreshold turns `Uniform() < p` into an integer comparison
// that decides every draw alike, at ordinary probabilities and at the edges (0, 1, and p exactly
// on a draw's value, where < must stay strict).
#include "engine/base/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tinymlp {
namespace {

TEST(Rng, UniformThresholdDecidesEveryDrawAsUniformDoes) {
  const double on_a_draw = std::ldexp(1234567.0, -53);  // exactly a value Uniform() can return
  for (const double p :
       {0.0, 0.1, 0.5, 0.9, 1.0 - 1e-9, 1.0, on_a_draw, std::nextafter(0.3, 1.0)}) {
    const uint64_t threshold = Rng::UniformThreshold(p);
    Rng by_double(7), by_integer(7);
    int kept = 0;
    for (int n = 0; n < 200000; ++n) {
      const bool want = by_double.Uniform() < p;
      ASSERT_EQ((by_integer.Next() >> 11) < threshold, want) << "p " << p << ", draw " << n;
      kept += want;
    }
    EXPECT_NEAR(kept / 200000.0, p, 0.01) << "p " << p;
  }
  // At the edge: a draw whose value is exactly p is not below it.
  EXPECT_EQ(Rng::UniformThreshold(on_a_draw), 1234567u);
  EXPECT_EQ(Rng::UniformThreshold(0.0), 0u);
  EXPECT_EQ(Rng::UniformThreshold(1.0), uint64_t{1} << 53);
}

}  // namespace
}  // namespace tinymlp
