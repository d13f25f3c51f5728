// The picture code: canvas primitives, PNG encoding (decoded back with stb_image), line charts
// (curves land on the pixels the data maps to) and image grids.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "apps/render/canvas.h"
#include "apps/render/image_grid.h"
#include "apps/render/line_chart.h"
#include "apps/render/png.h"
#include "tests/util/stb_image_impl.h"

namespace tinymlp {
namespace {

int CountColor(const Canvas& c, Rgb color, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) n += c.At(x, y) == color;
  }
  return n;
}

TEST(Canvas, SetClipsAndFillsRectangles) {
  Canvas c(10, 8, kWhite);
  EXPECT_EQ(c.pixels().size(), 10u * 8 * 3);
  c.Set(-1, 0, kBlack);  // outside: ignored, no crash
  c.Set(10, 8, kBlack);
  EXPECT_EQ(CountColor(c, kBlack, 0, 0, 9, 7), 0);
  c.FillRect(8, 6, 5, 5, kBlack);  // clipped to 2 x 2
  EXPECT_EQ(CountColor(c, kBlack, 0, 0, 9, 7), 4);
  EXPECT_EQ(c.At(9, 7), kBlack);
  EXPECT_EQ(c.At(7, 7), kWhite);
}

TEST(Canvas, LineCoversBothEndsAndThePixelsBetween) {
  Canvas c(50, 50, kWhite);
  const Rgb red{255, 0, 0};
  c.Line(5, 10, 40, 30, red, 1);
  EXPECT_EQ(c.At(5, 10), red);
  EXPECT_EQ(c.At(40, 30), red);
  // One pixel per column along the longer (x) axis, no gaps.
  for (int x = 5; x <= 40; ++x) EXPECT_GE(CountColor(c, red, x, 0, x, 49), 1) << "x=" << x;
  EXPECT_EQ(CountColor(c, red, 0, 0, 49, 49), 36);
  EXPECT_EQ(c.At(5, 30), kWhite);
}

TEST(Canvas, TextStaysInsideItsBox) {
  Canvas c(200, 60, kWhite);
  const std::string text = "loss 0.25";
  const int w = Canvas::TextWidth(text, 2), h = Canvas::TextHeight(2);
  ASSERT_GT(w, 0);
  c.Text(10, 5, text, kBlack, 2);
  const int inside = CountColor(c, kBlack, 10, 5, 10 + w - 1, 5 + h - 1);
  EXPECT_GT(inside, 50);
  EXPECT_EQ(CountColor(c, kBlack, 0, 0, 199, 59), inside);
  // Turned text: the box is h wide and w tall.
  Canvas up(60, 200, kWhite);
  up.TextUp(5, 10, text, kBlack, 2);
  const int inside_up = CountColor(up, kBlack, 5, 10, 5 + h - 1, 10 + w - 1);
  EXPECT_EQ(inside_up, inside);
  EXPECT_EQ(CountColor(up, kBlack, 0, 0, 59, 199), inside_up);
}

TEST(Png, DecodesToTheSamePixels) {
  Canvas c(37, 21, {10, 20, 30});
  c.FillRect(3, 4, 10, 5, {200, 100, 50});
  c.Set(36, 20, {1, 2, 3});
  const std::vector<uint8_t> png = EncodePng(c);
  ASSERT_GT(png.size(), 24u);
  const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(signature, signature + 8, png.begin()));
  int w = 0, h = 0, channels = 0;
  uint8_t* decoded =
      stbi_load_from_memory(png.data(), static_cast<int>(png.size()), &w, &h, &channels, 3);
  ASSERT_NE(decoded, nullptr);
  EXPECT_EQ(w, 37);
  EXPECT_EQ(h, 21);
  EXPECT_EQ(channels, 3);
  EXPECT_TRUE(std::equal(c.pixels().begin(), c.pixels().end(), decoded));
  stbi_image_free(decoded);
}

