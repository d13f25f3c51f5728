#include "apps/render/line_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tinymlp {
namespace {

constexpr int kTitleScale = 3;
constexpr int kTextScale = 2;
constexpr int kMargin = 14;
constexpr Rgb kGrid{225, 225, 225};
constexpr Rgb kAxis{60, 60, 60};

// The data range of all finite points, widened when it is a single value.
void DataRange(const ChartSpec& spec, bool for_x, double* lo, double* hi) {
  *lo = std::numeric_limits<double>::infinity();
  *hi = -std::numeric_limits<double>::infinity();
  for (const Series& s : spec.series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      const double v = for_x ? s.x[i] : s.y[i];
      *lo = std::min(*lo, v);
      *hi = std::max(*hi, v);
    }
  }
  if (!std::isfinite(*lo)) *lo = 0, *hi = 1;
  if (!for_x && spec.y_from_zero) *lo = std::min(*lo, 0.0), *hi = std::max(*hi, 0.0);
  if (*hi - *lo <= std::fabs(*hi) * 1e-9) {
    const double pad = std::max(std::fabs(*hi) * 0.1, 1e-3);
    *lo -= pad;
    *hi += pad;
  }
}

}  // namespace

Rgb SeriesColor(int index) {
  static constexpr Rgb kPalette[] = {
      {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
      {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return kPalette[index % 10];
}

std::vector<double> NiceTicks(double lo, double hi, int target, double* step) {
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double frac = raw / mag;
  *step = (frac <= 1.0 ? 1.0 : frac <= 2.0 ? 2.0 : frac <= 5.0 ? 5.0 : 10.0) * mag;
  // Ticks are first + i * step (not a running sum, which drifts) until one reaches hi.
  std::vector<double> ticks;
  const double first = std::floor(lo / *step + 1e-9);
  for (int i = 0; ticks.size() < 2 || ticks.back() < hi - *step * 1e-9; ++i) {
    const double t = (first + i) * *step;
    ticks.push_back(std::fabs(t) < *step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::string TickLabel(double value, double step) {
  if (step < 1e-3 && value == 0) return "0";
  // Large ticks (a diverging loss of 1e40) take %e too: %f would print 41 digits.
  const bool exponent = step < 1e-3 || std::fabs(value) >= 1e15;
  const int decimals =
      exponent ? 1 : std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  char text[32];
  std::snprintf(text, sizeof(text), exponent ? "%.*e" : "%.*f", decimals, value);
  return text;
}

ChartFrame LayoutChart(const ChartSpec& spec) {
  ChartFrame f;
  double x_lo, x_hi, y_lo, y_hi;
  DataRange(spec, true, &x_lo, &x_hi);
  DataRange(spec, false, &y_lo, &y_hi);
  // The x axis starts where the data starts and ends at a tick at or after its end; the y axis
  // covers the data with whole tick intervals, so every curve sits inside the box.
  f.x_ticks = NiceTicks(x_lo, x_hi, 6, &f.tick_step_x);
  f.y_ticks = NiceTicks(y_lo, y_hi, 6, &f.tick_step_y);
  f.x_min = x_lo;
  f.x_max = std::max(x_hi, f.x_ticks.back());
  f.x_ticks.erase(std::remove_if(f.x_ticks.begin(), f.x_ticks.end(),
                                 [&](double t) { return t < f.x_min - f.tick_step_x * 1e-6; }),
                  f.x_ticks.end());
  f.y_min = f.y_ticks.front();
  f.y_max = f.y_ticks.back();

  int label_width = 0;
  for (double t : f.y_ticks) {
    label_width = std::max(label_width, Canvas::TextWidth(TickLabel(t, f.tick_step_y), kTextScale));
  }
  const int text_h = Canvas::TextHeight(kTextScale);
  f.top = kMargin + Canvas::TextHeight(kTitleScale) + 8 + text_h + 12;
  f.left = kMargin + (spec.y_label.empty() ? 0 : text_h + 8) + label_width + 10;
  f.right = spec.width - 1 - 3 * kMargin;
  f.bottom = spec.height - 1 - kMargin - (spec.x_label.empty() ? 0 : text_h + 8) - text_h - 10;
  return f;
}

Canvas DrawLineChart(const ChartSpec& spec) {
  const ChartFrame f = LayoutChart(spec);
  Canvas c(spec.width, spec.height, kWhite);
  const int text_h = Canvas::TextHeight(kTextScale);

  // Title, centred.
  c.Text((spec.width - Canvas::TextWidth(spec.title, kTitleScale)) / 2, kMargin, spec.title, kBlack,
         kTitleScale);

  // Legend: a short thick line then the name, all series in one centred row.
  const int legend_y = kMargin + Canvas::TextHeight(kTitleScale) + 8;
  int legend_w = 0;
  for (const Series& s : spec.series) legend_w += 30 + Canvas::TextWidth(s.name, kTextScale) + 24;
  int lx = (f.left + f.right - legend_w) / 2;
  for (const Series& s : spec.series) {
    c.Line(lx, legend_y + text_h / 2 - 2, lx + 22, legend_y + text_h / 2 - 2, s.color, 3);
    lx += 30;
    c.Text(lx, legend_y, s.name, kBlack, kTextScale);
    lx += Canvas::TextWidth(s.name, kTextScale) + 24;
  }

  // Grid lines and tick labels.
  for (double t : f.y_ticks) {
    const int y = static_cast<int>(std::lround(f.PixelY(t)));
    c.Line(f.left, y, f.right, y, kGrid);
    c.Line(f.left - 5, y, f.left, y, kAxis);
    const std::string label = TickLabel(t, f.tick_step_y);
    c.Text(f.left - 8 - Canvas::TextWidth(label, kTextScale), y - text_h / 2 + 1, label, kAxis,
           kTextScale);
  }
  for (double t : f.x_ticks) {
    const int x = static_cast<int>(std::lround(f.PixelX(t)));
    c.Line(x, f.top, x, f.bottom, kGrid);
    c.Line(x, f.bottom, x, f.bottom + 5, kAxis);
    const std::string label = TickLabel(t, f.tick_step_x);
    c.Text(x - Canvas::TextWidth(label, kTextScale) / 2, f.bottom + 9, label, kAxis, kTextScale);
  }

  // Axis labels.
  if (!spec.x_label.empty()) {
    c.Text((f.left + f.right - Canvas::TextWidth(spec.x_label, kTextScale)) / 2,
           spec.height - kMargin - text_h, spec.x_label, kBlack, kTextScale);
  }
  if (!spec.y_label.empty()) {
    c.TextUp(kMargin, (f.top + f.bottom - Canvas::TextWidth(spec.y_label, kTextScale)) / 2,
             spec.y_label, kBlack, kTextScale);
  }

  // The curves, clipped to the plot area, then the box on top so curves at the range's edge
  // stay framed.
  c.SetClip(f.left, f.top, f.right - f.left + 1, f.bottom - f.top + 1);
  for (const Series& s : spec.series) {
    bool have_prev = false;
    double px = 0, py = 0;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        have_prev = false;
        continue;
      }
      const double x = f.PixelX(s.x[i]), y = f.PixelY(s.y[i]);
      if (have_prev) c.Line(px, py, x, y, s.color, 2);
      if (s.markers || (!have_prev && s.x.size() == 1)) {
        c.FillRect(static_cast<int>(std::lround(x)) - 3, static_cast<int>(std::lround(y)) - 3, 7, 7,
                   s.color);
      }
      px = x, py = y, have_prev = true;
    }
  }
  c.ResetClip();
  c.Line(f.left, f.top, f.right, f.top, kAxis);
  c.Line(f.left, f.bottom, f.right, f.bottom, kAxis);
  c.Line(f.left, f.top, f.left, f.bottom, kAxis);
  c.Line(f.right, f.top, f.right, f.bottom, kAxis);
  return c;
}

}  // namespace tinymlp
