#include "apps/tinymlp/run_flags.h"

#include "apps/tinymlp/options.h"
#include "engine/io/cifar10.h"

namespace tinymlp {

void AddSplitFlag(CLI::App* cmd, std::string& split) {
  cmd->add_option("--split", split, "Training/validation split: 10k, 45k or 49k")
      ->check(ParsedBy(ParseSplit))
      ->capture_default_str();
}

void AddNetworkFlags(CLI::App* cmd, RunSettings& r) {
  cmd->add_option("--hidden", r.hidden, "Hidden widths, e.g. 50 or 50,30; 0 = none")
      ->check(ParsedBy(ParseHiddenLayers))
      ->capture_default_str();
  cmd->add_option("--batch", r.batch, "Mini-batch size")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  cmd->add_option("--eta-min", r.eta_min, "Cyclic schedule: lowest rate")
      ->check(CLI::Range(0.0f, 1e3f))
      ->capture_default_str();
  cmd->add_option("--eta-max", r.eta_max, "Cyclic schedule: highest rate")
      ->check(CLI::Range(0.0f, 1e3f))
      ->capture_default_str();
  cmd->add_option("--cycles", r.cycles, "Cyclic schedule: number of cycles")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_flag("--batch-norm", r.batch_norm,
                "Batch normalization after every hidden linear layer, before the ReLU");
  cmd->add_option("--init", r.init, "Weight initialization: xavier (default), he, normal")
      ->check(ParsedBy(CheckInitName));
  cmd->add_option("--init-sigma", r.init_sigma, "With --init normal: the weights' std")
      ->check(CLI::Range(0.0, 1e3));
}

}  // namespace tinymlp
