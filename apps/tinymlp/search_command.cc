// tinymlp search: trains one network per λ, records each in a results file as it ends (a rerun
// skips the finished settings) and prints the best three. Built with -DTINYMLP_MPI=ON and started
// by mpirun, the ranks share the runs (apps/lab/search_mpi.h).
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/search.h"
#ifdef TINYMLP_MPI
#include "apps/lab/search_mpi.h"
#endif
#include "apps/lab/training_run.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "apps/tinymlp/run_flags.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

struct SearchOptions {
  SearchSettings search;
  std::string data;
  std::string n_s = "auto";
  bool random = false;
  bool json = false;
};

// Checks the flags (before the data is read, so mistakes show at once), then loads the data.
// Only the process that writes the results file reads it.
Cifar10 PrepareSearch(SearchOptions& o, bool reads_results) {
  SearchSettings& s = o.search;
  if (s.grid && o.random) throw UsageError("--grid and --random: pick one");
  ValidateRunSettings(s.run);                       // --init with --init-sigma
  PlanSearch(s);                                    // a bad λ range and --count
  if (reads_results) ReadSearchResults(s.results);  // a malformed results file
  Cifar10 data = LoadCifar10(o.data, ParseSplit(s.split));
  s.run.n_s = ParseNs(o.n_s, data.train.count(), s.run.batch);
  return data;
}

// The runs trained and found, the best three (best first) and the best lambda, last.
void PrintOutcome(const SearchOptions& o, const SearchOutcome& outcome) {
  Results results;
  results.Add("runs_trained", outcome.ran).Add("runs_found", outcome.skipped);
  results.Add("results_file", o.search.results);
  std::vector<Results> rows;
  const std::vector<SearchRow> best = BestRows(outcome.rows, 3);
  for (const SearchRow& row : best) {
    Results& r = rows.emplace_back();
    r.AddSignificant("lambda", row.lambda, 6).Add("log10_lambda", std::log10(row.lambda), 4);
    r.Add("best_val_accuracy", row.best_val_accuracy, 4).Add("best_step", row.best_step);
  }
  results.AddRows("best", rows);
  if (!best.empty()) results.AddSignificant("best_lambda", best[0].lambda, 6);
  results.Print(o.json);
}

#ifdef TINYMLP_MPI
// Under mpirun with two ranks or more (apps/lab/search_mpi.h). Each rank prepares on its own;
// AgreeOrExit then stops them all together, with one line from rank 0, if any failed or they
// disagree, so that no rank waits for one that has quit.
void RunSearchOnJob(SearchOptions& o, MpiSession& mpi) {
  SearchSettings& s = o.search;
  RankReport mine;
  Cifar10 data;
  try {
    data = PrepareSearch(o, mpi.rank() == 0);
    if (s.threads == 0) s.threads = DefaultWorkerThreads(mpi);
    mine.data = DataChecksum(data);
    mine.plan = PlanChecksum(PlanSearch(s));
    mine.threads = s.threads;
  } catch (const Error& e) {
    mine.exit_code = e.exit_code();
    mine.error = e.what();
  }
  int min_threads = 0, max_threads = 0;
  AgreeOrExit(mpi, mine, &min_threads, &max_threads);
  if (mpi.rank() == 0) {
    const int workers = mpi.size() - 1;
    std::fprintf(stderr, "search: %d ranks: rank 0 hands out the settings to %d worker%s",
                 mpi.size(), workers, workers == 1 ? "" : "s");
    if (min_threads == max_threads) {
      std::fprintf(stderr, ", %d thread%s each\n", min_threads, min_threads == 1 ? "" : "s");
    } else {  // the same --seed and --threads give the same bits (README), other threads may not
      std::fprintf(stderr,
                   ", %d to %d threads each (rows may differ in the last bits from a "
                   "single-process search; pass --threads to fix it)\n",
                   min_threads, max_threads);
    }
    if (s.jobs > 1) std::fprintf(stderr, "search: under mpirun --jobs is unused: add ranks\n");
  }
  const SearchOutcome outcome = RunSearchOnRanks(mpi, s, data);
  if (mpi.rank() == 0) PrintOutcome(o, outcome);
}
#endif

void RunSearchCommand(SearchOptions o) {
#ifdef TINYMLP_MPI
  MpiSession mpi;  // a plain process is a job of one: the search below, unchanged
  if (mpi.size() > 1) return RunSearchOnJob(o, mpi);
#endif
  const Cifar10 data = PrepareSearch(o, true);
  PrintOutcome(o, RunSearch(o.search, data));
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
  cmd->add_option(
         "--threads", s.threads,
         "Threads per network (0 = cores / jobs; under mpirun: the node's cores / its workers)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_option("--seed", s.run.seed, "Seed for the lambdas, the weights and the shuffling")
      ->capture_default_str();
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunSearchCommand(*o); });
}

}  // namespace tinymlp
