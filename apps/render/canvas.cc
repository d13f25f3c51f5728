#include "apps/render/canvas.h"

#include <algorithm>
#include <cmath>

// stb_easy_font defines every function static; some of them go unused here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_easy_font.h>
#pragma GCC diagnostic pop

namespace tinymlp {
namespace {

std::string Printable(const std::string& text) {
  std::string out = text;
  for (char& ch : out) {
    if (ch != '\n' && (ch < 32 || ch > 126)) ch = '?';
  }
  return out;
}

// Calls fn(x, y, w, h) for each rectangle (in font pixels) that stb_easy_font draws for text.
template <typename Fn>
void ForEachGlyphRect(const std::string& text, Fn fn) {
  std::string s = Printable(text);
  // 4 vertices of 16 bytes per quad; no glyph has more than 16 segments.
  std::vector<char> buffer(64 * 16 * (s.size() + 1));
  const int quads =
      stb_easy_font_print(0, 0, s.data(), nullptr, buffer.data(), static_cast<int>(buffer.size()));
  for (int q = 0; q < quads; ++q) {
    const float* v0 = reinterpret_cast<const float*>(buffer.data() + q * 64);
    const float* v2 = reinterpret_cast<const float*>(buffer.data() + q * 64 + 32);
    const int x0 = static_cast<int>(std::lround(v0[0])), y0 = static_cast<int>(std::lround(v0[1]));
    const int x1 = static_cast<int>(std::lround(v2[0])), y1 = static_cast<int>(std::lround(v2[1]));
    fn(x0, y0, x1 - x0, y1 - y0);
  }
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background)
    : width_(std::max(1, width)), height_(std::max(1, height)) {
  ResetClip();
  pixels_.resize(static_cast<size_t>(width_) * height_ * 3);
  for (size_t i = 0; i < pixels_.size(); i += 3) {
    pixels_[i] = background.r;
    pixels_[i + 1] = background.g;
    pixels_[i + 2] = background.b;
  }
}

void Canvas::SetClip(int x, int y, int w, int h) {
  clip_x0_ = std::max(0, x);
  clip_y0_ = std::max(0, y);
  clip_x1_ = std::min(width_, x + w);
  clip_y1_ = std::min(height_, y + h);
}

void Canvas::Set(int x, int y, Rgb c) {
  if (x < clip_x0_ || y < clip_y0_ || x >= clip_x1_ || y >= clip_y1_) return;
  uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

Rgb Canvas::At(int x, int y) const {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return {};
  const uint8_t* p = &pixels_[(static_cast<size_t>(y) * width_ + x) * 3];
  return {p[0], p[1], p[2]};
}

void Canvas::FillRect(int x, int y, int w, int h, Rgb c) {
  const int x0 = std::max(0, x), y0 = std::max(0, y);
  const int x1 = std::min(width_, x + w), y1 = std::min(height_, y + h);
  for (int yy = y0; yy < y1; ++yy) {
    for (int xx = x0; xx < x1; ++xx) Set(xx, yy, c);
  }
}

void Canvas::Line(double x0, double y0, double x1, double y1, Rgb c, int thickness) {
  // Walks the longer axis one pixel at a time and stamps a thickness x thickness square.
  const double dx = x1 - x0, dy = y1 - y0;
  const int steps = static_cast<int>(std::ceil(std::max(std::fabs(dx), std::fabs(dy))));
  const int before = (thickness - 1) / 2;
  for (int i = 0; i <= steps; ++i) {
    const double t = steps == 0 ? 0.0 : double(i) / steps;
    const int x = static_cast<int>(std::lround(x0 + t * dx));
    const int y = static_cast<int>(std::lround(y0 + t * dy));
    FillRect(x - before, y - before, thickness, thickness, c);
  }
}

void Canvas::Blit(const Canvas& other, int x, int y) {
  for (int yy = 0; yy < other.height(); ++yy) {
    for (int xx = 0; xx < other.width(); ++xx) Set(x + xx, y + yy, other.At(xx, yy));
  }
}

void Canvas::Text(int x, int y, const std::string& text, Rgb c, int scale) {
  ForEachGlyphRect(text, [&](int gx, int gy, int gw, int gh) {
    FillRect(x + gx * scale, y + gy * scale, gw * scale, gh * scale, c);
  });
}

void Canvas::TextUp(int x, int y, const std::string& text, Rgb c, int scale) {
  // Font pixel (gx, gy) goes to (gy, width - 1 - gx): a quarter turn counter-clockwise.
  const int w = TextWidth(text, 1);
  ForEachGlyphRect(text, [&](int gx, int gy, int gw, int gh) {
    FillRect(x + gy * scale, y + (w - gx - gw) * scale, gh * scale, gw * scale, c);
  });
}

int Canvas::TextWidth(const std::string& text, int scale) {
  std::string s = Printable(text);
  return stb_easy_font_width(s.data()) * scale;
}

int Canvas::TextHeight(int scale) { return 10 * scale; }

}  // namespace tinymlp
