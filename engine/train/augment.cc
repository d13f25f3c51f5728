#include "engine/train/augment.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>

#include "engine/io/cifar10.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

constexpr int kMaxTranslate = 8;

[[noreturn]] void BadAugment(const std::string& text, const std::string& why) {
  throw UsageError("'" + text + "' " + why +
                   " (expected none, or a comma list of flip, translate, translate:N with N in "
                   "1.." +
                   std::to_string(kMaxTranslate) + ")");
}

}  // namespace

AugmentConfig ParseAugment(const std::string& text) {
  AugmentConfig config;
  if (text == "none" || text.empty()) return config;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item == "flip") {
      config.flip = true;
    } else if (item == "translate") {
      config.translate = 3;
    } else if (item.rfind("translate:", 0) == 0) {
      const std::string number = item.substr(10);
      char* end = nullptr;
      const long n = number.empty() ? 0 : std::strtol(number.c_str(), &end, 10);
      if (number.empty() || *end != '\0' || n < 1 || n > kMaxTranslate) {
        BadAugment(text, "has a translation of '" + number + "' pixels");
      }
      config.translate = static_cast<int>(n);
    } else {
      BadAugment(text, "has an unknown item '" + item + "'");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return config;
}

ImageTransform RandomTransform(const AugmentConfig& config, Rng& rng) {
  ImageTransform t;
  if (config.flip) t.flip = static_cast<int8_t>(rng.Below(2));
  if (config.translate > 0) {
    const uint32_t span = 2 * config.translate + 1;
    t.dx = static_cast<int8_t>(static_cast<int>(rng.Below(span)) - config.translate);
    t.dy = static_cast<int8_t>(static_cast<int>(rng.Below(span)) - config.translate);
  }
  return t;
}

namespace {

// dst[k] = (src[k] - mean[k]) * inv_std[k] for k < n: the uint8 -> float normalization of a run
// of pixels. Restrict-qualified so the compiler vectorizes it.
inline void NormalizeRun(const uint8_t* __restrict src, const float* __restrict mean,
                         const float* __restrict inv_std, float* __restrict dst, int n) {
  for (int k = 0; k < n; ++k) dst[k] = (static_cast<float>(src[k]) - mean[k]) * inv_std[k];
}

}  // namespace

void GatherNormalizeAugment(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, const ImageTransform* transforms, Mat x) {
  constexpr int S = kImageSide;
  assert(x.rows == kImageDim);
  for (int j = 0; j < x.cols; ++j) {
    const uint8_t* image = pixels + static_cast<size_t>(index[j]) * kImageDim;
    const ImageTransform t = transforms[j];
    float* out = x.col(j);
    // Output columns q in [q0, q1) read source column q - dx (of the mirrored row if flip).
    const int q0 = std::max(0, int(t.dx)), q1 = std::min(S, S + t.dx);
    for (int c = 0; c < 3; ++c) {
      for (int r = 0; r < S; ++r) {
        float* dst = out + c * S * S + r * S;
        const int sr = r - t.dy;
        if (sr < 0 || sr >= S || q0 >= q1) {
          std::fill(dst, dst + S, 0.0f);
          continue;
        }
        const int at = c * S * S + sr * S;  // the source row
        std::fill(dst, dst + q0, 0.0f);
        if (!t.flip) {
          const int k0 = q0 - t.dx;
          NormalizeRun(image + at + k0, mean + at + k0, inv_std + at + k0, dst + q0, q1 - q0);
        } else {
          float row[S], mirrored[S];
          NormalizeRun(image + at, mean + at, inv_std + at, row, S);
          for (int k = 0; k < S; ++k) mirrored[k] = row[S - 1 - k];
          std::memcpy(dst + q0, mirrored + q0 - t.dx, sizeof(float) * (q1 - q0));
        }
        std::fill(dst + q1, dst + S, 0.0f);
      }
    }
  }
}

void GatherNormalizeAugmentReference(const uint8_t* pixels, const int32_t* index, const float* mean,
                                     const float* inv_std, const ImageTransform* transforms,
                                     Mat x) {
  constexpr int S = kImageSide;
  assert(x.rows == kImageDim);
  for (int j = 0; j < x.cols; ++j) {
    const uint8_t* image = pixels + static_cast<size_t>(index[j]) * kImageDim;
    const ImageTransform t = transforms[j];
    float* out = x.col(j);
    std::fill(out, out + kImageDim, 0.0f);
    // Output columns q in [q0, q1) read source column q - dx (mirrored if flip).
    const int q0 = std::max(0, int(t.dx)), q1 = std::min(S, S + t.dx);
    for (int c = 0; c < 3; ++c) {
      for (int r = std::max(0, int(t.dy)); r < std::min(S, S + t.dy); ++r) {
        const int src_row = c * S * S + (r - t.dy) * S;
        const uint8_t* src = image + src_row;
        const float* m = mean + src_row;
        const float* s = inv_std + src_row;
        float* dst = out + c * S * S + r * S;
        if (!t.flip) {
          for (int q = q0; q < q1; ++q) {
            const int k = q - t.dx;
            dst[q] = (float(src[k]) - m[k]) * s[k];
          }
        } else {
          for (int q = q0; q < q1; ++q) {
            const int k = S - 1 - (q - t.dx);
            dst[q] = (float(src[k]) - m[k]) * s[k];
          }
        }
      }
    }
  }
}

}  // namespace tinymlp
