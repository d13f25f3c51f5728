// tinymlp plot: draws a run's metrics.csv as PNG line charts (cost, loss, accuracy, learning
// rate) into a folder.
#include <memory>
#include <string>

#include "apps/lab/metrics_csv.h"
#include "apps/lab/run_plots.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"

namespace tinymlp {
namespace {

struct PlotOptions {
  std::string metrics, out, title;
  bool json = false;
};

void RunPlot(const PlotOptions& o) {
  const std::vector<MetricsRow> rows = ReadMetricsCsv(o.metrics);
  Results results;
  results.Add("metrics_rows", static_cast<int64_t>(rows.size()));
  results.AddList("wrote", WriteRunPlots(rows, o.out, o.title));
  results.Print(o.json);
}

}  // namespace

void AddPlotCommand(CLI::App& app) {
  auto o = std::make_shared<PlotOptions>();
  CLI::App* cmd = app.add_subcommand("plot", "Draw a metrics.csv as PNG charts");
  cmd->add_option("--metrics", o->metrics, "metrics.csv written by train")->required();
  cmd->add_option("--out", o->out, "Folder for cost.png, loss.png, accuracy.png, eta.png")
      ->required();
  cmd->add_option("--title", o->title, "Appended to each chart's title");
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunPlot(*o); });
}

}  // namespace tinymlp
