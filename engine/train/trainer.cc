#include "engine/train/trainer.h"

#include <algorithm>

#include "engine/base/parallel.h"
#include "engine/ops/kernels.h"
#include "platform/error.h"

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
  } else if (config_.optimizer.kind == OptimizerKind::kAdam && batch <= kGemmDescendMaxK) {
    net_.BackwardAdamStep(x, config_.lambda, optimizer_.BeginFusedAdamStep(eta));  // the same
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

void Trainer::CaptureState(TrainerState* s) const {
  s->step = step_;
  s->cursor = cursor_;
  s->shuffle_rng = rng_.state();
  s->augment_rng = augment_rng_.state();
  s->dropout_rng = net_.dropout_state();
  s->bn_started = net_.bn_started();
  s->optimizer = optimizer_.counters();
  const MlpParams<float>& p = net_.params();
  s->params.assign(p.flat, p.flat + p.flat_size);
  const size_t n = optimizer_.size();
  if (optimizer_.moment1() != nullptr) {
    s->moment1.assign(optimizer_.moment1(), optimizer_.moment1() + n);
  } else {
    s->moment1.clear();
  }
  if (optimizer_.moment2() != nullptr) {
    s->moment2.assign(optimizer_.moment2(), optimizer_.moment2() + n);
  } else {
    s->moment2.clear();
  }
  s->running.clear();
  const MlpShape& shape = net_.shape();
  for (int l = 0; l < shape.layers(); ++l) {
    if (!shape.has_bn(l)) continue;
    s->running.insert(s->running.end(), net_.running_mean(l), net_.running_mean(l) + shape.out(l));
    s->running.insert(s->running.end(), net_.running_var(l), net_.running_var(l) + shape.out(l));
  }
  s->order.assign(order_, order_ + train_.count());
}

void Trainer::RestoreState(const TrainerState& s, const std::string& name) {
  const MlpShape& shape = net_.shape();
  size_t running = 0;
  for (int l = 0; l < shape.layers(); ++l) running += shape.has_bn(l) ? 2 * shape.out(l) : 0;
  const size_t n = optimizer_.size();
  auto expect = [&](const char* what, size_t got, size_t want) {
    if (got == want) return;
    throw DataError(name + ": holds " + std::to_string(got) + " " + what + " where this run has " +
                    std::to_string(want) + " (a checkpoint of another run?)");
  };
  expect("parameters", s.params.size(), net_.params().flat_size);
  expect("first-moment values", s.moment1.size(), optimizer_.moment1() ? n : 0);
  expect("second-moment values", s.moment2.size(), optimizer_.moment2() ? n : 0);
  expect("running statistics", s.running.size(), running);
  expect("positions in the training order", s.order.size(), train_.count());
  if (s.step < 0 || s.step > config_.steps || s.cursor < 0 || s.cursor > train_.count()) {
    throw DataError(name + ": step " + std::to_string(s.step) + " or cursor " +
                    std::to_string(s.cursor) + " is outside this run (" +
                    std::to_string(config_.steps) + " steps, " + std::to_string(train_.count()) +
                    " training images)");
  }
  step_ = s.step;
  cursor_ = static_cast<int>(s.cursor);
  rng_ = Rng(s.shuffle_rng);
  augment_rng_ = Rng(s.augment_rng);
  net_.set_dropout_state(s.dropout_rng);
  net_.set_bn_started(s.bn_started);
  optimizer_.set_counters(s.optimizer);
  std::copy(s.params.begin(), s.params.end(), net_.params().flat);
  if (!s.moment1.empty()) std::copy(s.moment1.begin(), s.moment1.end(), optimizer_.moment1());
  if (!s.moment2.empty()) std::copy(s.moment2.begin(), s.moment2.end(), optimizer_.moment2());
  const float* r = s.running.data();
  for (int l = 0; l < shape.layers(); ++l) {
    if (!shape.has_bn(l)) continue;
    std::copy(r, r + shape.out(l), net_.running_mean(l));
    r += shape.out(l);
    std::copy(r, r + shape.out(l), net_.running_var(l));
    r += shape.out(l);
  }
  std::copy(s.order.begin(), s.order.end(), order_);
}

void Trainer::Run(const LearningRateSchedule& schedule, const Dataset& validation,
                  const MetricsFn& on_metrics, const ProgressFn& on_progress) {
  const long every = config_.eval_every;
  stop_ = false;
  auto record = [&](long t) {
    MetricsRow row;
    row.step = t;
    row.epoch = static_cast<double>(t) * config_.batch / train_.count();
    row.eta = schedule.At(t);
    row.train = Evaluate(train_);
    row.validation = Evaluate(validation);
    if (on_metrics) on_metrics(row);
  };
  for (long t = step_; t < config_.steps; ++t) {
    if (every > 0 && t % every == 0) {
      record(t);
      if (stop_) return;
    }
    const float eta = schedule.At(t);
    const double loss = Step(eta);
    if (on_progress) on_progress(t + 1, eta, loss);
    if (stop_) return;
  }
  if (every > 0) record(config_.steps);
}

}  // namespace tinymlp
