#include "engine/trainer.h"

#include <algorithm>

#include "engine/kernels.h"

namespace tinymlp {
namespace {

int WorkColumns(int batch) { return std::max(batch, Trainer::kEvalChunk); }

}  // namespace

size_t Trainer::ArenaBytes(const MlpShape& shape, int batch, int train_count) {
  const int cols = WorkColumns(batch);
  return Mlp<float>::ArenaBytes(shape, cols) + Arena::RoundUp(train_count * sizeof(int32_t)) +
         BatchBuffers::Bytes(shape.input, cols);
}

Trainer::Trainer(const MlpShape& shape, const TrainConfig& config, const Dataset& train,
                 const Normalization& norm, Arena& arena)
    : config_(config),
      train_(train),
      norm_(norm),
      net_(shape, WorkColumns(config.batch), arena),
      rng_(config.seed) {
  net_.InitWeights(config.seed);
  order_ = arena.AllocateArray<int32_t>(train.count());
  for (int i = 0; i < train.count(); ++i) order_[i] = i;
  Shuffle(order_, train.count(), rng_);
  buffers_ = BatchBuffers::Allocate(arena, shape.input, WorkColumns(config.batch));
}

double Trainer::Step(float eta) {
  const int batch = config_.batch;
  if (cursor_ + batch > train_.count()) {
    Shuffle(order_, train_.count(), rng_);
    cursor_ = 0;
  }
  const int32_t* index = order_ + cursor_;
  cursor_ += batch;
  uint8_t* labels = buffers_.labels;
  for (int j = 0; j < batch; ++j) labels[j] = train_.labels[index[j]];
  const Mat x = buffers_.x.cols_block(0, batch);
  GatherNormalize(train_.pixels.data(), index, norm_.mean.data(), norm_.inv_std.data(), x);

  const double loss = net_.Forward(x, labels) / batch;
  net_.Backward(x, labels, config_.lambda);

  // Plain SGD over the one flat block of parameters (and gradients of the same layout).
  float* param = net_.params().flat;
  const float* grad = net_.grads().flat;
  const size_t n = net_.params().flat_size;
  for (size_t i = 0; i < n; ++i) param[i] -= eta * grad[i];
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
