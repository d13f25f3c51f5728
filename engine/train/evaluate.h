// Scoring a network on a whole data set: mean loss, cost and accuracy, computed chunk by chunk
// so memory stays at one chunk of normalized inputs whatever the data set's size.
#pragma once

#include <cstdint>

#include "engine/base/arena.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/model/mlp.h"

namespace tinymlp {

struct Evaluation {
  double loss = 0;      // mean cross-entropy
  double cost = 0;      // loss + lambda * sum W^2
  double accuracy = 0;  // fraction classified correctly
};

// The buffers one forward pass over up to `capacity` images needs besides the network's own:
// which images (index) and their labels. Evaluate and training without augmentation need no
// more: the first layer reads the uint8 images itself (engine/base/image_batch.h). A caller that
// gathers normalized floats first (predict, for instance) asks for x too.
struct BatchBuffers {
  Mat x;                      // gather_rows x capacity: normalized images (empty without)
  int32_t* index = nullptr;   // capacity: which images of the data set
  uint8_t* labels = nullptr;  // capacity
  int capacity = 0;

  BatchBuffers() = default;
  // Carves the buffers from `arena`; x only when gather_rows > 0 (D for CIFAR-10 images).
  // Size with MeasureArena<BatchBuffers>(capacity, gather_rows).
  BatchBuffers(int capacity, int gather_rows, Arena& arena);
};

// net.max_batch() and buffers.capacity are the chunk size; both must be at least 1.
//
// `confusion`, when given, is the caller's classes x classes counts, row-major: entry
// [true_label * classes + predicted] grows by one per image (counts already there are kept, so
// several sets can be summed). The returned Evaluation is the same with or without it.
Evaluation Evaluate(Mlp<float>& net, const Normalization& norm, const Dataset& data, float lambda,
                    BatchBuffers& buffers, int64_t* confusion = nullptr);

// A saved model on `data`, with the network and buffers of one chunk allocated here (an arena of
// its own, freed on return; not for a training step). `confusion` as for Evaluate. Throws
// DataError when the model's input size is not the data's image size.
Evaluation EvaluateModel(const Model& model, const Dataset& data, int64_t* confusion = nullptr);

// Index of the largest of v[0..n).
int ArgMax(const float* v, int n);

}  // namespace tinymlp
