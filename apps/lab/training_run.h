// One training run: the settings `tinymlp train` takes as flags, turned into a schedule, a
// trainer and its outputs (model.tmlp, metrics.csv). `train` runs one; the search and the report
// run many. The settings keep their flags' names, and the checks that relate two settings
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
  std::string schedule;   // cyclic, linear-decay, constant; empty: constant with --eta, else cyclic
  std::string out;        // folder for model.tmlp and metrics.csv; empty: write nothing
  bool progress = false;  // redraw a progress line on stderr (when it is a terminal)
};

struct RunResult {
  std::vector<MetricsRow> metrics;
  Evaluation validation, test;
  double train_seconds = 0;  // the training loop, evaluations included
  long steps = 0;
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
// and (if data.test is not empty) test, and writes the outputs. metrics.csv is rewritten at each
// metrics point, so an interrupted run keeps its curve.
RunResult RunTraining(const RunSettings& settings, const Cifar10& data);

}  // namespace tinymlp
