// One training run: the settings `tinymlp train` takes as flags, turned into a schedule, a
// trainer and its outputs. `train` runs one; the search and the report run many.
//
// Outputs, in settings.out (none when it is empty):
//   run.json         the run's record (apps/lab/run_record.h): written when the run starts
//                    (status "running") and again when it ends
//   metrics.csv      rewritten at each metrics point, so an interrupted run keeps its curve
//   model_best.tmlp  with evaluations: the weights of the best validation accuracy so far,
//                    rewritten at each improvement
//   checkpoint       with checkpoint_every, or after SIGINT/SIGTERM: the run's whole state
//                    (engine/train/checkpoint.h); removed when the run ends normally
//   model.tmlp       the final weights (after an interrupt: the weights so far)
// Every file is written to a temporary name and renamed, so each holds the old or the new
// content, never a mix; a run never starts in a folder holding another run's files unless told
// to replace them (RunContext::force) or continue them (RunContext::resume). The settings keep
// their flags' names, and the checks that relate two settings
// (--init normal needs --init-sigma) name them as flags; a single value that does not parse
// throws an error about the value alone, which the command line prefixes with its flag.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/io/cifar10.h"
#include "engine/train/trainer.h"

namespace tinymlp {

struct RunSettings {
  std::string hidden = "50";  // "50", "50,30", "0" (no hidden layer)
  float lambda = 0.01f;
  float eta_min = 1e-5f;
  float eta_max = 0.1f;
  long n_s = 500;
  int cycles = 1;
  float eta = 0;   // > 0: constant rate for `epochs` epochs instead of the cyclic schedule
  int epochs = 0;  // with eta; 0 means 10
  int batch = 100;
  uint64_t seed = 1;
  int evals_per_cycle = 10;  // metrics points per cycle (per epoch with a constant eta); 0 none
  // Deeper networks: batch norm, initialization, dropout, augmentation, optimizers.
  bool batch_norm = false;        // after every hidden linear layer, before the ReLU
  float bn_alpha = 0.9f;          // running averages: new = alpha * old + (1 - alpha) * batch
  std::string init;               // "xavier" (default), "he", "normal" (with init_sigma)
  double init_sigma = 0;          // > 0: N(0, sigma^2) weights; implies "normal" when init is empty
  float dropout = 0;              // inverted dropout on hidden activations, in [0, 1)
  std::string augment = "none";   // "flip", "translate[:N]", comma-separated
  std::string optimizer = "sgd";  // sgd, momentum, nesterov, adam
  float momentum = 0.9f;
  float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
  std::string schedule;  // cyclic, linear-decay, constant; empty: constant with --eta, else cyclic
  int early_stop = 0;    // > 0: stop after this many evaluations without a better val accuracy
  std::string out;       // folder for model.tmlp, metrics.csv, run.json ...; empty: write nothing
  long checkpoint_every = 0;  // > 0: write out/checkpoint every this many steps
  bool progress = false;      // progress on stderr (apps/lab/progress.h)
};

// How one `tinymlp train` runs its settings, beyond the settings themselves (the search and the
// report leave it as it is: no record of the data, a fresh folder).
struct RunContext {
  std::string data;     // the --data folder as given; recorded in run.json with its files' sums
  std::string split;    // recorded with it
  int threads = 0;      // the OpenMP threads the run uses (recorded; part of what it repeats)
  bool force = false;   // replace the run in settings.out (ClearRunFolder)
  bool resume = false;  // continue the run whose checkpoint and run.json are in settings.out
};

struct RunResult {
  std::vector<MetricsRow> metrics;
  Evaluation validation, test;  // not evaluated after an interrupt
  double train_seconds = 0;     // the training loop, evaluations included (all sessions)
  long steps = 0;               // planned
  long steps_done = 0;          // fewer after an early stop or an interrupt
  long first_step = 0;          // where this session started (0, or a resumed step)
  long best_step = -1;          // the metrics point of the best validation accuracy; -1: none
  double best_val_accuracy = 0;
  bool stopped_early = false;
  int interrupted = 0;  // the signal (SIGINT, SIGTERM) that stopped the run, or 0
  bool checkpoint_written = false;
};

// "50" -> {50}; "50,30,20" -> {50, 30, 20}; "0" -> {} (no hidden layer: the softmax classifier).
// Throws UsageError on empty fields, non-numbers and widths < 1 (other than a lone "0").
std::vector<int> ParseHiddenLayers(const std::string& text);
// RunSettings::schedule: empty, cyclic, linear-decay or constant; throws UsageError otherwise.
void CheckScheduleName(const std::string& name);
// RunSettings::init: empty, xavier, he or normal; throws UsageError otherwise.
void CheckInitName(const std::string& name);
// The initialization a run uses, as the results file names it: init, or what an empty init
// means (normal when init_sigma is given, else xavier).
std::string InitName(const RunSettings& run);

// Checks the settings that do not depend on the data (throws UsageError), so a command can fail
// before it reads the data set.
void ValidateRunSettings(const RunSettings& settings);

// Validates the settings against the data (throws UsageError), trains, evaluates on validation
// and (if data.test is not empty) test, and writes the outputs (see the top of this file).
// Polls PendingInterrupt() (platform/interrupt.h) after every step: on a signal it saves a
// checkpoint and the model so far (when it has a folder) and returns with `interrupted` set;
// the caller says so and exits. With settings.early_stop it stops after that many metrics
// points without a better validation accuracy.
RunResult RunTraining(const RunSettings& settings, const Cifar10& data,
                      const RunContext& context = RunContext());

}  // namespace tinymlp
