#include "apps/tinymlp/training_run.h"

#include <algorithm>
#include <cstdio>

#include "apps/tinymlp/options.h"
#include "engine/model_file.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

// Progress on a terminal: one line redrawn at most 5 times a second.
class ProgressLine {
 public:
  ProgressLine(long total, bool wanted)
      : total_(total), start_(NowSeconds()), enabled_(wanted && StderrIsTerminal()) {}
  void Update(long step, float eta, double loss) {
    if (!enabled_) return;
    const double now = NowSeconds();
    if (step != total_ && now - last_ < 0.2) return;
    last_ = now;
    const double left = (now - start_) / step * (total_ - step);
    std::fprintf(stderr, "\rstep %ld/%ld  eta %.2e  loss %.4f  %.1f s left   ", step, total_, eta,
                 loss, left);
    if (step == total_) std::fprintf(stderr, "\n");
  }

 private:
  long total_;
  double start_, last_ = 0;
  bool enabled_;
};

}  // namespace

std::string MetricsCsvHeader() {
  return "step,epoch,eta,train_loss,train_cost,train_accuracy,val_loss,val_cost,val_accuracy\n";
}

std::string MetricsCsvLine(const MetricsRow& r) {
  char line[256];
  std::snprintf(line, sizeof(line), "%ld,%.4f,%.6g,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", r.step,
                r.epoch, r.eta, r.train.loss, r.train.cost, r.train.accuracy, r.validation.loss,
                r.validation.cost, r.validation.accuracy);
  return line;
}

RunResult RunTraining(const RunSettings& s, const Cifar10& data) {
  if (s.eta_min > s.eta_max) {
    throw UsageError("--eta-min " + std::to_string(s.eta_min) + " is larger than --eta-max " +
                     std::to_string(s.eta_max));
  }
  if (s.epochs > 0 && s.eta <= 0) {
    throw UsageError(
        "--epochs goes with a constant --eta; the cyclic schedule's length is "
        "--n-s x 2 x --cycles");
  }
  if (s.batch > data.train.count()) {
    throw UsageError("--batch " + std::to_string(s.batch) + " is larger than the training set (" +
                     std::to_string(data.train.count()) + " images)");
  }
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(s.hidden);
  if (!s.out.empty()) MakeDirectories(s.out);
  const Normalization norm = Normalization::FromData(data.train);

  TrainConfig config;
  config.lambda = s.lambda;
  config.batch = s.batch;
  config.seed = s.seed;
  const long batches_per_epoch = data.train.count() / s.batch;
  LearningRateSchedule schedule = LearningRateSchedule::Constant(s.eta);
  if (s.eta > 0) {
    config.steps = static_cast<long>(s.epochs > 0 ? s.epochs : 10) * batches_per_epoch;
    config.eval_every = s.evals_per_cycle > 0 ? batches_per_epoch : 0;
  } else {
    schedule = LearningRateSchedule::Cyclic(s.eta_min, s.eta_max, s.n_s);
    config.steps = 2 * s.n_s * s.cycles;
    config.eval_every = s.evals_per_cycle > 0 ? std::max(1L, 2 * s.n_s / s.evals_per_cycle) : 0;
  }

  Arena arena(Trainer::ArenaBytes(shape, s.batch, data.train.count()));
  Trainer trainer(shape, config, data.train, norm, arena);

  RunResult result;
  result.steps = config.steps;
  const std::string metrics_path = s.out.empty() ? "" : JoinPath(s.out, "metrics.csv");
  std::string csv = MetricsCsvHeader();
  if (!metrics_path.empty()) WriteFileAtomic(metrics_path, csv);
  ProgressLine progress(config.steps, s.progress);
  const double start = NowSeconds();
  trainer.Run(
      schedule, data.validation,
      [&](const MetricsRow& row) {
        result.metrics.push_back(row);
        csv += MetricsCsvLine(row);
        if (!metrics_path.empty()) WriteFileAtomic(metrics_path, csv);
      },
      [&](long step, float eta, double loss) { progress.Update(step, eta, loss); });
  result.train_seconds = NowSeconds() - start;

  result.validation = trainer.Evaluate(data.validation);
  result.test = trainer.Evaluate(data.test);
  if (!s.out.empty()) {
    SaveModel(JoinPath(s.out, "model.tmlp"), Model::FromNetwork(trainer.network(), norm));
  }
  return result;
}

}  // namespace tinymlp
