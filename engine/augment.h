// Data augmentation applied while a mini-batch is gathered from the uint8 pixels: random
// horizontal mirroring and random translations, per image, with no augmented copy of the data.
//
// Semantics, for one image with transform {flip, dx, dy} and every channel: the image is
// normalized ((pixel - mean) * inv_std, per source position), mirrored left-right if flip, then
// moved dx pixels right and dy pixels down; positions uncovered by the move are 0 (the mean).
//   out(r, q) = normalized(r - dy, flip ? 31 - (q - dx) : q - dx), or 0 outside the image
//
// Why scalar code (no Highway kernel): it is one pass over the D x B batch, ~3e5 elements per
// step against the ~5e7 multiply-adds of the GEMMs of even the smallest network; the rows of 32
// pixels are written as straight loops over a clamped range so the compiler vectorizes the
// unflipped case. tests/augment_test.cc checks it against GatherNormalize and the formula above.
#pragma once

#include <cstdint>
#include <string>

#include "engine/mat.h"
#include "engine/rng.h"

namespace tinymlp {

struct AugmentConfig {
  bool flip = false;
  int translate = 0;  // largest shift in pixels, each direction; 0 = none
  bool any() const { return flip || translate > 0; }
};

// "none", or a comma list of "flip", "translate" (= translate:3) and "translate:N" (N in 1..8).
// Throws UsageError naming --augment otherwise.
AugmentConfig ParseAugment(const std::string& text);

struct ImageTransform {
  int8_t flip = 0;  // 1: mirror left-right
  int8_t dx = 0;    // shift right (negative: left), |dx| < 32
  int8_t dy = 0;    // shift down (negative: up), |dy| < 32
};

// A random transform drawn from `config` (flip with probability 1/2, dx and dy uniform in
// [-translate, translate]).
ImageTransform RandomTransform(const AugmentConfig& config, Rng& rng);

// GatherNormalize (engine/kernels.h) with transforms[j] applied to column j. x.rows must be the
// CIFAR-10 image size, 3 x 32 x 32 planes.
void GatherNormalizeAugment(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, const ImageTransform* transforms, Mat x);

}  // namespace tinymlp
