#include "apps/lab/training_run.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "apps/lab/metrics_csv.h"
#include "engine/io/model_file.h"
#include "engine/model/optimizer.h"
#include "engine/train/augment.h"
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

std::vector<int> ParseHiddenLayers(const std::string& text) {
  if (text == "0") return {};
  // The model file's limits (model_file.h), so that train never writes a model no reader takes.
  const std::string limits = "widths from 1 to " + std::to_string(kModelMaxWidth) + ", at most " +
                             std::to_string(kModelMaxHiddenLayers) + " of them";
  std::vector<int> widths;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string field =
        text.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    const long width = field.empty() ? 0 : std::strtol(field.c_str(), &end, 10);
    if (field.empty() || *end != '\0' || width < 1 || width > kModelMaxWidth ||
        widths.size() == static_cast<size_t>(kModelMaxHiddenLayers)) {
      throw UsageError("'" + text + "' is not a list of " + limits +
                       " (e.g. 50 or 50,30,20; 0 alone means no hidden layer)");
    }
    widths.push_back(static_cast<int>(width));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return widths;
}

void CheckScheduleName(const std::string& name) {
  if (name.empty() || name == "cyclic" || name == "linear-decay" || name == "constant") return;
  throw UsageError("'" + name + "' is not one of cyclic, linear-decay, constant");
}

void CheckInitName(const std::string& name) {
  if (name.empty() || name == "xavier" || name == "he" || name == "normal") return;
  throw UsageError("'" + name + "' is not one of he, xavier, normal");
}

std::string InitName(const RunSettings& run) {
  if (!run.init.empty()) return run.init;
  return run.init_sigma > 0 ? "normal" : "xavier";
}

namespace {

ScheduleKind ScheduleOf(const RunSettings& s) {
  CheckScheduleName(s.schedule);
  if (s.schedule.empty()) return s.eta > 0 ? ScheduleKind::kConstant : ScheduleKind::kCyclic;
  if (s.schedule == "cyclic") return ScheduleKind::kCyclic;
  if (s.schedule == "linear-decay") return ScheduleKind::kLinearDecay;
  return ScheduleKind::kConstant;
}

WeightInit InitOf(const RunSettings& s) {
  CheckInitName(s.init);
  const std::string init = InitName(s);
  if (init == "normal") {
    if (!(s.init_sigma > 0)) throw UsageError("--init normal needs --init-sigma S (S > 0)");
    return WeightInit::kNormal;
  }
  if (s.init_sigma > 0) {
    throw UsageError("--init-sigma goes with --init normal, not --init " + init);
  }
  return init == "he" ? WeightInit::kHe : WeightInit::kXavier;
}

}  // namespace

void ValidateRunSettings(const RunSettings& s) {
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(s.hidden);
  const std::string too_big = CheckModelShape(shape);
  if (!too_big.empty()) throw UsageError("--hidden " + s.hidden + ": " + too_big);
  if (!(s.dropout >= 0 && s.dropout < 1)) {
    throw UsageError("--dropout " + std::to_string(s.dropout) +
                     " is not a probability in [0, 1) (the chance of dropping a unit; 1 would "
                     "drop them all)");
  }
  if (!(s.bn_alpha >= 0 && s.bn_alpha < 1)) {
    throw UsageError("--bn-alpha " + std::to_string(s.bn_alpha) + " is not in [0, 1)");
  }
  ParseAugment(s.augment);
  ParseOptimizer(s.optimizer);
  InitOf(s);
  const ScheduleKind kind = ScheduleOf(s);
  if (kind == ScheduleKind::kConstant && !(s.eta > 0)) {
    throw UsageError("--schedule constant needs --eta (the constant rate)");
  }
  if (kind != ScheduleKind::kConstant && s.eta > 0) {
    throw UsageError("--eta is the rate of --schedule constant; " + s.schedule +
                     " uses --eta-min and --eta-max");
  }
  if (kind == ScheduleKind::kCyclic && s.epochs > 0) {
    throw UsageError(
        "--epochs goes with a constant --eta or --schedule linear-decay; the cyclic schedule's "
        "length is --n-s x 2 x --cycles");
  }
}

