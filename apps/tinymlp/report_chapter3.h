// The report's third chapter (the course's deeper networks, issue 6): gradient checks of 2- and
// 4-layer nets with and without batch norm, the loss curves of a 3-layer and a 9-layer net with
// and without it, a λ search for the 3-layer batch-norm net and that net trained on 49k images,
// the initialization-sensitivity curves, and the best network. Not part of the default report:
// its ~30 training runs on 45k images take several minutes more than the default's budget.
#pragma once

#include <cstdint>
#include <string>

namespace tinymlp {

struct Chapter3Options {
  std::string data, out;  // out: the report's folder; the chapter writes into out/chapter3
  int jobs = 2, threads = 0;
  int coarse_count = 9, fine_count = 9;
  double fine_halfwidth = 0.5;
  uint64_t seed = 1;
  bool best = false;  // also train the best network (about 15 minutes at one thread)
};

struct Chapter3Outcome {
  std::string markdown;     // the chapter, headed "## 7. ..."
  float bn_lambda = 0;      // the 3-layer batch-norm net's λ from the fine search
  double bn_test = 0;       // its test accuracy trained on 49k images
  double best_test = -1;    // the best network's test accuracy; -1 when not trained
  double best_seconds = 0;  // and its training time
};

Chapter3Outcome RunChapter3(const Chapter3Options& options);

}  // namespace tinymlp
