// Parameter updates over the one flat block of parameters and gradients (MlpParams::flat), so
// every optimizer is a single loop over n floats whatever the network's depth, and its state
// (velocity, or Adam's two moments) is one or two more flat blocks of the same size, carved from
// the arena at set-up.
//
//   sgd       p -= eta g
//   momentum  v = mu v - eta g;  p += v                           (heavy ball)
//   nesterov  v = mu v - eta g;  p += mu v - eta g                (Sutskever et al. 2013, in the
//                                                                  form that keeps p at the
//                                                                  look-ahead point)
//   adam      m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//             p -= eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)   (Kingma & Ba 2015)
//
// The L2 term is already in g (Mlp::Backward), so with Adam it is L2 regularization, not
// decoupled weight decay. The zero padding between columns stays zero: its gradient is zero.
#pragma once

#include <cstddef>
#include <string>

#include "engine/base/arena.h"
#include "engine/ops/adam.h"

namespace tinymlp {

enum class OptimizerKind { kSgd, kMomentum, kNesterov, kAdam };

// Parses "sgd", "momentum", "nesterov", "adam"; otherwise throws a UsageError that says what is
// wrong with the name (the command line adds the flag that carried it).
OptimizerKind ParseOptimizer(const std::string& name);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::kSgd;
  float momentum = 0.9f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-8f;
};

class Optimizer {
 public:
  // State for n parameters, zero, carved from `arena` (nothing for plain SGD; size it with
  // MeasureArena<Optimizer>).
  Optimizer(const OptimizerConfig& config, size_t n, Arena& arena);

  // One update of p[0..n) from g[0..n) with rate eta. Allocates nothing.
  void Update(float* p, const float* g, float eta);
  // Adam only: counts one update, as Update does, and returns its constants with the moments
  // (m and v at the flat block's first element; p and g null), for a step fused into the
  // backward pass (Mlp::BackwardAdamStep), which then gives Update's bits.
  AdamArgs BeginFusedAdamStep(float eta);
  long updates() const { return t_; }

  // The state, for checkpoints: the moments (n floats each; null when the optimizer keeps none)
  // and the update count with Adam's b1^t, b2^t. A restored optimizer continues bit for bit.
  size_t size() const { return n_; }
  float* moment1() { return m_; }
  const float* moment1() const { return m_; }
  float* moment2() { return v_; }
  const float* moment2() const { return v_; }
  struct Counters {
    long updates = 0;
    double beta1_power = 1, beta2_power = 1;
  };
  Counters counters() const { return {t_, beta1_t_, beta2_t_}; }
  void set_counters(const Counters& c) {
    t_ = c.updates;
    beta1_t_ = c.beta1_power;
    beta2_t_ = c.beta2_power;
  }

 private:
  OptimizerConfig config_;
  size_t n_;
  float* m_ = nullptr;  // n: velocity (momentum, nesterov) or Adam's first moment
  float* v_ = nullptr;  // n: Adam's second moment
  // Advances b1^t, b2^t and returns the step's constants (moments only; p and g null).
  AdamArgs NextAdamStep(float eta);
  long t_ = 0;
  double beta1_t_ = 1, beta2_t_ = 1;  // b1^t, b2^t
};

}  // namespace tinymlp
