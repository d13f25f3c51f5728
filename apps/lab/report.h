// The course's report from one call: gradient checks, the two default two-layer runs, a coarse
// and a fine λ search, the final network on 49k images and the one-layer classifier in its four
// classic settings (chapters 1-6), and on request the third chapter (apps/lab/report_chapter3.h).
// Writes OUT/report.md with the PNGs (curves, weight images, the search charts) in per-run
// folders beside it. Search results files stay in OUT, so a rerun after an interruption skips the
// runs it already finished. Every figure in report.md comes from this run's data.
#pragma once

#include <cstdint>
#include <string>

namespace tinymlp {

struct ReportOptions {
  std::string data, out;
  std::string command;  // how the report was asked for, quoted in its first paragraph
  // Two networks at a time with one thread each keeps both cores busy even where a small
  // network's GEMMs are too small to split.
  int jobs = 2, threads = 0;  // threads per network; 0: max(1, cores / jobs)
  int coarse_count = 9, fine_count = 9;
  double fine_halfwidth = 0.5;  // fine range: log10(best coarse λ) ± this
  uint64_t seed = 1;
  bool chapter3 = false;       // add the third chapter
  bool only_chapter3 = false;  // the third chapter alone
  bool best = false;           // in the third chapter, also train the best network
};

struct ReportOutcome {
  std::string path;  // OUT/report.md
  double seconds = 0;
  // Chapters 1-6 (when written): the final network's λ and test accuracy.
  float final_lambda = 0;
  double final_test = 0;
  // Chapter 7 (when written): the 3-layer batch-norm net's λ and test accuracy, and the best
  // network's test accuracy and training time (best_test < 0: not trained).
  float bn_lambda = 0;
  double bn_test = 0;
  double best_test = -1, best_seconds = 0;
};

// Throws UsageError for options that do not go together, DataError for missing data.
ReportOutcome WriteReport(const ReportOptions& options);

}  // namespace tinymlp
