// Reading predict's inputs: a 32x32 PNG or JPEG image, or a CIFAR-10 batch file, told apart by
// their contents (not their names). Images are decoded with stb_image and converted to the
// CIFAR-10 layout (three 32x32 planes, red, green, blue), so an image and a batch record go
// through the same normalization. Other image sizes are an error, not resized: a silent resize
// would change what the network sees, so the user does it knowingly with an image tool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/cifar10.h"

namespace tinymlp {

// True when `bytes` start with the PNG or the JPEG signature.
bool LooksLikeImage(const std::vector<uint8_t>& bytes);

// Decodes a PNG or JPEG (grey, grey+alpha, RGB or RGBA; alpha is dropped) into kImageDim bytes in
// CIFAR-10 order. Throws DataError naming `name` when it does not decode or is not 32x32.
std::vector<uint8_t> DecodeImage32(const std::vector<uint8_t>& bytes, const std::string& name);

// Reads `path` as an image (one record, label 0) or as a CIFAR-10 batch file. Throws DataError
// naming the file when it is neither, or is empty.
struct PredictInput {
  std::string path;
  bool is_image = false;
  Dataset data;  // one image, or the batch file's records and labels
};
PredictInput ReadPredictInput(const std::string& path);
// The same on a file's bytes already in memory (ReadPredictInput's second half; the fuzz target
// calls it directly).
PredictInput ParsePredictInput(const std::vector<uint8_t>& bytes, const std::string& path);

}  // namespace tinymlp
