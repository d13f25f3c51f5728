#include "apps/render/image_grid.h"

#include <algorithm>
#include <cmath>

#include "apps/render/png.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

constexpr int kTitleScale = 3;
constexpr int kLabelScale = 2;
constexpr int kGap = 14;

int TitleHeight(const std::string& title) {
  return title.empty() ? 0 : Canvas::TextHeight(kTitleScale) + kGap;
}
int CellWidth(const ImageGridSpec& s) { return s.side * s.zoom + kGap; }
int CellHeight(const ImageGridSpec& s) {
  return s.side * s.zoom + 6 + Canvas::TextHeight(kLabelScale) + kGap;
}

}  // namespace

std::vector<uint8_t> TileToRgb(const std::vector<float>& planes, int side) {
  const int n = side * side;
  float lo = planes.empty() ? 0.0f : planes[0], hi = lo;
  for (int i = 0; i < 3 * n && i < static_cast<int>(planes.size()); ++i) {
    lo = std::min(lo, planes[i]);
    hi = std::max(hi, planes[i]);
  }
  std::vector<uint8_t> rgb(3 * n, 128);
  if (static_cast<int>(planes.size()) < 3 * n || !(hi > lo)) return rgb;
  const float scale = 255.0f / (hi - lo);
  for (int p = 0; p < n; ++p) {
    for (int ch = 0; ch < 3; ++ch) {
      const float v = (planes[ch * n + p] - lo) * scale;
      rgb[3 * p + ch] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 255.0f)));
    }
  }
  return rgb;
}

int MaxGridTiles(const ImageGridSpec& spec) {
  const int columns = std::max(1, spec.columns);
  const uint64_t width = static_cast<uint64_t>(std::max(
      kGap + columns * CellWidth(spec), Canvas::TextWidth(spec.title, kTitleScale) + 2 * kGap));
  const uint64_t height = kMaxPngPixels / width;
  const uint64_t head = kGap + TitleHeight(spec.title);
  if (height <= head) return 0;
  const uint64_t rows = (height - head) / CellHeight(spec);
  return static_cast<int>(std::min<uint64_t>(rows * columns, 1u << 30));
}

void TileOrigin(const ImageGridSpec& spec, const std::string& title, int i, int* x, int* y) {
  *x = kGap + (i % spec.columns) * CellWidth(spec);
  *y = kGap + TitleHeight(title) + (i / spec.columns) * CellHeight(spec);
}

Canvas DrawImageGrid(const std::vector<ImageTile>& tiles, const ImageGridSpec& spec) {
  const int count = static_cast<int>(tiles.size());
  const int columns = std::max(1, std::min(spec.columns, std::max(count, 1)));
  ImageGridSpec s = spec;
  s.columns = columns;
  const int rows = (count + columns - 1) / columns;
  int width = kGap + columns * CellWidth(s);
  width = std::max(width, Canvas::TextWidth(spec.title, kTitleScale) + 2 * kGap);
  const int64_t tall = kGap + TitleHeight(spec.title) + int64_t{std::max(rows, 1)} * CellHeight(s);
  if (static_cast<uint64_t>(width) * tall > kMaxPngPixels) {
    throw DataError("a grid of " + std::to_string(count) + " images in " + std::to_string(columns) +
                    " columns is " + std::to_string(width) + "x" + std::to_string(tall) +
                    " pixels, more than the " + std::to_string(kMaxPngPixels) +
                    " a PNG may have (fewer columns or a " + "smaller zoom?)");
  }
  const int height = static_cast<int>(tall);
  Canvas c(width, height, kWhite);
  if (!spec.title.empty()) {
    c.Text((width - Canvas::TextWidth(spec.title, kTitleScale)) / 2, kGap, spec.title, kBlack,
           kTitleScale);
  }
  for (int i = 0; i < count; ++i) {
    int x0, y0;
    TileOrigin(s, spec.title, i, &x0, &y0);
    const std::vector<uint8_t> rgb = TileToRgb(tiles[i].planes, s.side);
    for (int y = 0; y < s.side; ++y) {
      for (int x = 0; x < s.side; ++x) {
        const uint8_t* p = &rgb[3 * (y * s.side + x)];
        c.FillRect(x0 + x * s.zoom, y0 + y * s.zoom, s.zoom, s.zoom, {p[0], p[1], p[2]});
      }
    }
    const std::string& label = tiles[i].label;
    const int tile_w = s.side * s.zoom;
    c.Text(x0 + (tile_w - Canvas::TextWidth(label, kLabelScale)) / 2, y0 + tile_w + 6, label,
           kBlack, kLabelScale);
  }
  return c;
}

}  // namespace tinymlp
