// The pictures of one training run, from its metrics rows: cost, loss and accuracy (training and
// validation) against the update step, and the learning-rate schedule; and of a lambda search.
#pragma once

#include <string>
#include <vector>

#include "apps/lab/search_results.h"
#include "apps/render/line_chart.h"
#include "engine/train/trainer.h"

namespace tinymlp {

// File names WriteRunPlots writes, in this order.
const std::vector<std::string>& RunPlotNames();  // cost.png, loss.png, accuracy.png, eta.png

// The four chart specs; `title` (e.g. "lambda=0.01, 3 cycles") is appended to each chart's title.
std::vector<ChartSpec> RunCharts(const std::vector<MetricsRow>& rows, const std::string& title);

// Writes the four PNGs into `dir` (created if missing); returns their paths.
std::vector<std::string> WriteRunPlots(const std::vector<MetricsRow>& rows, const std::string& dir,
                                       const std::string& title);

// Best validation accuracy against log10(lambda), the coarse and the fine search as two series.
ChartSpec SearchChart(const std::string& title, const std::vector<SearchRow>& coarse,
                      const std::vector<SearchRow>& fine);

}  // namespace tinymlp
