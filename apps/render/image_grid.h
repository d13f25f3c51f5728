// A grid of small colour images (32x32 CIFAR-10-shaped: planar R, G, B, each row-major), each
// stretched to its own value range, enlarged without smoothing and labelled underneath: the
// weight pictures of `tinymlp weights`.
#pragma once

#include <string>
#include <vector>

#include "apps/render/canvas.h"

namespace tinymlp {

struct ImageTile {
  std::vector<float> planes;  // 3 * side * side values: all red, then green, then blue
  std::string label;
};

struct ImageGridSpec {
  std::string title;
  int side = 32;  // tile width and height in image pixels
  int zoom = 4;   // each image pixel becomes zoom x zoom canvas pixels
  int columns = 10;
};

// Maps a tile's values linearly so its minimum is 0 and its maximum 255 (a constant tile is
// mid grey). Returns side*side RGB triples, row-major.
std::vector<uint8_t> TileToRgb(const std::vector<float>& planes, int side);

// Throws DataError when the grid would have more than kMaxPngPixels (png.h): checked before the
// canvas is allocated.
Canvas DrawImageGrid(const std::vector<ImageTile>& tiles, const ImageGridSpec& spec);

// The most tiles a grid of `spec` (with spec.columns columns) holds within kMaxPngPixels.
int MaxGridTiles(const ImageGridSpec& spec);

// Where tile i's image starts on the canvas (top-left), for tests.
void TileOrigin(const ImageGridSpec& spec, const std::string& title, int i, int* x, int* y);

}  // namespace tinymlp
