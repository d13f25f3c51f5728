// The checkpoint file: a training run's whole state at a step, so that the run can stop and go
// on later to exactly the bits it would have reached without stopping. Not a model file (that is
// engine/io/model_file.h, which holds only what inference needs); a checkpoint is read back only
// by the same tinymlp run that wrote it.
//
// Layout (every number little-endian; every count a u64, checked against the bytes left before
// anything is allocated):
//
//   offset  field
//   0       magic "TMCK", u32 format version (1)
//   8       u64 run key (the caller's fingerprint of the run's settings)
//           u64 total steps, u64 batch, u64 seed, u64 optimizer (0 sgd .. 3 adam)
//           u64 input D, u64 classes K, u64 flags (bit 0: batch norm), u64 h, u64 width x h
//           u64 step, u64 cursor, u64 shuffle stream, u64 augment stream, u64 dropout stream,
//           u64 batch norm started (0/1), u64 optimizer updates, f64 b1^t, f64 b2^t
//           u64 n, f32 params[n]; u64 n, f32 moment1[n]; u64 n, f32 moment2[n];
//           u64 n, f32 running[n]; u64 n, i32 order[n]
//           u64 rows, per row: u64 step, f64 epoch, f32 eta, f64 x 6 (train then validation:
//           loss, cost, accuracy)
//           f64 seconds trained so far (information only: it never changes a number)
//   end-4   u32 CRC-32 of every byte before it
//
// The reader (DecodeCheckpoint) takes bytes, so a fuzzer can call it, and refuses anything it
// would not have written: a wrong magic, version or CRC, a count beyond the bytes left or the
// model format's limits, a cursor or step out of range, an order that is not a permutation,
// NaN or infinite numbers, metrics rows out of order, trailing bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/mlp.h"
#include "engine/model/optimizer.h"
#include "engine/train/trainer.h"

namespace tinymlp {

constexpr uint32_t kCheckpointFormatVersion = 1;
constexpr int kCheckpointMetricsRowBytes = 8 + 8 + 4 + 6 * 8;  // one metrics row's encoding
// The largest checkpoint: Adam's three blocks of the model format's largest network (with some
// room for column padding) plus the training order and metrics.
constexpr uint64_t kCheckpointMaxBytes = (uint64_t{3} << 30) + (uint64_t{64} << 20);

struct Checkpoint {
  uint64_t run_key = 0;  // whatever the caller uses to tell runs apart (a hash of the settings)
  long total_steps = 0;
  int batch = 0;
  uint64_t seed = 0;
  OptimizerKind optimizer = OptimizerKind::kSgd;
  MlpShape shape;  // dropout is not stored (it is in the run key)
  TrainerState trainer;
  std::vector<MetricsRow> metrics;  // every metrics point so far
  double seconds = 0;               // training time so far, evaluations included
};

// The encoded size of `c`.
uint64_t CheckpointBytes(const Checkpoint& c);
// Encodes `c` into *bytes (resized; a buffer already large enough is not reallocated).
void EncodeCheckpoint(const Checkpoint& c, std::vector<uint8_t>* bytes);
// Throws DataError naming `name` on anything not written by EncodeCheckpoint (see above).
Checkpoint DecodeCheckpoint(const uint8_t* data, size_t size, const std::string& name);

// Reads and decodes the file at `path` (DataError naming it when missing or invalid).
Checkpoint ReadCheckpoint(const std::string& path);

}  // namespace tinymlp
