// What the report's chapters share: training a chapter's runs (several at a time, through the
// job pool), the progress log, and the pieces of report data both chapters show (the three best
// λ of a search, a run's four charts, a network's layer sizes).
#pragma once

#include <string>
#include <vector>

#include "apps/lab/report.h"
#include "apps/lab/report_doc.h"
#include "apps/lab/search_results.h"
#include "apps/lab/training_run.h"
#include "engine/io/cifar10.h"

namespace tinymlp {

// One run of a chapter: trained into DIR/name (model, metrics.csv, the four charts).
struct ReportRun {
  std::string name;
  RunSettings run;  // out and seed are set by ReportTrainer
  const Cifar10* data;
  std::string title;  // appended to the charts' titles
};

class ReportTrainer {
 public:
  // log_prefix opens each progress line ("report: " or "report: chapter 3: ").
  ReportTrainer(const ReportOptions& options, std::string log_prefix);

  // Threads per network: the same for runs trained one at a time as for the searches'.
  int Threads() const;
  double SecondsSoFar() const;
  // One progress line on stderr, with the time since this trainer was made.
  void Log(const std::string& line) const;
  // Trains the runs, options.jobs at a time, each with the options' seed, into dir/name, and
  // draws their charts there. Results in the runs' order.
  std::vector<RunResult> Train(const std::string& dir, const std::vector<ReportRun>& runs) const;

 private:
  ReportOptions options_;
  std::string log_prefix_;
  double start_;
};

// The three best settings of a search: rank, lambda, log10 lambda, best validation accuracy and
// the step it was reached at.
Table BestLambdaTable(const std::vector<SearchRow>& rows);
// The four charts of a run in `dir` (relative to report.md), in RunPlotNames() order.
std::vector<std::string> CurveImages(const std::string& dir);
// "3072-50-30-10" from the input size and the hidden widths.
std::string LayerSizes(int input, const std::vector<int>& hidden);

}  // namespace tinymlp
