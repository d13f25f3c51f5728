// Gradient check: the analytic gradients of Mlp<double> against centred finite differences of
// the cost, on a reduced problem (the first `dims` input dimensions of `samples` images) so that
// perturbing every parameter one at a time stays cheap. Everything runs in double precision,
// through the same network code that trains in float.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/cifar10.h"

namespace tinymlp {

struct GradCheckConfig {
  int dims = 20;
  int samples = 5;
  std::vector<int> hidden = {6};
  bool batch_norm = false;  // in training mode: the batch statistics are part of the function
  double lambda = 0.0;
  // Finite-difference h for the five-point stencil (truncation error O(h^4)). The cost's
  // rounding noise (~1e-15) divided by h bounds the absolute accuracy, so h should not be tiny;
  // larger h crosses more ReLU kinks. 1e-4 measured best, from the default 20-6-10 problem
  // (9e-10) to a 4-layer batch-norm net [50,30,20] (3.6e-7).
  double step = 1e-4;
  uint64_t seed = 1;
};

struct GradCheckEntry {
  std::string name;      // "W1", "b1" (or "gamma1", "beta1" with batch norm), "W2", ...
  double max_rel_error;  // max over the entries of |a - n| / max(1e-8, |a| + |n|)
};

// `data` supplies the images and labels (at least `samples` of them).
std::vector<GradCheckEntry> GradCheck(const Dataset& data, const GradCheckConfig& config);

// `count` random images with random labels, for checks that need no real data.
Dataset RandomDataset(int count, uint64_t seed);

}  // namespace tinymlp
