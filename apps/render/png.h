// PNG output for a Canvas, through stb_image_write (the only place that includes its
// implementation). Files go through WriteFileAtomic like every file tinymlp writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/render/canvas.h"

namespace tinymlp {

// The largest image tinymlp encodes: 64 M pixels (8192 x 8192, 192 MB of RGB). stb_image_write
// counts the filtered image, (3 * width + 1) * height bytes, and its compressed output in int;
// past about 2^31 bytes that wraps and it writes out of bounds. This bound stays well clear.
constexpr uint64_t kMaxPngPixels = uint64_t{1} << 26;

// Throws DataError for a canvas of more than kMaxPngPixels.
std::vector<uint8_t> EncodePng(const Canvas& canvas);
// Throws DataError naming `path` if the file cannot be written.
void WritePng(const std::string& path, const Canvas& canvas);

}  // namespace tinymlp
