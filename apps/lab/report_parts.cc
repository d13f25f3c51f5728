#include "apps/lab/report_parts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <utility>

#include "apps/lab/format.h"
#include "apps/lab/job_pool.h"
#include "apps/lab/run_plots.h"
#include "platform/clock.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/threads.h"

namespace tinymlp {

ReportTrainer::ReportTrainer(const ReportOptions& options, std::string log_prefix)
    : options_(options), log_prefix_(std::move(log_prefix)), start_(NowSeconds()) {}

int ReportTrainer::Threads() const {
  return options_.threads > 0 ? options_.threads : std::max(1, HardwareThreads() / options_.jobs);
}

double ReportTrainer::SecondsSoFar() const { return NowSeconds() - start_; }

void ReportTrainer::Log(const std::string& line) const {
  std::fprintf(stderr, "%s%s (%.0f s so far)\n", log_prefix_.c_str(), line.c_str(), SecondsSoFar());
}

std::vector<RunResult> ReportTrainer::Train(const std::string& dir,
                                            const std::vector<ReportRun>& runs) const {
  std::vector<RunResult> results(runs.size());
  std::mutex log_mutex;
  RunJobs(runs.size(), options_.jobs, Threads(), [&](size_t i) {
    RunSettings run = runs[i].run;
    run.out = JoinPath(dir, runs[i].name);
    run.seed = options_.seed;
    RunContext context;
    context.force = true;  // the report's own folder: a rerun replaces its runs
    results[i] = RunTraining(run, *runs[i].data, context);
    if (results[i].interrupted != 0) {  // WriteReport says what a rerun continues
      throw InterruptedError(results[i].interrupted, "interrupted");
    }
    WriteRunPlots(results[i].metrics, run.out, runs[i].title);
    std::lock_guard<std::mutex> lock(log_mutex);
    Log(runs[i].name + ": test accuracy " + Percent(results[i].test.accuracy));
  });
  return results;
}

Table BestLambdaTable(const std::vector<SearchRow>& rows) {
  Table t;
  t.columns = {"rank", "lambda", "log10 lambda", "best validation accuracy", "at step"};
  const std::vector<SearchRow> best = BestRows(rows, 3);
  for (size_t i = 0; i < best.size(); ++i) {
    t.rows.push_back({std::to_string(i + 1), FormatNumber("%.3e", best[i].lambda),
                      FormatNumber("%.3f", std::log10(best[i].lambda)),
                      Percent(best[i].best_val_accuracy), std::to_string(best[i].best_step)});
  }
  return t;
}

std::vector<std::string> CurveImages(const std::string& dir) {
  std::vector<std::string> paths;
  for (const std::string& name : RunPlotNames()) paths.push_back(dir + "/" + name);
  return paths;
}

std::string LayerSizes(int input, const std::vector<int>& hidden) {
  std::string sizes = std::to_string(input);
  for (int h : hidden) sizes += "-" + std::to_string(h);
  return sizes + "-10";
}

}  // namespace tinymlp
