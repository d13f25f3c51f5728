// tinymlp train: trains a network on CIFAR-10, writes OUT/model.tmlp and OUT/metrics.csv, and
// prints test_accuracy=... as its last stdout line.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "engine/cifar10.h"
#include "engine/model_file.h"
#include "engine/trainer.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct TrainOptions {
  std::string data;
  std::string split = "10k";
  std::string hidden = "50";
  float lambda = 0.01f;
  float eta_min = 1e-5f;
  float eta_max = 0.1f;
  long n_s = 500;
  int cycles = 1;
  float eta = 0;  // > 0: constant rate instead of the cyclic schedule
  int batch = 100;
  int epochs = 0;
  uint64_t seed = 1;
  int evals_per_cycle = 10;
  int threads = 0;
  std::string out = "runs/latest";
};

const char kMetricsHeader[] =
    "step,epoch,eta,train_loss,train_cost,train_accuracy,val_loss,val_cost,val_accuracy\n";

std::string MetricsLine(const MetricsRow& r) {
  char line[256];
  std::snprintf(line, sizeof(line), "%ld,%.4f,%.6g,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", r.step,
                r.epoch, r.eta, r.train.loss, r.train.cost, r.train.accuracy, r.validation.loss,
                r.validation.cost, r.validation.accuracy);
  return line;
}

// Progress on a terminal: one line redrawn at most 5 times a second.
class ProgressLine {
 public:
  explicit ProgressLine(long total) : total_(total), start_(NowSeconds()), enabled_(StderrIsTerminal()) {}
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

void RunTrain(const TrainOptions& o, bool eta_given, bool epochs_given) {
  if (o.eta_min > o.eta_max) {
    throw UsageError("--eta-min " + std::to_string(o.eta_min) + " is larger than --eta-max " +
                     std::to_string(o.eta_max));
  }
  if (epochs_given && !eta_given) {
    throw UsageError("--epochs goes with a constant --eta; the cyclic schedule's length is "
                     "--n-s x 2 x --cycles");
  }
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(o.hidden);
  const Split split = ParseSplit(o.split);
  SetThreadCount(o.threads);

  const Cifar10 data = LoadCifar10(o.data, split);
  if (o.batch > data.train.count()) {
    throw UsageError("--batch " + std::to_string(o.batch) + " is larger than the training set (" +
                     std::to_string(data.train.count()) + " images)");
  }
  MakeDirectories(o.out);
  const Normalization norm = Normalization::FromData(data.train);

  TrainConfig config;
  config.lambda = o.lambda;
  config.batch = o.batch;
  config.seed = o.seed;
  const long batches_per_epoch = data.train.count() / o.batch;
  LearningRateSchedule schedule = LearningRateSchedule::Constant(o.eta);
  if (eta_given) {
    config.steps = static_cast<long>(epochs_given ? o.epochs : 10) * batches_per_epoch;
    config.eval_every = o.evals_per_cycle > 0 ? batches_per_epoch : 0;
  } else {
    schedule = LearningRateSchedule::Cyclic(o.eta_min, o.eta_max, o.n_s);
    config.steps = 2 * o.n_s * o.cycles;
    config.eval_every = o.evals_per_cycle > 0 ? std::max(1L, 2 * o.n_s / o.evals_per_cycle) : 0;
  }

  Arena arena(Trainer::ArenaBytes(shape, o.batch, data.train.count()));
  Trainer trainer(shape, config, data.train, norm, arena);

  const std::string metrics_path = JoinPath(o.out, "metrics.csv");
  std::string metrics = kMetricsHeader;
  WriteFileAtomic(metrics_path, metrics);
  ProgressLine progress(config.steps);
  double eval_seconds = 0;
  const double start = NowSeconds();
  trainer.Run(
      schedule, data.validation,
      [&](const MetricsRow& row) {
        metrics += MetricsLine(row);
        WriteFileAtomic(metrics_path, metrics);  // kept current, so an interrupted run keeps its curve
      },
      [&](long step, float eta, double loss) { progress.Update(step, eta, loss); });
  const double seconds = NowSeconds() - start;
  (void)eval_seconds;

  const Evaluation validation = trainer.Evaluate(data.validation);
  const Evaluation test = trainer.Evaluate(data.test);
  SaveModel(JoinPath(o.out, "model.tmlp"), Model::FromNetwork(trainer.network(), norm));
  std::fprintf(stderr,
               "trained %s: %ld steps in %.2f s (with evaluations), validation accuracy %.4f, "
               "model in %s\n",
               o.hidden == "0" ? "3072-10" : ("3072-" + o.hidden + "-10").c_str(), config.steps,
               seconds, validation.accuracy, o.out.c_str());
  PrintResult("train_seconds", seconds, 3);
  PrintResult("val_accuracy", validation.accuracy);
  PrintResult("test_accuracy", test.accuracy);
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train a network on CIFAR-10 and report its test accuracy");
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder (holding data_batch_1.bin ...)")->required();
  cmd->add_option("--split", o->split, "Training/validation split")
      ->check(CLI::IsMember({"10k", "45k", "49k"}))
      ->capture_default_str();
  cmd->add_option("--hidden", o->hidden, "Hidden widths, e.g. 50 or 50,30; 0 = none")->capture_default_str();
  cmd->add_option("--lambda", o->lambda, "L2 regularization strength")
      ->check(CLI::Range(0.0f, 1e6f))
      ->capture_default_str();
  cmd->add_option("--eta-min", o->eta_min, "Cyclic schedule: lowest rate")
      ->check(CLI::Range(0.0f, 1e3f))
      ->capture_default_str();
  cmd->add_option("--eta-max", o->eta_max, "Cyclic schedule: highest rate")
      ->check(CLI::Range(0.0f, 1e3f))
      ->capture_default_str();
  cmd->add_option("--n-s", o->n_s, "Cyclic schedule: updates per half cycle")
      ->check(CLI::Range(1L, 100000000L))
      ->capture_default_str();
  cmd->add_option("--cycles", o->cycles, "Cyclic schedule: number of cycles")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  CLI::Option* eta = cmd->add_option("--eta", o->eta, "Constant learning rate (instead of cyclic)")
                         ->check(CLI::Range(1e-12f, 1e3f));
  cmd->add_option("--batch", o->batch, "Mini-batch size")->check(CLI::Range(1, 1000000))->capture_default_str();
  CLI::Option* epochs = cmd->add_option("--epochs", o->epochs, "With --eta: epochs to train (default 10)")
                            ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", o->seed, "Seed for initialization and shuffling")->capture_default_str();
  cmd->add_option("--evals-per-cycle", o->evals_per_cycle,
                  "Metrics points per cycle (per epoch with --eta: any value > 0); 0 = none")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 4096))->capture_default_str();
  cmd->add_option("--out", o->out, "Output folder for model.tmlp and metrics.csv")->capture_default_str();
  cmd->callback([o, eta, epochs] { RunTrain(*o, eta->count() > 0, epochs->count() > 0); });
}

}  // namespace tinymlp
