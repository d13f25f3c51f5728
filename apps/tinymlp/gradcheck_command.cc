// tinymlp gradcheck: analytic against numerical gradients, in double precision.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "engine/io/cifar10.h"
#include "engine/train/gradcheck.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

struct GradcheckOptions {
  GradCheckConfig config;
  std::string hidden = "6";
  std::string data;  // empty: random images
  bool json = false;
};

void RunGradcheck(GradcheckOptions o) {
  o.config.hidden = ParseHiddenLayers(o.hidden);
  const Dataset images = o.data.empty()
                             ? RandomDataset(o.config.samples, o.config.seed)
                             : ReadBatchFile(JoinPath(ResolveCifarDir(o.data), "data_batch_1.bin"));
  double worst = 0;
  std::vector<Results> rows;
  for (const GradCheckEntry& e : GradCheck(images, o.config)) {
    rows.emplace_back()
        .Add("parameter", e.name)
        .AddSignificant("max_rel_error", e.max_rel_error, 4);
    worst = std::max(worst, e.max_rel_error);
  }
  Results results;
  results.AddRows("per_parameter", rows).AddSignificant("max_rel_error", worst, 4);
  results.Print(o.json);
}

}  // namespace

void AddGradcheckCommand(CLI::App& app) {
  auto o = std::make_shared<GradcheckOptions>();
  CLI::App* cmd = app.add_subcommand("gradcheck", "Compare analytic and numerical gradients");
  cmd->add_option("--dims", o->config.dims, "Input dimensions used")
      ->check(CLI::Range(1, 3072))
      ->capture_default_str();
  cmd->add_option("--samples", o->config.samples, "Images used")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cmd->add_option("--hidden", o->hidden, "Hidden widths, e.g. 6 or 10,8; 0 = none")
      ->check(ParsedBy(ParseHiddenLayers))
      ->capture_default_str();
  cmd->add_option("--lambda", o->config.lambda, "L2 regularization strength")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  cmd->add_option("--step", o->config.step, "Finite-difference step h")
      ->check(CLI::Range(1e-12, 1e-1))
      ->capture_default_str();
  cmd->add_flag("--batch-norm", o->config.batch_norm,
                "Batch normalization after every hidden layer (checks gamma and beta too)");
  cmd->add_option("--seed", o->config.seed, "Seed for the weights")->capture_default_str();
  cmd->add_option("--data", o->data, "CIFAR-10 folder (default: random images)");
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunGradcheck(*o); });
}

}  // namespace tinymlp
