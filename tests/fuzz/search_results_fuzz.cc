// Fuzz target: the search results reader (apps/lab/search_results.h), which a `search` rerun
// and the report read. Rows it accepts must be written back by the writer (SearchRow::CsvLine)
// into a file it accepts again, with the same settings (a rerun finds its finished runs), and
// the report's chart of them must draw.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "apps/lab/run_plots.h"
#include "apps/lab/search_results.h"
#include "platform/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<tinymlp::SearchRow> rows;
  try {
    rows = tinymlp::ParseSearchResults(text, "fuzz.csv");
  } catch (const tinymlp::Error&) {
    return 0;
  }
  std::string again = tinymlp::SearchResultsHeader();
  for (const tinymlp::SearchRow& row : rows) again += row.CsvLine();
  std::vector<tinymlp::SearchRow> reread;
  try {
    reread = tinymlp::ParseSearchResults(again, "again.csv");
  } catch (const tinymlp::Error&) {
    std::abort();  // what the reader accepted, the writer made unreadable
  }
  if (reread.size() != rows.size()) std::abort();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (reread[i].SettingKey() != rows[i].SettingKey()) std::abort();
  }
  tinymlp::ChartSpec chart = tinymlp::SearchChart("fuzz", tinymlp::BestRows(rows, 3), rows);
  chart.width /= 2;  // at half the report's size: the same scales, a quarter of the pixels
  chart.height /= 2;
  tinymlp::DrawLineChart(chart);
  return 0;
}
