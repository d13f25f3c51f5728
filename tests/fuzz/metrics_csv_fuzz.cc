// Fuzz target: `tinymlp plot` without the files: the metrics.csv reader (apps/lab/metrics_csv.h)
// and, on what it accepts, the four charts drawn in memory (apps/lab/run_plots.h), whose scales
// meet the values read. Rows it accepts must also be written back by MetricsCsvLine into a file
// it accepts again.
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
  // At half the size `plot` draws: the same scales and ticks, a quarter of the pixels to fill.
  for (tinymlp::ChartSpec chart : tinymlp::RunCharts(rows, "fuzz")) {
    chart.width /= 2;
    chart.height /= 2;
    tinymlp::DrawLineChart(chart);
  }
  return 0;
}
