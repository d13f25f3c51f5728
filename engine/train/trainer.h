// Mini-batch gradient descent for an Mlp on CIFAR-10: the training loop, the evaluation of
// loss, cost and accuracy over a whole data set, and the metrics recorded along the way.
//
// Set-up (Trainer's constructor) takes every buffer a step needs from the arena: the shuffled
// index, the network's own buffers, the optimizer's state, and with augmentation the augmented
// mini-batch (D x batch floats; nothing of the kind without). Size the arena with
// MeasureArena<Trainer>(shape, config, train, norm) (engine/base/arena.h); the constructor then
// initializes the weights, shuffles, and starts the worker threads. A step hands the network the
// batch as uint8 images (engine/base/image_batch.h; normalized inside the first layer's GEMMs), or,
// with augmentation, gathers the mirrored and shifted images into floats first
// (engine/train/augment.h); it runs forward and backward in training mode (batch statistics,
// dropout) and updates every parameter: plain SGD inside the backward GEMMs (Mlp::BackwardSgdStep)
// for batches up to kGemmDescendMaxK, otherwise after backward like the other optimizers
// (engine/model/optimizer.h, state in the arena). It allocates nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/rng.h"
#include "engine/io/cifar10.h"
#include "engine/model/init.h"
#include "engine/model/mlp.h"
#include "engine/model/optimizer.h"
#include "engine/model/schedule.h"
#include "engine/train/augment.h"
#include "engine/train/evaluate.h"

namespace tinymlp {

struct TrainConfig {
  float lambda = 0.01f;
  int batch = 100;
  long steps = 1000;    // total updates
  long eval_every = 0;  // record metrics every this many updates (and at 0 and the end); 0: never
  uint64_t seed = 1;
  OptimizerConfig optimizer;  // plain SGD by default
  AugmentConfig augment;      // none by default
  WeightInit init = WeightInit::kXavier;
  double init_sigma = 0;  // with WeightInit::kNormal
  float bn_alpha = 0.9f;  // running-average weight of the old value (batch norm)
};

struct MetricsRow {
  long step = 0;
  double epoch = 0;
  float eta = 0;
  Evaluation train, validation;
};

class Trainer {
 public:
  // Columns evaluated per forward pass when scoring a whole data set.
  static constexpr int kEvalChunk = 1000;

  // Carves everything from `arena` (its contract: arena.h); unless measuring, then initializes
  // the network's weights from config.seed, shuffles, and starts the worker threads, so that no
  // step allocates. `train` and `norm` must outlive it.
  Trainer(const MlpShape& shape, const TrainConfig& config, const Dataset& train,
          const Normalization& norm, Arena& arena);

  // One update on the next mini-batch (reshuffling at each epoch start) with rate eta.
  // Returns the batch's mean cross-entropy.
  double Step(float eta);
  // Runs config.steps updates from the schedule; calls on_metrics at each evaluation point and
  // on_progress after every update. validation may be empty.
  using MetricsFn = std::function<void(const MetricsRow&)>;
  using ProgressFn = std::function<void(long step, float eta, double batch_loss)>;
  void Run(const LearningRateSchedule& schedule, const Dataset& validation,
           const MetricsFn& on_metrics, const ProgressFn& on_progress);

  Evaluation Evaluate(const Dataset& data);

  Mlp<float>& network() { return net_; }
  long steps_done() const { return step_; }
  int batches_per_epoch() const { return train_.count() / config_.batch; }

 private:
  TrainConfig config_;
  const Dataset& train_;
  const Normalization& norm_;
  Mlp<float> net_;
  Optimizer optimizer_;   // its state (velocity, moments) is in the arena
  BatchBuffers buffers_;  // max(batch, kEvalChunk) columns of index and labels, no floats
  int32_t* order_;        // train.count(): the current epoch's permutation
  // With augmentation only (else null and empty): this step's transforms (batch) and the
  // augmented batch (D x batch floats).
  ImageTransform* transforms_ = nullptr;
  Mat augmented_;
  Rng rng_;
  Rng augment_rng_;  // separate, so augmentation does not change the shuffling
  long step_ = 0;
  int cursor_ = 0;  // next position in order_
};

}  // namespace tinymlp
