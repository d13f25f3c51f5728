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
//
// State: everything that decides the next steps, which a checkpoint saves (TrainerState,
// engine/train/checkpoint.h): the weights and batch-norm running averages, the optimizer's
// moments and counters, the shuffling, augmentation and dropout streams, the epoch's order and
// the cursor in it, and the step. The weights' initial stream is spent at construction; its
// seed is config.seed. Restoring the state into a trainer built from the same shape, config and
// data continues the run bit for bit, as if it had never stopped.
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

// A trainer's state (see the top of this file), in plain vectors a checkpoint encodes.
struct TrainerState {
  long step = 0;
  long cursor = 0;
  uint64_t shuffle_rng = 0, augment_rng = 0, dropout_rng = 0;
  bool bn_started = false;
  Optimizer::Counters optimizer;
  std::vector<float> params;   // MlpParams::flat, flat_size floats (padding included)
  std::vector<float> moment1;  // the optimizer's first moment or velocity; empty for SGD
  std::vector<float> moment2;  // Adam's second moment; empty otherwise
  std::vector<float> running;  // per batch-norm layer: running mean then variance, out(l) each
  std::vector<int32_t> order;  // the epoch's permutation of the training set
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
  // Runs the updates from steps_done() to config.steps from the schedule; calls on_metrics at
  // each evaluation point and on_progress after every update. validation may be empty. Either
  // callback may call Stop(): the run then ends there (no further step, no final evaluation).
  using MetricsFn = std::function<void(const MetricsRow&)>;
  using ProgressFn = std::function<void(long step, float eta, double batch_loss)>;
  void Run(const LearningRateSchedule& schedule, const Dataset& validation,
           const MetricsFn& on_metrics, const ProgressFn& on_progress);

  void Stop() { stop_ = true; }
  bool stopped() const { return stop_; }

  Evaluation Evaluate(const Dataset& data);

  // Copies the state into `state`, reusing its vectors' capacity (so a second capture of the
  // same trainer allocates nothing).
  void CaptureState(TrainerState* state) const;
  // Replaces the state with `state`, captured from a trainer of the same shape, config and
  // training set size; throws DataError naming `name` when a size does not match.
  void RestoreState(const TrainerState& state, const std::string& name);

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
  bool stop_ = false;
};

}  // namespace tinymlp
