#include "apps/tinymlp/image_input.h"

#include <cstring>
#include <memory>

#include "apps/tinymlp/image_header.h"
#include "platform/error.h"
#include "platform/files.h"

// The one translation unit that compiles stb_image. Only the two decoders predict accepts, to
// keep the Pi binary small and the attack surface of untrusted files narrow.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_FAILURE_USERMSG
// stb_image.h (Debian 2.27) sets a variable it never reads; that is not ours to fix.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace tinymlp {
namespace {

struct StbiDeleter {
  void operator()(unsigned char* p) const { stbi_image_free(p); }
};

}  // namespace

bool LooksLikeImage(const std::vector<uint8_t>& bytes) {
  // By signature rather than by stbi_info, so a damaged PNG is reported as a damaged image.
  static const uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static const uint8_t kJpeg[3] = {0xff, 0xd8, 0xff};
  return (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) ||
         (bytes.size() >= 3 && std::memcmp(bytes.data(), kJpeg, 3) == 0);
}

std::vector<uint8_t> DecodeImage32(const std::vector<uint8_t>& bytes, const std::string& name) {
  // The structure and size first (image_header.h): what stb_image 2.27 would mishandle is
  // refused, and nothing is decoded or allocated for an image of the wrong size.
  const ImageHeader header = ReadImageHeader(bytes, name);
  const char* format = header.format == ImageFormat::kJpeg ? "JPEG" : "PNG";
  if (header.width != kImageSide || header.height != kImageSide) {
    throw DataError(name + ": image is " + std::to_string(header.width) + "x" +
                    std::to_string(header.height) +
                    " pixels; predict needs 32x32 (the CIFAR-10 size), resize it first");
  }
  const std::vector<uint8_t>& stb_bytes = header.cleaned.empty() ? bytes : header.cleaned;
  constexpr int kRgb = 3;
  int w = 0, h = 0, comp = 0;
  std::unique_ptr<unsigned char, StbiDeleter> rgb(stbi_load_from_memory(
      stb_bytes.data(), static_cast<int>(stb_bytes.size()), &w, &h, &comp, kRgb));
  if (!rgb) {
    throw DataError(name + ": cannot decode the " + format + " image (" + stbi_failure_reason() +
                    ")");
  }
  if (w != kImageSide || h != kImageSide) {  // the header walk and stb_image disagree
    throw DataError(name + ": the " + std::string(format) + " image decodes to " +
                    std::to_string(w) + "x" + std::to_string(h) + " pixels, not 32x32");
  }
  std::vector<uint8_t> planar(kImageDim);
  InterleavedToPlanar(rgb.get(), planar.data());  // as in a CIFAR-10 record
  return planar;
}

PredictInput ReadPredictInput(const std::string& path) {
  // A 32x32 image is small; a batch file is at most kMaxImagesPerBatchFile records.
  const std::vector<uint8_t> bytes = ReadFileBytes(
      path, uint64_t{kMaxImagesPerBatchFile} * kRecordBytes, "predict input (image or batch file)");
  return ParsePredictInput(bytes, path);
}

PredictInput ParsePredictInput(const std::vector<uint8_t>& bytes, const std::string& path) {
  PredictInput input;
  input.path = path;
  if (bytes.empty()) throw DataError(path + ": empty file, expected an image or a batch file");
  if (LooksLikeImage(bytes)) {
    input.is_image = true;
    input.data.pixels = DecodeImage32(bytes, path);
    input.data.labels.assign(1, 0);
    return input;
  }
  if (bytes.size() % kRecordBytes != 0) {
    throw DataError(path + ": neither a PNG/JPEG image nor a CIFAR-10 batch file (" +
                    std::to_string(bytes.size()) + " bytes is not a multiple of the " +
                    std::to_string(kRecordBytes) + "-byte record)");
  }
  input.data = ParseBatch(bytes, path);
  return input;
}

}  // namespace tinymlp
