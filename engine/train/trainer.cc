#include "engine/train/trainer.h"

#include <algorithm>

#include "engine/base/parallel.h"
#include "engine/ops/kernels.h"

namespace tinymlp {
namespace {

int WorkColumns(int batch) { return std::max(batch, Trainer::kEvalChunk); }

}  // namespace

Trainer::Trainer(const MlpShape& shape, const TrainConfig& config, const Dataset& train,
                 const Normalization& norm, Arena& arena)
    : config_(config),
      train_(train),
      norm_(norm),
      net_(shape, WorkColumns(config.batch), arena),
      optimizer_(config.optimizer, net_.params().flat_size, arena),
      buffers_(WorkColumns(config.batch), /*gather_rows=*/0, arena),
      order_(arena.AllocateArray<int32_t>(train.count())),
      rng_(config.seed),
      augment_rng_(config.seed ^ 0xA06E'0000'0000'0001ull) {
  if (config.augment.any()) {
    transforms_ = arena.AllocateArray<ImageTransform>(config.batch);
    augmented_ = arena.AllocateMat<float>(shape.input, config.batch);
  }
  if (arena.measuring()) return;  // hollow, for MeasureArena: nothing to initialize
  InitWeights(net_, config.seed, config.init, config.init_sigma);
  net_.set_bn_alpha(config.bn_alpha);
  for (int i = 0; i < train.count(); ++i) order_[i] = i;
  Shuffle(order_, train.count(), rng_);
  StartWorkerThreads();  // the kernels' thread team, started now so that no step allocates
}

double Trainer::Step(float eta) {
  const int batch = config_.batch;
  PhaseTimer* const timer = net_.phase_timer();
  if (timer != nullptr) timer->Start();
  if (cursor_ + batch > train_.count()) {
    Shuffle(order_, train_.count(), rng_);
    cursor_ = 0;
  }
  const int32_t* index = order_ + cursor_;
  cursor_ += batch;
  uint8_t* labels = buffers_.labels;
  for (int j = 0; j < batch; ++j) labels[j] = train_.labels[index[j]];
  // Without augmentation the first layer reads the uint8 images itself (engine/image_batch.h);
  // with it, the transformed batch is written out first.
  const ImageBatch images{train_.pixels.data(), index,     norm_.mean.data(),
                          norm_.inv_std.data(), kImageDim, batch};
  MlpInput<float> x = images;
  if (transforms_ != nullptr) {
    for (int j = 0; j < batch; ++j) transforms_[j] = RandomTransform(config_.augment, augment_rng_);
    GatherNormalizeAugment(train_.pixels.data(), index, norm_.mean.data(), norm_.inv_std.data(),
                           transforms_, augmented_);
    x = augmented_;
  }
  if (timer != nullptr) timer->Mark(PhaseTimer::kGather);

  // Training mode (batch statistics, dropout) for this step only: evaluations in between use
  // the running averages and no dropout.
  net_.set_training(true);
  const double loss = net_.Forward(x, labels) / batch;
  if (config_.optimizer.kind == OptimizerKind::kSgd && batch <= kGemmDescendMaxK) {
    net_.BackwardSgdStep(x, config_.lambda, eta);  // the update fused into the backward GEMMs
  } else {
    net_.Backward(x, config_.lambda);
    // One loop over the flat block of all parameters (W, b, gamma, beta) and their gradients.
    optimizer_.Update(net_.params().flat, net_.grads().flat, eta);
    if (timer != nullptr) timer->Mark(PhaseTimer::kUpdate);
  }
  net_.set_training(false);
  ++step_;
  return loss;
}

Evaluation Trainer::Evaluate(const Dataset& data) {
  return tinymlp::Evaluate(net_, norm_, data, config_.lambda, buffers_);
}

void Trainer::Run(const LearningRateSchedule& schedule, const Dataset& validation,
                  const MetricsFn& on_metrics, const ProgressFn& on_progress) {
  const long every = config_.eval_every;
  auto record = [&](long t) {
    MetricsRow row;
    row.step = t;
    row.epoch = static_cast<double>(t) * config_.batch / train_.count();
    row.eta = schedule.At(t);
    row.train = Evaluate(train_);
    row.validation = Evaluate(validation);
    if (on_metrics) on_metrics(row);
  };
  for (long t = 0; t < config_.steps; ++t) {
    if (every > 0 && t % every == 0) record(t);
    const float eta = schedule.At(t);
    const double loss = Step(eta);
    if (on_progress) on_progress(t + 1, eta, loss);
  }
  if (every > 0) record(config_.steps);
}

}  // namespace tinymlp
