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
#include "platform/error.h"

namespace tinymlp {

constexpr uint32_t kModelFormatVersion = 1;
constexpr uint32_t kModelFlagBatchNorm = 1;

// The format's limits, one set for the writer and the reader: EncodeModel refuses, and `train`
// rejects before it trains, any network that DecodeModel would reject. The float bound keeps
// every size product far below 2^31 (no count overflows an int or a 32-bit size_t, as on armhf)
// and a model file below 1 GiB; 3072-65536-10 (202 M floats) still fits.
constexpr int kModelMaxHiddenLayers = 64;
constexpr int kModelMaxWidth = 65536;  // the input, each hidden layer and the classes
constexpr uint64_t kModelMaxFloats = uint64_t{1} << 28;
// The largest file those limits allow: header with every hidden width, the floats, the CRC.
constexpr uint64_t kModelMaxFileBytes = 4 * (7 + kModelMaxHiddenLayers) + 4 * kModelMaxFloats;

// Empty when `shape` is within the limits above, else what is wrong ("3 hidden layers ...").
// Every count is computed in 64 bits, whatever the width of size_t.
std::string CheckModelShape(const MlpShape& shape);
// The size of the model file of `shape` (which must pass CheckModelShape), in bytes.
uint64_t ModelFileBytes(const MlpShape& shape);

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

// The file's bytes in memory (tests, fuzzing; SaveModel writes them without this copy). Throws
// DataError when the shape is beyond the limits above or a value is NaN or infinite: the writer
// never writes what the reader would reject; SaveModel throws the same before creating a file.
std::vector<uint8_t> EncodeModel(const Model& model);
// Throws DataError naming `name` when the bytes are not a valid model: wrong magic or version,
// sizes beyond the limits above, cut short or too long (a batch-norm section missing), CRC
// mismatch, a NaN or infinite weight or normalization value.
Model DecodeModel(const std::vector<uint8_t>& bytes, const std::string& name);

// Write the file straight to disk (a temporary renamed over `path`, platform/files.h) through a
// 64 KiB buffer, the CRC computed as it goes: no copy of the weights is made, so saving needs no
// memory beyond the model itself. The second form writes a network's parameters where they sit
// (what Model::FromNetwork would copy), with the normalization it was trained with.
void SaveModel(const std::string& path, const Model& model);
void SaveModel(const std::string& path, const Mlp<float>& net, const Normalization& norm);
Model LoadModel(const std::string& path);

// The error for a model whose class scores are not finite numbers: weights that pass every check
// above yet overflow float arithmetic (a crafted or diverged model). `model` names it, `where`
// (may be empty) says on which input; the Classifier API and `tinymlp eval` give it instead of
// NaN answers.
Error NonFiniteScoresError(const std::string& model, const std::string& where);

}  // namespace tinymlp
