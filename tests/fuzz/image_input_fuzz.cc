// Fuzz target: predict's input reader (apps/tinymlp/image_input.h) on the bytes of a file: a
// PNG or JPEG through stb_image, or a CIFAR-10 batch. Whatever it accepts is whole images.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "apps/tinymlp/image_input.h"
#include "platform/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  try {
    const tinymlp::PredictInput input = tinymlp::ParsePredictInput(bytes, "fuzz.png");
    const size_t images = input.data.labels.size();
    if (images == 0 || input.data.pixels.size() != images * tinymlp::kImageDim) std::abort();
  } catch (const tinymlp::Error&) {
  }
  return 0;
}
