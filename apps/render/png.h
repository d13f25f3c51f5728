// PNG output for a Canvas, through stb_image_write (the only place that includes its
// implementation). Files go through WriteFileAtomic like every file tinymlp writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/render/canvas.h"

namespace tinymlp {

std::vector<uint8_t> EncodePng(const Canvas& canvas);
// Throws DataError naming `path` if the file cannot be written.
void WritePng(const std::string& path, const Canvas& canvas);

}  // namespace tinymlp
