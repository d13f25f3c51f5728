// Data augmentation applied while a mini-batch is gathered from the uint8 pixels: random
// horizontal mirroring and random translations, per image, with no augmented copy of the data.
//
// Semantics, for one image with transform {flip, dx, dy} and every channel: the image is
// normalized ((pixel - mean) * inv_std, per source position), mirrored left-right if flip, then
// moved dx pixels right and dy pixels down; positions uncovered by the move are 0 (the mean).
//   out(r, q) = normalized(r - dy, flip ? 31 - (q - dx) : q - dx), or 0 outside the image
//
// Speed (why no Highway kernel): per output row of 32 pixels the work is one contiguous run of
// uint8 -> float normalization at a shifted offset (restrict-qualified, so the compiler
// vectorizes it for the baseline target), or for a mirrored row the same run into a buffer and
// a fixed-length reversal. Measured here, 100 images with flip + translate:3, best of 5:
// 0.23 ms per batch, against 0.04-0.08 ms for the Highway GatherNormalize without augmentation
// and 0.49 ms for the element-by-element formula (the reference below). That is ~15 % of a step
// of the default 50-unit network and < 0.5 % of the wide networks augmentation is for; a
// per-target kernel would save at most those 0.2 ms.
#pragma once

#include <cstdint>
#include <string>

#include "engine/base/mat.h"
#include "engine/base/rng.h"

namespace tinymlp {

struct AugmentConfig {
  bool flip = false;
  int translate = 0;  // largest shift in pixels, each direction; 0 = none
  bool any() const { return flip || translate > 0; }
};

// "none", or a comma list of "flip", "translate" (= translate:3) and "translate:N" (N in 1..8).
// Otherwise throws a UsageError that says what is wrong with the text (the command line adds the
// flag that carried it).
AugmentConfig ParseAugment(const std::string& text);

struct ImageTransform {
  int8_t flip = 0;  // 1: mirror left-right
  int8_t dx = 0;    // shift right (negative: left), |dx| < 32
  int8_t dy = 0;    // shift down (negative: up), |dy| < 32
};

// A random transform drawn from `config` (flip with probability 1/2, dx and dy uniform in
// [-translate, translate]).
ImageTransform RandomTransform(const AugmentConfig& config, Rng& rng);

// GatherNormalize (engine/ops/gather.h) with transforms[j] applied to column j. x.rows must be the
// CIFAR-10 image size, 3 x 32 x 32 planes.
void GatherNormalizeAugment(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, const ImageTransform* transforms, Mat x);
// The same, element by element from the formula above: slow on purpose, for the tests.
void GatherNormalizeAugmentReference(const uint8_t* pixels, const int32_t* index, const float* mean,
                                     const float* inv_std, const ImageTransform* transforms, Mat x);

}  // namespace tinymlp
