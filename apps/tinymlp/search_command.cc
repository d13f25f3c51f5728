// tinymlp search: trains one network per λ, records each in a results file as it ends (a rerun
// skips the finished settings) and prints the best three.
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/search.h"
#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/run_flags.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

struct SearchOptions {
  SearchSettings search;
  std::string data;
  std::string n_s = "auto";
  bool random = false;
};

void RunSearchCommand(SearchOptions o) {
  SearchSettings& s = o.search;
  if (s.grid && o.random) throw UsageError("--grid and --random: pick one");
  ValidateRunSettings(s.run);    // --init with --init-sigma: before the data is read
  PlanSearch(s);                 // so do a bad λ range and --count
  ReadSearchResults(s.results);  // and a malformed results file
  const Cifar10 data = LoadCifar10(o.data, ParseSplit(s.split));
  s.run.n_s = ParseNs(o.n_s, data.train.count(), s.run.batch);
  const SearchOutcome outcome = RunSearch(s, data);
  std::printf("search: %d runs trained, %d found in %s\n", outcome.ran, outcome.skipped,
              s.results.c_str());
  const std::vector<SearchRow> best = BestRows(outcome.rows, 3);
  for (size_t i = 0; i < best.size(); ++i) {
    std::printf("best %zu: lambda=%.6g log10_lambda=%.4f best_val_accuracy=%.4f (step %ld)\n",
                i + 1, best[i].lambda, std::log10(best[i].lambda), best[i].best_val_accuracy,
                best[i].best_step);
  }
  if (!best.empty()) PrintResult("best_lambda", best[0].lambda, 8);
}

}  // namespace

void AddSearchCommand(CLI::App& app) {
  auto o = std::make_shared<SearchOptions>();
  SearchSettings& s = o->search;
  s.results = "search_results.csv";
  s.run.cycles = 2;
  CLI::App* cmd = app.add_subcommand(
      "search", "Train one network per lambda (log scale) and keep the results in a CSV file");
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder")->required();
  AddSplitFlag(cmd, s.split);
  AddNetworkFlags(cmd, s.run);
  cmd->add_option("--lambda-log-min", s.log_min, "Smallest log10(lambda)")->capture_default_str();
  cmd->add_option("--lambda-log-max", s.log_max, "Largest log10(lambda)")->capture_default_str();
  cmd->add_option("--count", s.count, "Number of lambda values")->capture_default_str();
  cmd->add_flag("--grid", s.grid, "Evenly spaced on the log scale");
  cmd->add_flag("--random", o->random, "Uniform at random on the log scale (the default)");
  cmd->add_option("--n-s", o->n_s, "Updates per half cycle, or auto = 2 x floor(n_train / batch)")
      ->check(ParsedBy([](const std::string& text) { ParseNs(text, 1, 1); }))
      ->capture_default_str();
  cmd->add_option("--results", s.results, "Results CSV (appended; finished settings are skipped)")
      ->capture_default_str();
  cmd->add_option("--jobs", s.jobs, "Networks trained at the same time")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--threads", s.threads, "Threads per network (0 = cores / jobs)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--seed", s.run.seed, "Seed for the lambdas, the weights and the shuffling")
      ->capture_default_str();
  cmd->callback([o] { RunSearchCommand(*o); });
}

}  // namespace tinymlp
