// tinymlp bench-train: how long one training step takes here, and one evaluation pass.
//
// Times `--steps` single steps of the real Trainer (gather + normalize, forward, backward, SGD)
// after a warm-up, and prints the median, the GFLOP/s the network's products imply at that
// median, and the time of one forward pass over the whole training split. A measurement, not a
// check: the numbers depend on the machine and its load. Results (key=value lines or --json):
// target, threads, ms_per_step, gflops, ms_mean_per_step (the mean, which pays for the stalled
// steps a median hides), eval_ms, solo_job_share (the timed steps' parallel jobs the worker team
// ran on one thread because workers had held jobs up: 0 on an idle machine).
#include <hwy/targets.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "apps/tinymlp/run_flags.h"
#include "engine/base/parallel.h"
#include "engine/base/phase_timer.h"
#include "engine/io/cifar10.h"
#include "engine/model/optimizer.h"
#include "engine/ops/kernels.h"
#include "engine/train/trainer.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct BenchTrainOptions {
  std::string data;
  std::string split = "49k";
  std::string hidden = "50";
  int batch = 100;
  int steps = 500;
  int threads = 0;
  bool json = false;
  bool breakdown = false;
  // The wide network's settings, so its step can be broken down too (docs/benchmarks.md).
  bool batch_norm = false;
  float dropout = 0;
  std::string optimizer = "sgd";
};

// Floating-point operations of one step's matrix products: per layer the forward product and
// dW (2 * out * in * B each), and dX for every layer but the first.
double StepFlops(const MlpShape& shape, int batch) {
  double flops = 0;
  for (int l = 0; l < shape.layers(); ++l) {
    const double product = 2.0 * shape.out(l) * shape.in(l)*batch;
    flops += product * (l > 0 ? 3 : 2);
  }
  return flops;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void RunBenchTrain(const BenchTrainOptions& o) {
  SetThreadCount(o.threads);
  MlpShape shape;
  shape.hidden = ParseHiddenLayers(o.hidden);
  shape.batch_norm = o.batch_norm;
  shape.dropout = o.dropout;
  const Cifar10 data = LoadCifar10(o.data, ParseSplit(o.split), /*with_test=*/false);
  if (o.batch > data.train.count()) {
    throw UsageError("--batch " + std::to_string(o.batch) + " is larger than the training set (" +
                     std::to_string(data.train.count()) + " images)");
  }
  const Normalization norm = Normalization::FromData(data.train);
  TrainConfig config;
  config.batch = o.batch;
  config.lambda = 0.001f;
  config.optimizer.kind = ParseOptimizer(o.optimizer);
  Arena arena(MeasureArena<Trainer>(shape, config, data.train, norm));
  Trainer trainer(shape, config, data.train, norm, arena);

  const int warmup = std::max(10, o.steps / 10);
  for (int i = 0; i < warmup; ++i) trainer.Step(0.01f);
  std::vector<double> seconds(o.steps);
  const TeamCounts before = CallingTeamCounts();
  for (int i = 0; i < o.steps; ++i) {
    const double start = NowSeconds();
    trainer.Step(0.01f);
    seconds[i] = NowSeconds() - start;
  }
  const double step_s = Median(seconds);
  // The mean pays for every stalled step that the median hides (a loaded machine's cost).
  double total_s = 0;
  for (double s : seconds) total_s += s;
  const TeamCounts after = CallingTeamCounts();
  const int64_t jobs = after.jobs - before.jobs, solo_jobs = after.solo_jobs - before.solo_jobs;
  // The breakdown times the same number of steps again with a PhaseTimer attached (the median
  // above stays untouched by the timer's clock reads).
  PhaseTimer timer;
  if (o.breakdown) {
    trainer.network().set_phase_timer(&timer);
    for (int i = 0; i < o.steps; ++i) trainer.Step(0.01f);
    trainer.network().set_phase_timer(nullptr);
  }

  std::vector<double> eval_seconds(3);
  for (double& s : eval_seconds) {
    const double start = NowSeconds();
    trainer.Evaluate(data.train);
    s = NowSeconds() - start;
  }
  const double eval_s = Median(eval_seconds);

  std::fprintf(
      stderr,
      "target=%s threads=%d; 3072-%s-10, batch %d, %d timed steps after %d warm-up, eval over %d "
      "images\n",
      hwy::TargetName(DispatchedTarget()), ThreadCount(), o.hidden.c_str(), o.batch, o.steps,
      warmup, data.train.count());
  Results results;
  results.Add("target", hwy::TargetName(DispatchedTarget())).Add("threads", ThreadCount());
  results.Add("ms_per_step", 1e3 * step_s, 4)
      .Add("gflops", 1e-9 * StepFlops(shape, o.batch) / step_s, 2);
  results.Add("ms_mean_per_step", 1e3 * total_s / o.steps, 4);
  results.Add("eval_ms", 1e3 * eval_s, 2);
  // The share of the timed steps' parallel jobs that the team ran on one thread (backing off).
  results.Add("solo_job_share", jobs == 0 ? 0.0 : double(solo_jobs) / jobs, 4);
  if (o.breakdown) {
    // Mean milliseconds per step in each phase, per layer where the phase has one (layer 1 is
    // the first hidden layer), e.g. breakdown_linear_forward_1_ms.
    for (int phase = 0; phase < PhaseTimer::kPhases; ++phase) {
      for (int layer = 0; layer < PhaseTimer::kMaxLayers; ++layer) {
        const double s = timer.seconds(phase, layer);
        if (s == 0) continue;
        const bool per_layer = phase != PhaseTimer::kGather && phase != PhaseTimer::kUpdate;
        const std::string key = std::string("breakdown_") + PhaseTimer::Name(phase) +
                                (per_layer ? "_" + std::to_string(layer + 1) : "") + "_ms";
        results.Add(key, 1e3 * s / o.steps, 4);
      }
    }
  }
  results.Print(o.json);
}

}  // namespace

void AddBenchTrainCommand(CLI::App& app) {
  auto o = std::make_shared<BenchTrainOptions>();
  CLI::App* cmd = app.add_subcommand("bench-train",
                                     "Median time of a training step and of one evaluation pass");
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder (holding data_batch_1.bin ...)")
      ->required();
  AddSplitFlag(cmd, o->split);
  cmd->add_option("--hidden", o->hidden, "Hidden widths, e.g. 50 or 50,30; 0 = none")
      ->check(ParsedBy(ParseHiddenLayers))
      ->capture_default_str();
  cmd->add_option("--batch", o->batch, "Mini-batch size")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--steps", o->steps, "Timed steps (the median is reported)")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->add_flag("--breakdown", o->breakdown,
                "Also time each phase of a step (gather, each layer's products, batch norm, "
                "ReLU/dropout, softmax, update): mean ms per step, keys breakdown_*_ms");
  cmd->add_flag("--batch-norm", o->batch_norm,
                "Batch normalization after every hidden linear layer, before the ReLU");
  cmd->add_option("--dropout", o->dropout, "Probability of dropping a hidden unit while training")
      ->check(CLI::Range(0.0f, 0.99f))
      ->capture_default_str();
  cmd->add_option("--optimizer", o->optimizer, "sgd, momentum, nesterov or adam")
      ->check(ParsedBy(ParseOptimizer))
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunBenchTrain(*o); });
}

}  // namespace tinymlp
