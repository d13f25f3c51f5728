// Line charts: one or more named series against a shared x axis, with a title, axis labels,
// tick labels on "nice" values (1, 2, 5 x 10^k), light grid lines and a legend row under the
// title (outside the plot area, so it never hides a curve).
//
//   +--------------------------------------------+
//   |                  Title                     |
//   |            -- training  -- validation      |
//   |  y  1.5 +--------------------------------+ |
//   |  l      |  \_                            | |
//   |  a  1.0 |     \____________              | |
//   |  b      +--------------------------------+ |
//   |  e      0        1000       2000      3000 |
//   |  l                 x label                 |
//   +--------------------------------------------+
#pragma once

#include <string>
#include <vector>

#include "apps/render/canvas.h"

namespace tinymlp {

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; non-finite points are skipped (the line breaks)
  Rgb color;
  bool markers = false;  // also draw a small square at each point
};

struct ChartSpec {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  int width = 800, height = 500;
  bool y_from_zero = false;  // include 0 in the y range (accuracy charts)
};

// Where the plot area sits and how data maps onto it; DrawLineChart uses exactly this, so tests
// (and callers) can find the pixel a data point was drawn at.
struct ChartFrame {
  int left = 0, top = 0, right = 0, bottom = 0;  // plot area, inclusive pixel bounds
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::vector<double> x_ticks, y_ticks;
  double tick_step_x = 1, tick_step_y = 1;

  double PixelX(double x) const { return left + (x - x_min) / (x_max - x_min) * (right - left); }
  double PixelY(double y) const { return bottom - (y - y_min) / (y_max - y_min) * (bottom - top); }
};

ChartFrame LayoutChart(const ChartSpec& spec);
Canvas DrawLineChart(const ChartSpec& spec);

// The tab10 palette (matplotlib's default), so training/validation look as people expect.
Rgb SeriesColor(int index);

// "Nice" tick values covering [lo, hi] with about `target` intervals; sets *step.
std::vector<double> NiceTicks(double lo, double hi, int target, double* step);
// A tick label with as many decimals as `step` needs ("0.25", "1000", "1e-05").
std::string TickLabel(double value, double step);

}  // namespace tinymlp
