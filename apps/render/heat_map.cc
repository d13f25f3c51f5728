#include "apps/render/heat_map.h"

#include <algorithm>
#include <cmath>

#include "apps/render/png.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

constexpr int kGap = 14;
constexpr int kTitleScale = 2;
constexpr int kLabelScale = 2;

// The layout: margins, the title, the column axis name and the turned column labels above the
// cells; the turned row axis name and the row labels to their left.
struct Layout {
  int grid_x = 0, grid_y = 0;  // top-left corner of cell (0, 0)
  int width = 0, height = 0;
};

int WidestLabel(const std::vector<std::string>& labels) {
  int w = 0;
  for (const std::string& s : labels) w = std::max(w, Canvas::TextWidth(s, kLabelScale));
  return w;
}

Layout Lay(const HeatMapSpec& s) {
  const int line = Canvas::TextHeight(kLabelScale);
  const int title = s.title.empty() ? 0 : Canvas::TextHeight(kTitleScale) + kGap;
  Layout l;
  l.grid_x = kGap + line + kGap / 2 + WidestLabel(s.row_labels) + kGap / 2;
  l.grid_y = kGap + title + line + kGap / 2 + WidestLabel(s.column_labels) + kGap / 2;
  const int64_t width = int64_t{l.grid_x} + int64_t{s.cell} * s.column_labels.size() + kGap;
  const int64_t height = int64_t{l.grid_y} + int64_t{s.cell} * s.row_labels.size() + kGap;
  const int64_t title_width = 2 * kGap + Canvas::TextWidth(s.title, kTitleScale);
  l.width = static_cast<int>(std::min<int64_t>(std::max(width, title_width), 1 << 30));
  l.height = static_cast<int>(std::min<int64_t>(height, 1 << 30));
  return l;
}

}  // namespace

Rgb HeatColor(double share) {
  const double t = std::clamp(std::isfinite(share) ? share : 0.0, 0.0, 1.0);
  // White (255, 255, 255) to a dark blue (8, 48, 107), the ends of a common sequential palette.
  auto mix = [t](int from, int to) {
    return static_cast<uint8_t>(std::lround(from + (to - from) * t));
  };
  return {mix(255, 8), mix(255, 48), mix(255, 107)};
}

void HeatMapCellOrigin(const HeatMapSpec& spec, int r, int c, int* x, int* y) {
  const Layout l = Lay(spec);
  *x = l.grid_x + c * spec.cell;
  *y = l.grid_y + r * spec.cell;
}

Canvas DrawHeatMap(const std::vector<int64_t>& counts, const HeatMapSpec& spec) {
  const int rows = static_cast<int>(spec.row_labels.size());
  const int columns = static_cast<int>(spec.column_labels.size());
  if (counts.size() != static_cast<size_t>(rows) * columns || spec.cell < 1) {
    throw DataError("a heat map of " + std::to_string(rows) + "x" + std::to_string(columns) +
                    " cells needs as many counts, not " + std::to_string(counts.size()));
  }
  for (int64_t v : counts) {
    if (v < 0) throw DataError("a heat map's counts must not be negative");
  }
  const Layout l = Lay(spec);
  if (static_cast<uint64_t>(l.width) * static_cast<uint64_t>(l.height) > kMaxPngPixels) {
    throw DataError("a heat map of " + std::to_string(rows) + "x" + std::to_string(columns) +
                    " cells is too large to draw");
  }
  Canvas canvas(l.width, l.height, kWhite);
  const int line = Canvas::TextHeight(kLabelScale);
  int y = kGap;
  if (!spec.title.empty()) {
    canvas.Text((l.width - Canvas::TextWidth(spec.title, kTitleScale)) / 2, y, spec.title, kBlack,
                kTitleScale);
    y += Canvas::TextHeight(kTitleScale) + kGap;
  }
  const int grid_w = spec.cell * columns, grid_h = spec.cell * rows;
  canvas.Text(l.grid_x + (grid_w - Canvas::TextWidth(spec.column_axis, kLabelScale)) / 2, y,
              spec.column_axis, kBlack, kLabelScale);
  // Column labels read bottom to top, their ends on the line above the cells.
  for (int c = 0; c < columns; ++c) {
    const int w = Canvas::TextWidth(spec.column_labels[c], kLabelScale);
    canvas.TextUp(l.grid_x + c * spec.cell + (spec.cell - line) / 2, l.grid_y - kGap / 2 - w,
                  spec.column_labels[c], kBlack, kLabelScale);
  }
  canvas.TextUp(kGap, l.grid_y + (grid_h - Canvas::TextWidth(spec.row_axis, kLabelScale)) / 2,
                spec.row_axis, kBlack, kLabelScale);
  for (int r = 0; r < rows; ++r) {
    const int w = Canvas::TextWidth(spec.row_labels[r], kLabelScale);
    canvas.Text(l.grid_x - kGap / 2 - w, l.grid_y + r * spec.cell + (spec.cell - line) / 2,
                spec.row_labels[r], kBlack, kLabelScale);
  }
  for (int r = 0; r < rows; ++r) {
    int64_t total = 0;
    for (int c = 0; c < columns; ++c) total += counts[r * columns + c];
    for (int c = 0; c < columns; ++c) {
      const int64_t v = counts[static_cast<size_t>(r) * columns + c];
      const double share = total ? static_cast<double>(v) / total : 0.0;
      const int x0 = l.grid_x + c * spec.cell, y0 = l.grid_y + r * spec.cell;
      canvas.FillRect(x0, y0, spec.cell, spec.cell, HeatColor(share));
      // The count, in the largest text that fits, white on the dark cells.
      const std::string text = std::to_string(v);
      int scale = 2;
      while (scale > 1 && Canvas::TextWidth(text, scale) > spec.cell - 4) --scale;
      if (Canvas::TextWidth(text, scale) > spec.cell - 2) continue;  // too small a cell for it
      canvas.Text(x0 + (spec.cell - Canvas::TextWidth(text, scale)) / 2,
                  y0 + (spec.cell - Canvas::TextHeight(scale)) / 2, text,
                  share > 0.5 ? kWhite : kBlack, scale);
    }
  }
  // A thin frame around the cells.
  canvas.Line(l.grid_x - 1, l.grid_y - 1, l.grid_x + grid_w, l.grid_y - 1, kBlack);
  canvas.Line(l.grid_x - 1, l.grid_y + grid_h, l.grid_x + grid_w, l.grid_y + grid_h, kBlack);
  canvas.Line(l.grid_x - 1, l.grid_y - 1, l.grid_x - 1, l.grid_y + grid_h, kBlack);
  canvas.Line(l.grid_x + grid_w, l.grid_y - 1, l.grid_x + grid_w, l.grid_y + grid_h, kBlack);
  return canvas;
}

}  // namespace tinymlp
