#include "apps/lab/training_run.h"

#include <hwy/targets.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "apps/lab/format.h"
#include "apps/lab/metrics_csv.h"
#include "apps/lab/progress.h"
#include "apps/lab/run_folder.h"
#include "apps/lab/run_record.h"
#include "engine/io/model_file.h"
#include "engine/model/optimizer.h"
#include "engine/ops/dispatch.h"
#include "engine/train/augment.h"
#include "engine/train/checkpoint.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/interrupt.h"
#include "platform/threads.h"

namespace tinymlp {

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

namespace {

// The best validation accuracy so far and how many metrics points have passed without a better
// one: the same fold over the rows whether they were seen live or read from a checkpoint.
struct BestSoFar {
  long step = -1;
  double accuracy = 0;
  int evals_since = 0;
  // True when `row` is a new best.
  bool Add(const MetricsRow& row) {
    if (step >= 0 && !(row.validation.accuracy > accuracy)) {
      ++evals_since;
      return false;
    }
    step = row.step;
    accuracy = row.validation.accuracy;
    evals_since = 0;
    return true;
  }
};

// Saves the final model; when that fails (a full disk), saves it under $TMPDIR instead and
// says where, or else points to the last checkpoint, in the error it then throws.
void SaveFinalModel(const std::string& path, const Model& model, const std::string& checkpoint) {
  try {
    SaveModel(path, model);
    return;
  } catch (const Error& e) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string keep = JoinPath(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp",
                                      "tinymlp-model-" + std::to_string(::getpid()) + ".tmlp");
    std::string where;
    try {
      SaveModel(keep, model);
      where = "the trained weights are in " + keep + " instead";
    } catch (const Error&) {
      where = !checkpoint.empty() && PathExists(checkpoint)
                  ? "the last checkpoint is " + checkpoint + " (free some space, then resume)"
                  : "the trained weights could not be saved anywhere";
    }
    throw DataError(std::string(e.what()) + "; " + where);
  }
}

std::string HighwayTargetName() { return hwy::TargetName(DispatchedTarget()); }

}  // namespace

