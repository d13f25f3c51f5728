// The report's third chapter (the course's deeper networks): gradient checks of 2- and
// 4-layer nets with and without batch norm, the loss curves of a 3-layer and a 9-layer net with
// and without it, the initialization-sensitivity curves, a λ search for the 3-layer batch-norm
// net and that net trained on 49k images, and the best network. Not part of the default report:
// its ~30 training runs on 45k images take several minutes more than the default's budget.
#pragma once

#include <string>

#include "apps/lab/report.h"
#include "apps/lab/report_doc.h"

namespace tinymlp {

struct Chapter3Outcome {
  ReportDoc doc;            // the chapter, headed "7. ..."; its files are in OUT/chapter3
  std::string test_images;  // how many test images the accuracies are measured on ("10,000")
  float bn_lambda = 0;      // the 3-layer batch-norm net's λ from the fine search
  double bn_test = 0;       // its test accuracy trained on 49k images
  double best_test = -1;    // the best network's test accuracy; -1 when not trained
  double best_seconds = 0;  // and its training time
};

// Uses options.data, out, jobs, threads, the search counts and width, seed and best.
Chapter3Outcome RunChapter3(const ReportOptions& options);

}  // namespace tinymlp