RunResult RunTraining(const RunSettings& s, const Cifar10& data) {
  ValidateRunSettings(s);
  if (s.eta_min > s.eta_max) {
    throw UsageError("--eta-min " + std::to_string(s.eta_min) + " is larger than --eta-max " +
                     std::to_string(s.eta_max));
  }
  if (s.batch > data.train.count()) {
    throw UsageError("--batch " + std::to_string(s.batch) + " is larger than the training set (" +
                     std::to_string(data.train.count()) + " images)");
  }
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(s.hidden);
  shape.batch_norm = s.batch_norm;
  shape.dropout = s.dropout;
  if (!s.out.empty()) MakeDirectories(s.out);
  const Normalization norm = Normalization::FromData(data.train);

  TrainConfig config;
  config.lambda = s.lambda;
  config.batch = s.batch;
  config.seed = s.seed;
  config.optimizer.kind = ParseOptimizer(s.optimizer);
  config.optimizer.momentum = s.momentum;
  config.optimizer.beta1 = s.beta1;
  config.optimizer.beta2 = s.beta2;
  config.optimizer.epsilon = s.epsilon;
  config.augment = ParseAugment(s.augment);
  config.init = InitOf(s);
  config.init_sigma = s.init_sigma;
  config.bn_alpha = s.bn_alpha;
  ScheduleSettings timing;
  timing.kind = ScheduleOf(s);
  timing.eta_min = s.eta_min;
  timing.eta_max = s.eta_max;
  timing.n_s = s.n_s;
  timing.cycles = s.cycles;
  timing.eta = s.eta;
  timing.epochs = s.epochs;
  const long batches_per_epoch = data.train.count() / s.batch;
  config.steps = timing.Steps(batches_per_epoch);
  // Metrics points: evals_per_cycle per cycle, or one per epoch when the length is in epochs.
  if (s.evals_per_cycle > 0) {
    config.eval_every =
        timing.cycle_length() ? std::max(1L, 2 * s.n_s / s.evals_per_cycle) : batches_per_epoch;
  }
  const LearningRateSchedule schedule = timing.Make(batches_per_epoch);

  Arena arena(MeasureArena<Trainer>(shape, config, data.train, norm));
  Trainer trainer(shape, config, data.train, norm, arena);

  RunResult result;
  result.steps = config.steps;
  const std::string metrics_path = s.out.empty() ? "" : JoinPath(s.out, "metrics.csv");
  std::string csv = MetricsCsvHeader();
  if (!metrics_path.empty()) WriteFileAtomic(metrics_path, csv);
  ProgressLine progress(config.steps, s.progress);
  const double start = NowSeconds();
  // A run whose loss turns NaN or infinite stops there with one line (exit 1) instead of
  // writing a NaN model and NaN metrics; checking the number each step costs nothing.
  auto check_finite = [&](double loss, long step) {
    if (std::isfinite(loss)) return;
    throw DataError("training diverged: the loss is " +
                    std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                    std::to_string(step) +
                    " (learning rate or --lambda too large?); no model written");
  };
  trainer.Run(
      schedule, data.validation,
      [&](const MetricsRow& row) {
        check_finite(row.train.cost, row.step);
        check_finite(row.validation.cost, row.step);
        result.metrics.push_back(row);
        csv += MetricsCsvLine(row);
        if (!metrics_path.empty()) WriteFileAtomic(metrics_path, csv);
      },
      [&](long step, float eta, double loss) {
        check_finite(loss, step);
        progress.Update(step, eta, loss);
      });
  result.train_seconds = NowSeconds() - start;

  result.validation = trainer.Evaluate(data.validation);
  result.test = trainer.Evaluate(data.test);
  if (!s.out.empty()) {
    SaveModel(JoinPath(s.out, "model.tmlp"), Model::FromNetwork(trainer.network(), norm));
  }
  return result;
}

}  // namespace tinymlp
