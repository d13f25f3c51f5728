#include "apps/render/png.h"

#include "platform/error.h"
#include "platform/files.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace tinymlp {
namespace {

// stb's deflate at its lowest level, 5 (it raises anything lower to 5), not its default 8: the
// hash chains it searches are 10 entries long, not 16. Weight pictures came out 0.1 % larger,
// and HardeningCli.WeightsOfAWideModelAreDrawnNotCrashed, which writes the two largest, took
// 6.6-7.0 s instead of 10.8. Set once, at start-up: the level is a global that threads writing
// pictures at the same time (a search's jobs) would otherwise race on.
const bool kPngLevelSet = (stbi_write_png_compression_level = 5, true);

}  // namespace

std::vector<uint8_t> EncodePng(const Canvas& canvas) {
  if (static_cast<uint64_t>(canvas.width()) * canvas.height() > kMaxPngPixels) {
    throw DataError("a " + std::to_string(canvas.width()) + "x" + std::to_string(canvas.height()) +
                    " image is too large to write as PNG (at " + "most " +
                    std::to_string(kMaxPngPixels) + " pixels)");
  }
  std::vector<uint8_t> out;
  auto append = [](void* context, void* data, int size) {
    auto* bytes = static_cast<std::vector<uint8_t>*>(context);
    bytes->insert(bytes->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  if (!stbi_write_png_to_func(append, &out, canvas.width(), canvas.height(), 3,
                              canvas.pixels().data(), canvas.width() * 3)) {
    throw DataError("PNG encoding failed for a " + std::to_string(canvas.width()) + "x" +
                    std::to_string(canvas.height()) + " image");
  }
  return out;
}

void WritePng(const std::string& path, const Canvas& canvas) {
  const std::vector<uint8_t> bytes = EncodePng(canvas);
  WriteFileAtomic(path, bytes.data(), bytes.size());
}

}  // namespace tinymlp
