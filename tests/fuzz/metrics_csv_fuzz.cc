// Fuzz target: `tinymlp plot` without the files: the metrics.csv reader (apps/lab/metrics_csv.h)
// and, on what it accepts, the charts laid out and drawn in memory (apps/lab/run_plots.h), whose
// scales meet the values read. Rows it accepts must also be written back by MetricsCsvLine into a
// file it accepts again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "apps/lab/metrics_csv.h"
#include "apps/lab/run_plots.h"
#include "platform/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<tinymlp::MetricsRow> rows;
  try {
    rows = tinymlp::ParseMetricsCsv(text, "fuzz.csv");
  } catch (const tinymlp::Error&) {
    return 0;
  }
  std::string again = tinymlp::MetricsCsvHeader();
  for (const tinymlp::MetricsRow& row : rows) again += tinymlp::MetricsCsvLine(row);
  try {
    if (tinymlp::ParseMetricsCsv(again, "again.csv").size() != rows.size()) std::abort();
  } catch (const tinymlp::Error&) {
    std::abort();  // what the reader accepted, the writer made unreadable
  }
  // Every chart's scales and ticks, as `plot` computes them; filling the pixels is what costs, so
  // each input draws one of the charts (picked by its length: across the corpus, all of them), at
  // half the size `plot` draws: the same code paths at an eighth of the cost of drawing all four.
  const std::vector<tinymlp::ChartSpec> charts = tinymlp::RunCharts(rows, "fuzz");
  for (const tinymlp::ChartSpec& chart : charts) tinymlp::LayoutChart(chart);
  if (!charts.empty()) {
    tinymlp::ChartSpec chart = charts[size % charts.size()];
    chart.width /= 2;
    chart.height /= 2;
    tinymlp::DrawLineChart(chart);
  }
  return 0;
}
