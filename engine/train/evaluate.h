// Scoring a network on a whole data set: mean loss, cost and accuracy, computed chunk by chunk
// so memory stays at one chunk of normalized inputs whatever the data set's size.
#pragma once

#include <cstdint>

#include "engine/base/arena.h"
#include "engine/io/cifar10.h"
#include "engine/model/mlp.h"

namespace tinymlp {

struct Evaluation {
  double loss = 0;      // mean cross-entropy
  double cost = 0;      // loss + lambda * sum W^2
  double accuracy = 0;  // fraction classified correctly
};

// The buffers one forward pass over up to `capacity` images needs besides the network's own.
struct BatchBuffers {
  Mat x;            // D x capacity: normalized images
  int32_t* index;   // capacity: which images of the data set
  uint8_t* labels;  // capacity
  int capacity = 0;

  static size_t Bytes(int dim, int capacity);
  static BatchBuffers Allocate(Arena& arena, int dim, int capacity);
};

// net.max_batch() and buffers.capacity are the chunk size; both must be at least 1.
Evaluation Evaluate(Mlp<float>& net, const Normalization& norm, const Dataset& data, float lambda,
                    BatchBuffers& buffers);

// Index of the largest of v[0..n).
int ArgMax(const float* v, int n);

}  // namespace tinymlp