RunResult RunTraining(const RunSettings& s, const Cifar10& data, const RunContext& context) {
  ValidateRunSettings(s);
  if (s.eta_min > s.eta_max) {
    throw UsageError("--eta-min " + std::to_string(s.eta_min) + " is larger than --eta-max " +
                     std::to_string(s.eta_max));
  }
  if (s.batch > data.train.count()) {
    throw UsageError("--batch " + std::to_string(s.batch) + " is larger than the training set (" +
                     std::to_string(data.train.count()) + " images)");
  }
  if (s.early_stop > 0 && (s.evals_per_cycle == 0 || data.validation.count() == 0)) {
    throw UsageError(
        "--early-stop counts evaluations without improvement; it needs them on "
        "(--evals-per-cycle > 0)");
  }
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(s.hidden);
  shape.batch_norm = s.batch_norm;
  shape.dropout = s.dropout;
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

  // The folder: a new run's, cleared with force, or the one being resumed.
  const bool writes = !s.out.empty();
  auto path = [&](const char* name) { return writes ? JoinPath(s.out, name) : std::string(); };
  const std::string record_path = path("run.json"), metrics_path = path("metrics.csv"),
                    checkpoint_path = path("checkpoint"), best_path = path("model_best.tmlp"),
                    model_path = path("model.tmlp");
  RunRecord record;
  record.config.run = s;
  record.config.run.progress = false;
  record.config.data = context.data;
  record.config.split = context.split;
  record.config.threads = context.threads;
  if (writes) {
    if (context.resume) {
      record.started = ReadRunRecord(record_path).started;
    } else {
      if (context.force) ClearRunFolder(s.out);
      RefuseOccupiedFolder(s.out);
      MakeDirectories(s.out);
    }
  }

  Arena arena(MeasureArena<Trainer>(shape, config, data.train, norm));
  Trainer trainer(shape, config, data.train, norm, arena);

  RunResult result;
  result.steps = config.steps;
  Checkpoint checkpoint;  // also the state written at each checkpoint (its vectors reused)
  checkpoint.run_key = SettingsKey(record.config);
  double seconds_before = 0;  // training time of the sessions before this one
  if (writes && context.resume) {
    Checkpoint saved = ReadCheckpoint(checkpoint_path);
    if (saved.run_key != checkpoint.run_key || saved.total_steps != config.steps ||
        saved.batch != config.batch || saved.seed != config.seed ||
        saved.optimizer != config.optimizer.kind || saved.shape.hidden != shape.hidden ||
        saved.shape.batch_norm != shape.batch_norm || saved.shape.input != shape.input ||
        saved.shape.classes != shape.classes) {
      throw DataError(checkpoint_path + ": was written by a run with other settings than " +
                      record_path + " (was one of them edited or replaced?)");
    }
    trainer.RestoreState(saved.trainer, checkpoint_path);
    result.metrics = saved.metrics;
    seconds_before = saved.seconds;
  }
  result.first_step = trainer.steps_done();
  BestSoFar best;
  for (const MetricsRow& row : result.metrics) best.Add(row);

  if (writes) {
    if (record.started.empty()) record.started = UtcTimestamp();
    record.tinymlp_version = TINYMLP_VERSION;
    record.highway_target = HighwayTargetName();
    record.hardware_threads = HardwareThreads();
    if (!context.data.empty()) {
      record.data_folder = ResolveCifarDir(context.data);
      record.data_files = ChecksumDataFiles(context.data, ParseSplit(context.split));
    }
    WriteRunRecord(record_path, record);
  }
  std::string csv = MetricsCsvHeader();
  for (const MetricsRow& row : result.metrics) csv += MetricsCsvLine(row);
  if (writes) WriteFileAtomic(metrics_path, csv);

  Progress progress(Progress::ModeFor(s.progress), config.steps, config.eval_every);
  const double start = NowSeconds();
  std::vector<uint8_t> checkpoint_bytes;  // one buffer for every checkpoint of the run
  auto save_checkpoint = [&] {
    trainer.CaptureState(&checkpoint.trainer);
    checkpoint.total_steps = config.steps;
    checkpoint.batch = config.batch;
    checkpoint.seed = config.seed;
    checkpoint.optimizer = config.optimizer.kind;
    checkpoint.shape = shape;
    checkpoint.metrics = result.metrics;
    checkpoint.seconds = seconds_before + (NowSeconds() - start);
    if (checkpoint_bytes.capacity() == 0) {
      // Room for every metrics point to come, so that later checkpoints reuse the buffer.
      const long points = config.eval_every > 0 ? config.steps / config.eval_every + 2 : 0;
      checkpoint_bytes.reserve(CheckpointBytes(checkpoint) + kCheckpointMetricsRowBytes * points);
    }
    EncodeCheckpoint(checkpoint, &checkpoint_bytes);
    WriteFileAtomic(checkpoint_path, checkpoint_bytes.data(), checkpoint_bytes.size());
    result.checkpoint_written = true;
  };
  // A run whose loss turns NaN or infinite stops there with one line (exit 1) instead of
  // writing a NaN model and NaN metrics; checking the number each step costs nothing.
  auto check_finite = [&](double loss, long step) {
    if (std::isfinite(loss)) return;
    std::string kept = "no model written";
    if (writes) {
      record.status = "diverged";
      record.has_results = true;
      record.results.steps = config.steps;
      record.results.steps_done = step;
      record.results.best_step = best.step;
      record.results.best_val_accuracy = best.accuracy;
      WriteRunRecord(record_path, record);
      if (best.step >= 0) {
        kept = "model.tmlp not written; model_best.tmlp holds step " + std::to_string(best.step) +
               FormatNumber("'s weights (validation accuracy %.4f)", best.accuracy);
      }
    }
    throw DataError("training diverged: the loss is " +
                    std::string(std::isnan(loss) ? "NaN" : "infinite") + " at step " +
                    std::to_string(step) + " (learning rate or --lambda too large?); " + kept);
  };
  try {
    trainer.Run(
        schedule, data.validation,
        [&](const MetricsRow& row) {
          check_finite(row.train.cost, row.step);
          check_finite(row.validation.cost, row.step);
          result.metrics.push_back(row);
          csv += MetricsCsvLine(row);
          if (writes) WriteFileAtomic(metrics_path, csv);
          if (best.Add(row) && writes) {
            SaveModel(best_path, trainer.network(), norm);
          }
          if (s.early_stop > 0 && best.evals_since >= s.early_stop) {
            result.stopped_early = true;
            trainer.Stop();
          }
          progress.OnEvaluation(row.step, row.validation.accuracy);
        },
        [&](long step, float eta, double loss) {
          check_finite(loss, step);
          progress.OnStep(step, eta, loss);
          const int signal = PendingInterrupt();
          if (signal != 0) {
            result.interrupted = signal;
            trainer.Stop();
          }
          const bool due =
              s.checkpoint_every > 0 && step % s.checkpoint_every == 0 && step < config.steps;
          if (writes && (due || signal != 0)) save_checkpoint();
        });
  } catch (...) {
    progress.Finish();
    throw;
  }
  progress.Finish();
  result.train_seconds = seconds_before + (NowSeconds() - start);
  result.steps_done = trainer.steps_done();
  result.best_step = best.step;
  result.best_val_accuracy = best.accuracy;

  record.results.steps = result.steps;
  record.results.steps_done = result.steps_done;
  record.results.train_seconds = result.train_seconds;
  record.results.best_step = best.step;
  record.results.best_val_accuracy = best.accuracy;
  record.has_results = true;
  if (result.interrupted != 0) {
    // The model so far beside the checkpoint; no evaluation, so that the stop is quick.
    if (writes) {
      SaveModel(model_path, trainer.network(), norm);
      record.status = "interrupted";
      record.results.val_accuracy = record.results.test_accuracy = -1;
      WriteRunRecord(record_path, record);
    }
    return result;
  }
  result.validation = trainer.Evaluate(data.validation);
  result.test = trainer.Evaluate(data.test);
  if (writes) {
    SaveFinalModel(model_path, Model::FromNetwork(trainer.network(), norm), checkpoint_path);
    record.status = result.stopped_early ? "stopped early" : "finished";
    record.finished = UtcTimestamp();
    record.results.val_accuracy = result.validation.accuracy;
    record.results.test_accuracy = data.test.count() > 0 ? result.test.accuracy : -1;
    WriteRunRecord(record_path, record);
    if (PathExists(checkpoint_path)) {
      // The run is whole: its checkpoint would only resume a finished run.
      ::unlink(checkpoint_path.c_str());
      SyncDirectory(s.out);
    }
  }
  return result;
}

}  // namespace tinymlp
