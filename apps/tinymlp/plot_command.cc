// tinymlp plot: draws a run's metrics.csv as PNG line charts (cost, loss, accuracy, learning
// rate) into a folder.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/metrics_csv.h"
#include "apps/lab/run_plots.h"
#include "apps/tinymlp/commands.h"

namespace tinymlp {
namespace {

struct PlotOptions {
  std::string metrics, out, title;
};

void RunPlot(const PlotOptions& o) {
  const std::vector<MetricsRow> rows = ReadMetricsCsv(o.metrics);
  for (const std::string& path : WriteRunPlots(rows, o.out, o.title)) {
    std::printf("wrote %s\n", path.c_str());
  }
}

}  // namespace

void AddPlotCommand(CLI::App& app) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand("plot", "Draw a metrics.csv as PNG charts");
  cmd->add_option("--metrics", o->metrics, "metrics.csv written by train")->required();
  cmd->add_option("--out", o->out, "Folder for cost.png, loss.png, accuracy.png, eta.png")
      ->required();
  cmd->add_option("--title", o->title, "Appended to each chart's title");
  cmd->callback([o] { RunPlot(*o); });
}

}  // namespace tinymlp
