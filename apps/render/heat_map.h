// A labelled heat map of a matrix of counts: the confusion matrix of `tinymlp eval --per-class
// --plot` and of the report. Each cell is shaded by its share of its row (so a class with fewer
// images is not paler) and shows its count; rows and columns carry labels and axis names.
// Draws on a Canvas only; png.h writes it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/render/canvas.h"

namespace tinymlp {

struct HeatMapSpec {
  std::string title;
  std::string row_axis = "true class";     // written up the left side
  std::string column_axis = "predicted";   // written across the top
  std::vector<std::string> row_labels;     // one per row
  std::vector<std::string> column_labels;  // one per column
  int cell = 44;                           // cell width and height in pixels
};

// The shade of a cell holding `share` (0 to 1) of its row: white to dark blue.
Rgb HeatColor(double share);

// `counts` is rows x columns, row-major (counts[r * columns + c]); rows and columns are the sizes
// of spec.row_labels and spec.column_labels. Throws DataError when counts has another size, a
// count is negative, or the picture would exceed kMaxPngPixels.
Canvas DrawHeatMap(const std::vector<int64_t>& counts, const HeatMapSpec& spec);

// Where cell (r, c) starts on the canvas DrawHeatMap draws (top-left corner), for tests.
void HeatMapCellOrigin(const HeatMapSpec& spec, int r, int c, int* x, int* y);

}  // namespace tinymlp