TEST(NiceTicks, CoverTheRangeWithRoundSteps) {
  struct Case {
    double lo, hi;
  };
  for (const Case& r : {Case{0, 1}, Case{1.49, 3.02}, Case{1e-5, 0.1}, Case{0, 5880},
                        Case{-2.5, -1.0}, Case{0.3, 0.55}}) {
    double step = 0;
    const std::vector<double> t = NiceTicks(r.lo, r.hi, 6, &step);
    ASSERT_GE(t.size(), 2u);
    EXPECT_LE(t.front(), r.lo + 1e-12);
    EXPECT_GE(t.back(), r.hi - 1e-12);
    EXPECT_LE(t.size(), 13u);
    const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    EXPECT_TRUE(std::fabs(mantissa - 1) < 1e-6 || std::fabs(mantissa - 2) < 1e-6 ||
                std::fabs(mantissa - 5) < 1e-6)
        << "step " << step;
    for (size_t i = 1; i < t.size(); ++i) EXPECT_NEAR(t[i] - t[i - 1], step, step * 1e-6);
  }
  EXPECT_EQ(TickLabel(0.25, 0.05), "0.25");
  EXPECT_EQ(TickLabel(2000, 1000), "2000");
  EXPECT_EQ(TickLabel(0.5, 0.5), "0.5");
  EXPECT_EQ(TickLabel(0.0, 2e-4), "0");
  EXPECT_EQ(TickLabel(6e-4, 2e-4), "6.0e-04");
  EXPECT_EQ(TickLabel(2e40, 1e40), "2.0e+40");  // was 41 digits cut to 31
  EXPECT_EQ(TickLabel(-3e15, 1e15), "-3.0e+15");
}

TEST(LineChart, CurvesAreDrawnWhereTheDataSays) {
  ChartSpec spec;
  spec.title = "test chart";
  spec.x_label = "step";
  spec.y_label = "value";
  Series s{"data", {0, 100, 200, 300, 400}, {2.0, 1.4, 1.1, 1.6, 0.9}, {200, 30, 40}};
  spec.series = {s};
  const Canvas c = DrawLineChart(spec);
  ASSERT_EQ(c.width(), spec.width);
  ASSERT_EQ(c.height(), spec.height);
  const ChartFrame f = LayoutChart(spec);
  EXPECT_LE(f.y_min, 0.9);
  EXPECT_GE(f.y_max, 2.0);
  for (size_t i = 0; i < s.x.size(); ++i) {
    const int x = static_cast<int>(std::lround(f.PixelX(s.x[i])));
    const int y = static_cast<int>(std::lround(f.PixelY(s.y[i])));
    // The vertex itself may sit under the frame at the edges; look one pixel inside.
    const int xi = std::min(std::max(x, f.left + 1), f.right - 1);
    EXPECT_GE(CountColor(c, s.color, xi - 1, y - 1, xi + 1, y + 1), 1) << "point " << i;
    // Midway to the next point, the segment passes through the interpolated pixel.
    if (i + 1 < s.x.size()) {
      const double mx = f.PixelX((s.x[i] + s.x[i + 1]) / 2);
      const double my = f.PixelY((s.y[i] + s.y[i + 1]) / 2);
      EXPECT_GE(CountColor(c, s.color, static_cast<int>(mx) - 1, static_cast<int>(my) - 2,
                           static_cast<int>(mx) + 1, static_cast<int>(my) + 2),
                1)
          << "segment " << i;
    }
  }
  // Far from the data (the plot area's top-left corner region lies above y = 2.0's pixel only
  // if the axis extends past it; the bottom right lies below 0.9 at x = 400 otherwise): no curve
  // colour in a column well away from the line.
  const int x_mid = static_cast<int>(std::lround(f.PixelX(50)));
  const int y_curve = static_cast<int>(std::lround(f.PixelY(1.7)));
  EXPECT_EQ(CountColor(c, s.color, x_mid - 2, f.top + 1, x_mid + 2, y_curve - 10), 0);
  EXPECT_EQ(CountColor(c, s.color, x_mid - 2, y_curve + 10, x_mid + 2, f.bottom - 1), 0);
  // The curve stays inside the plot area, except for the legend's sample line above it.
  EXPECT_EQ(CountColor(c, s.color, 0, f.bottom + 1, c.width() - 1, c.height() - 1), 0);
  EXPECT_EQ(CountColor(c, s.color, f.right + 1, 0, c.width() - 1, c.height() - 1), 0);
  EXPECT_GT(CountColor(c, s.color, 0, 0, c.width() - 1, f.top - 1), 0);  // legend
  // Title text at the top.
  EXPECT_GT(CountColor(c, kBlack, 0, 0, c.width() - 1, 40), 50);
}

