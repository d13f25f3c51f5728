#include "engine/train/evaluate.h"

#include <algorithm>

#include "engine/ops/kernels.h"
#include "platform/error.h"

namespace tinymlp {

BatchBuffers::BatchBuffers(int capacity, int gather_rows, Arena& arena)
    : index(arena.AllocateArray<int32_t>(capacity)),
      labels(arena.AllocateArray<uint8_t>(capacity)),
      capacity(capacity) {
  if (gather_rows > 0) x = arena.AllocateMat<float>(gather_rows, capacity);
}

int ArgMax(const float* v, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

Evaluation Evaluate(Mlp<float>& net, const Normalization& norm, const Dataset& data, float lambda,
                    BatchBuffers& buffers, int64_t* confusion) {
  Evaluation result;
  const int n = data.count();
  if (n == 0) return result;
  const int chunk = std::min(net.max_batch(), buffers.capacity);
  long correct = 0;
  double loss = 0;
  for (int first = 0; first < n; first += chunk) {
    const int cols = std::min(chunk, n - first);
    for (int j = 0; j < cols; ++j) {
      buffers.index[j] = first + j;
      buffers.labels[j] = data.labels[first + j];
    }
    const ImageBatch x{data.pixels.data(),  buffers.index, norm.mean.data(),
                       norm.inv_std.data(), kImageDim,     cols};
    loss += net.Forward(x, buffers.labels);
    const Mat p = net.probabilities();
    for (int j = 0; j < cols; ++j) {
      const int predicted = ArgMax(p.col(j), p.rows);
      correct += predicted == buffers.labels[j];
      if (confusion) ++confusion[buffers.labels[j] * p.rows + predicted];
    }
  }
  result.loss = loss / n;
  result.cost = result.loss + lambda * net.WeightSquaredSum();
  result.accuracy = static_cast<double>(correct) / n;
  return result;
}

Evaluation EvaluateModel(const Model& model, const Dataset& data, int64_t* confusion) {
  if (model.shape.input != kImageDim) {
    throw DataError("the model takes " + std::to_string(model.shape.input) +
                    " inputs, not the 3072 of a CIFAR-10 image");
  }
  constexpr int kChunk = 1000;
  // Evaluate reads the uint8 images itself: no float batch (gather_rows 0).
  Arena arena(MeasureArena<Mlp<float>>(model.shape, kChunk) +
              MeasureArena<BatchBuffers>(kChunk, /*gather_rows=*/0));
  Mlp<float> net(model.shape, kChunk, arena);
  model.CopyInto(net);
  BatchBuffers buffers(kChunk, /*gather_rows=*/0, arena);
  return Evaluate(net, model.norm, data, 0.0f, buffers, confusion);
}

}  // namespace tinymlp
