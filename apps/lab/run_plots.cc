#include "apps/lab/run_plots.h"

#include <cmath>

#include "apps/render/png.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

ChartSpec TwoCurves(const std::vector<MetricsRow>& rows, const std::string& what,
                    const std::string& title, double (*pick)(const Evaluation&)) {
  ChartSpec spec;
  spec.title = what + (title.empty() ? "" : ", " + title);
  spec.x_label = "update step";
  spec.y_label = what;
  Series train{"training", {}, {}, SeriesColor(0)};
  Series val{"validation", {}, {}, SeriesColor(1)};
  for (const MetricsRow& r : rows) {
    train.x.push_back(r.step);
    train.y.push_back(pick(r.train));
    val.x.push_back(r.step);
    val.y.push_back(pick(r.validation));
  }
  spec.series = {train, val};
  return spec;
}

}  // namespace

const std::vector<std::string>& RunPlotNames() {
  static const std::vector<std::string> names = {"cost.png", "loss.png", "accuracy.png", "eta.png"};
  return names;
}

std::vector<ChartSpec> RunCharts(const std::vector<MetricsRow>& rows, const std::string& title) {
  std::vector<ChartSpec> specs;
  specs.push_back(TwoCurves(rows, "cost", title, [](const Evaluation& e) { return e.cost; }));
  specs.push_back(TwoCurves(rows, "loss", title, [](const Evaluation& e) { return e.loss; }));
  specs.push_back(
      TwoCurves(rows, "accuracy", title, [](const Evaluation& e) { return e.accuracy; }));
  ChartSpec eta;
  eta.title = "learning rate" + (title.empty() ? "" : ", " + title);
  eta.x_label = "update step";
  eta.y_label = "eta";
  Series s{"eta at each metrics point", {}, {}, SeriesColor(2)};
  for (const MetricsRow& r : rows) {
    s.x.push_back(r.step);
    s.y.push_back(r.eta);
  }
  s.markers = true;
  eta.series = {s};
  eta.y_from_zero = true;
  specs.push_back(eta);
  return specs;
}

std::vector<std::string> WriteRunPlots(const std::vector<MetricsRow>& rows, const std::string& dir,
                                       const std::string& title) {
  MakeDirectories(dir);
  const std::vector<ChartSpec> specs = RunCharts(rows, title);
  std::vector<std::string> paths;
  for (size_t i = 0; i < specs.size(); ++i) {
    paths.push_back(JoinPath(dir, RunPlotNames()[i]));
    WritePng(paths.back(), DrawLineChart(specs[i]));
  }
  return paths;
}

ChartSpec SearchChart(const std::string& title, const std::vector<SearchRow>& coarse,
                      const std::vector<SearchRow>& fine) {
  ChartSpec spec;
  spec.title = title;
  spec.x_label = "log10(lambda)";
  spec.y_label = "best validation accuracy";
  int index = 0;
  for (const auto* rows : {&coarse, &fine}) {
    Series s{index == 0 ? "coarse search" : "fine search", {}, {}, SeriesColor(index)};
    s.markers = true;
    for (const SearchRow& r : *rows) {
      s.x.push_back(std::log10(r.lambda));
      s.y.push_back(r.best_val_accuracy);
    }
    spec.series.push_back(s);
    ++index;
  }
  return spec;
}

}  // namespace tinymlp
