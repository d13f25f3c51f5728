// Initial weights for an Mlp: the three schemes of the course, drawn from the engine's own Rng
// so the same seed gives the same network on every compiler and architecture.
#pragma once

#include <cstdint>

#include "engine/model/mlp.h"

namespace tinymlp {

// sigma of each layer's N(0, sigma^2) weights, from its fan-in `in`:
//   kXavier  1 / sqrt(in)   (the course's initialization, the default)
//   kHe      sqrt(2 / in)
//   kNormal  a fixed sigma given by the caller
enum class WeightInit { kXavier, kHe, kNormal };

// Draws every weight matrix, column by column from the input side, from one stream seeded with
// `seed`; biases and beta zero, gamma one. Then net.ResetState(seed): running averages unset,
// the dropout stream seeded from `seed` too.
template <typename T>
void InitWeights(Mlp<T>& net, uint64_t seed, WeightInit init = WeightInit::kXavier,
                 double sigma = 0);

}  // namespace tinymlp
