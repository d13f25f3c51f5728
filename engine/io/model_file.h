// The .tmlp model file: everything needed to run a trained network, the same bytes on every
// architecture (all fields explicitly little-endian).
//
//   offset  field
//   0       magic "TMLP"
//   4       u32 format version (1)
//   8       u32 input dimension D, u32 classes K, u32 hidden-layer count h, u32 width x h
//   ...     u32 flags: bit 0 = batch normalization (other bits must be 0)
//   ...     f32 mean[D], f32 inv_std[D]      the normalization of the training split
//   ...     per layer l: f32 W_l[out x in] column-major, f32 b_l[out] (zeros for a batch-norm
//           layer, which has no bias: beta takes its place)
//   ...     with flags bit 0, per hidden layer l: f32 gamma_l[out], beta_l[out],
//           running_mean_l[out], running_var_l[out]
//   end-4   u32 CRC-32 of every byte before it
//
// The batch-norm section was added without a version bump: files without batch norm are byte for
// byte what version 1 always wrote, and a reader that predates the section rejects flags != 0
// with a clear error instead of misreading the file.
//
// Files are written to a temporary name and renamed (platform/files.h), so a reader sees the
// old file or the whole new one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/cifar10.h"
#include "engine/model/mlp.h"

namespace tinymlp {

constexpr uint32_t kModelFormatVersion = 1;
constexpr uint32_t kModelFlagBatchNorm = 1;

struct Model {
  MlpShape shape;
  Normalization norm;
  std::vector<std::vector<float>> w;  // per layer, out x in, dense column-major
  std::vector<std::vector<float>> b;  // per layer, out (zeros for a batch-norm layer)
  // Per hidden layer, out entries each, when shape.batch_norm; empty otherwise.
  std::vector<std::vector<float>> gamma, beta, running_mean, running_var;

  static Model FromNetwork(const Mlp<float>& net, const Normalization& norm);
  // Copies the weights into net, whose shape must equal this model's.
  void CopyInto(Mlp<float>& net) const;
};

std::vector<uint8_t> EncodeModel(const Model& model);
// Throws DataError naming `name` when the bytes are not a valid model: wrong magic or version,
// implausible sizes, cut short or too long (a batch-norm section missing), CRC mismatch.
Model DecodeModel(const std::vector<uint8_t>& bytes, const std::string& name);

void SaveModel(const std::string& path, const Model& model);
Model LoadModel(const std::string& path);

}  // namespace tinymlp
