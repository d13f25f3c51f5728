// tinymlp train: trains a network on CIFAR-10, writes OUT/model.tmlp and OUT/metrics.csv, and
// prints test_accuracy=... as its last stdout line.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/format.h"
#include "apps/lab/run_plots.h"
#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "apps/tinymlp/run_flags.h"
#include "engine/model/optimizer.h"
#include "engine/train/augment.h"
#include "platform/error.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct TrainOptions {
  RunSettings run;
  std::string data;
  std::string split = "10k";
  int threads = 0;
  bool plots = false;
  bool json = false;
};

void RunTrain(TrainOptions o) {
  SetThreadCount(o.threads);
  ValidateRunSettings(o.run);  // bad flags fail before the data is read
  if (o.plots && o.run.out.empty())
    throw UsageError("--plots needs --out, the folder to draw into");
  const Cifar10 data = LoadCifar10(o.data, ParseSplit(o.split));
  o.run.progress = true;
  const RunResult r = RunTraining(o.run, data);
  std::fprintf(stderr,
               "trained 3072-%s-10: %ld steps in %.2f s (evaluations included), validation "
               "accuracy %.4f, model and metrics in %s\n",
               o.run.hidden.c_str(), r.steps, r.train_seconds, r.validation.accuracy,
               o.run.out.c_str());
  if (o.plots) WriteRunPlots(r.metrics, o.run.out, FormatNumber("lambda=%g", o.run.lambda));
  Results results;
  results.Add("steps", r.steps).Add("train_seconds", r.train_seconds, 3);
  results.Add("val_accuracy", r.validation.accuracy, 4).Add("test_accuracy", r.test.accuracy, 4);
  results.Print(o.json);
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto o = std::make_shared<TrainOptions>();
  o->run.out = "runs/latest";
  RunSettings& r = o->run;
  CLI::App* cmd =
      app.add_subcommand("train", "Train a network on CIFAR-10 and report its test accuracy");
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder (holding data_batch_1.bin ...)")
      ->required();
  AddSplitFlag(cmd, o->split);
  AddNetworkFlags(cmd, r);
  cmd->add_option("--lambda", r.lambda, "L2 regularization strength")
      ->check(CLI::Range(0.0f, 1e6f))
      ->capture_default_str();
  cmd->add_option("--n-s", r.n_s, "Cyclic schedule: updates per half cycle")
      ->check(CLI::Range(1L, 100000000L))
      ->capture_default_str();
  cmd->add_option("--eta", r.eta, "Constant learning rate (instead of cyclic)")
      ->check(CLI::Range(1e-12f, 1e3f));
  cmd->add_option("--epochs", r.epochs,
                  "Constant or linear-decay schedule: epochs to train (default 10 / as cyclic)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--seed", r.seed, "Seed for initialization and shuffling")->capture_default_str();
  cmd->add_option("--evals-per-cycle", r.evals_per_cycle,
                  "Metrics points per cycle (per epoch with --eta: any value > 0); 0 = none")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--bn-alpha", r.bn_alpha,
                  "Batch norm running averages: new = alpha * old + (1 - alpha) * batch")
      ->capture_default_str();
  cmd->add_option("--dropout", r.dropout, "Probability of dropping a hidden unit while training")
      ->capture_default_str();
  cmd->add_option("--augment", r.augment,
                  "Training augmentation: none, or flip,translate[:N] (N pixels, default 3)")
      ->check(ParsedBy(ParseAugment))
      ->capture_default_str();
  cmd->add_option("--optimizer", r.optimizer, "sgd, momentum, nesterov or adam")
      ->check(ParsedBy(ParseOptimizer))
      ->capture_default_str();
  cmd->add_option("--momentum", r.momentum, "momentum/nesterov: velocity decay")
      ->check(CLI::Range(0.0f, 0.9999f))
      ->capture_default_str();
  cmd->add_option("--beta1", r.beta1, "adam: first-moment decay")
      ->check(CLI::Range(0.0f, 0.9999f))
      ->capture_default_str();
  cmd->add_option("--beta2", r.beta2, "adam: second-moment decay")
      ->check(CLI::Range(0.0f, 0.999999f))
      ->capture_default_str();
  cmd->add_option("--epsilon", r.epsilon, "adam: added to sqrt(v)")
      ->check(CLI::Range(1e-30f, 1.0f))
      ->capture_default_str();
  cmd->add_option("--schedule", r.schedule,
                  "Learning rate: cyclic (default), linear-decay (eta-max to eta-min), constant "
                  "(--eta)")
      ->check(ParsedBy(CheckScheduleName));
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--out", r.out, "Output folder for model.tmlp and metrics.csv")
      ->capture_default_str();
  cmd->add_flag("--plots", o->plots, "Also draw cost/loss/accuracy/eta PNG charts into --out");
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunTrain(*o); });
}

}  // namespace tinymlp
