// Canvas: an RGB raster to draw charts and image grids on, with the three primitives they need
// (filled rectangles, thick lines, text). It is the whole "graphics stack" of tinymlp's pictures:
// no anti-aliasing, no fonts to load, integer pixels, so the same data always gives the same bytes.
// It never touches files; png.h encodes a finished canvas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb& o) const { return !(*this == o); }
};

constexpr Rgb kWhite{255, 255, 255};
constexpr Rgb kBlack{0, 0, 0};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = kWhite);

  int width() const { return width_; }
  int height() const { return height_; }
  // width x height x 3 bytes, row-major from the top-left corner: what stb_image_write takes.
  const std::vector<uint8_t>& pixels() const { return pixels_; }

  // Writes outside the canvas (or the clip rectangle, when set) are dropped silently, so callers
  // can draw near the edges.
  void SetClip(int x, int y, int w, int h);
  void ResetClip() { SetClip(0, 0, width_, height_); }
  void Set(int x, int y, Rgb c);
  Rgb At(int x, int y) const;
  void FillRect(int x, int y, int w, int h, Rgb c);
  // A line of `thickness` pixels between two points (pixel centres; fractions are rounded).
  void Line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1);
  // Copies `other` with its top-left corner at (x, y).
  void Blit(const Canvas& other, int x, int y);

  // Text with stb_easy_font's segment glyphs, each font pixel drawn as scale x scale pixels;
  // (x, y) is the top-left corner of the first line. Bytes outside printable ASCII show as '?'.
  void Text(int x, int y, const std::string& text, Rgb c, int scale = 1);
  // The same text turned 90 degrees counter-clockwise (reading bottom to top), for y-axis
  // labels; (x, y) is the top-left corner of the turned text's box.
  void TextUp(int x, int y, const std::string& text, Rgb c, int scale = 1);
  static int TextWidth(const std::string& text, int scale = 1);
  static int TextHeight(int scale = 1);  // one line, descenders included

 private:
  int width_, height_;
  int clip_x0_ = 0, clip_y0_ = 0, clip_x1_ = 0, clip_y1_ = 0;  // [x0, x1) x [y0, y1)
  std::vector<uint8_t> pixels_;
};

}  // namespace tinymlp