TEST(LineChart, SkipsNonFinitePointsAndHandlesAFlatSeries) {
  ChartSpec spec;
  const double nan = std::nan("");
  spec.series = {{"flat", {0, 1, 2, 3}, {0.5, 0.5, nan, 0.5}, {0, 128, 0}}};
  const ChartFrame f = LayoutChart(spec);
  EXPECT_LT(f.y_min, 0.5);
  EXPECT_GT(f.y_max, 0.5);
  const Canvas c = DrawLineChart(spec);
  const int y = static_cast<int>(std::lround(f.PixelY(0.5)));
  const int x15 = static_cast<int>(std::lround(f.PixelX(0.5)));
  const int x25 = static_cast<int>(std::lround(f.PixelX(2.5)));
  EXPECT_GE(CountColor(c, {0, 128, 0}, x15, y - 1, x15, y + 1), 1);
  EXPECT_EQ(CountColor(c, {0, 128, 0}, x25, y - 1, x25, y + 1), 0);  // the gap at the NaN
}

TEST(ImageGrid, TilesAreScaledToTheirOwnRangeAndPlacedInTheGrid) {
  const int side = 4;
  std::vector<float> planes(3 * side * side);
  for (size_t i = 0; i < planes.size(); ++i) planes[i] = -1.0f + 0.01f * i;
  const std::vector<uint8_t> rgb = TileToRgb(planes, side);
  EXPECT_EQ(rgb[0], 0);                            // red plane, first pixel: the minimum
  EXPECT_EQ(rgb[3 * (side * side - 1) + 2], 255);  // blue plane, last pixel: the maximum
  EXPECT_EQ(TileToRgb(std::vector<float>(3 * side * side, 7.0f), side)[5], 128);

  ImageGridSpec spec;
  spec.title = "grid";
  spec.side = side;
  spec.zoom = 3;
  spec.columns = 2;
  std::vector<ImageTile> tiles(3, ImageTile{planes, "t"});
  for (float& v : tiles[2].planes) v = -v;  // reversed ramp
  const Canvas c = DrawImageGrid(tiles, spec);
  for (int i = 0; i < 3; ++i) {
    int x0, y0;
    TileOrigin(spec, spec.title, i, &x0, &y0);
    const std::vector<uint8_t> expect = TileToRgb(tiles[i].planes, side);
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        const uint8_t* p = &expect[3 * (y * side + x)];
        const Rgb want{p[0], p[1], p[2]};
        EXPECT_EQ(c.At(x0 + x * 3, y0 + y * 3), want);
        EXPECT_EQ(c.At(x0 + x * 3 + 2, y0 + y * 3 + 2), want);
      }
    }
  }
  int x2, y2;
  TileOrigin(spec, spec.title, 2, &x2, &y2);
  int x0, y0;
  TileOrigin(spec, spec.title, 0, &x0, &y0);
  EXPECT_EQ(x2, x0);  // third tile starts the second row
  EXPECT_GT(y2, y0 + side * 3);
}

}  // namespace
}  // namespace tinymlp
