// PhaseTimer: where a training step's time goes, for `tinymlp bench-train --breakdown`.
//
// The network and the trainer call Mark(phase, layer) after each piece of a step when a timer is
// attached (a null pointer otherwise: one untaken branch per layer call). Mark adds the time since
// the previous mark to that phase's slot; fixed-size slots, so timing allocates nothing and a
// step timed this way is the same step.
#pragma once

#include "platform/clock.h"

namespace tinymlp {

class PhaseTimer {
 public:
  enum Phase {
    kGather,          // choose the batch, copy labels, augment and normalize (when augmenting)
    kLinearForward,   // W x + b (with the ReLU fused when there is no batch norm)
    kBatchNorm,       // forward and backward
    kReluDropout,     // ReLU and dropout, forward and backward
    kSoftmax,         // softmax + cross-entropy and its gradient
    kLinearBackward,  // dW, db and dx (with the SGD step fused in the plain SGD path)
    kUpdate,          // the optimizer's pass over all parameters (not in the fused SGD path)
    kPhases
  };
  static constexpr int kMaxLayers = 8;  // deeper layers are counted in the last slot

  static const char* Name(int phase) {
    static const char* const kNames[kPhases] = {"gather",       "linear_forward", "batch_norm",
                                                "relu_dropout", "softmax",        "linear_backward",
                                                "update"};
    return kNames[phase];
  }

  void Start() { last_ = NowSeconds(); }
  void Mark(Phase phase, int layer = 0) {
    const double now = NowSeconds();
    seconds_[phase][layer < kMaxLayers ? layer : kMaxLayers - 1] += now - last_;
    last_ = now;
  }
  double seconds(int phase, int layer) const { return seconds_[phase][layer]; }
  void Reset() { *this = PhaseTimer(); }

 private:
  double seconds_[kPhases][kMaxLayers] = {};
  double last_ = 0;
};

}  // namespace tinymlp
