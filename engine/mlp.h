// Mlp: a fully connected classifier, D -> M_1 (ReLU) -> ... -> M_h (ReLU) -> K (softmax).
//
// With no hidden layer it is the one-layer softmax classifier; with one hidden layer of 50 it
// is the course's two-layer network. The cost is mean cross-entropy + lambda * sum of squared
// weights (biases are not regularized).
//
// Memory: everything lives in the Arena given to the constructor, carved out once:
//   params   all weights and biases in one flat block (so an optimizer step is one loop)
//   grads    the same shapes, one flat block
//   acts     per layer, out_l x max_batch activations; two out_max x max_batch gradient buffers
//   gemm     the GEMM packing workspace
// Forward and Backward allocate nothing. Templated on the element type: float trains through
// the Highway kernels, double runs the same code through the scalar reference for gradient
// checks (engine/kernels.h).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/arena.h"
#include "engine/mat.h"

namespace tinymlp {

struct MlpShape {
  int input = 3072;
  std::vector<int> hidden;  // widths of the hidden layers, input side first
  int classes = 10;

  int layers() const { return static_cast<int>(hidden.size()) + 1; }
  int in(int l) const { return l == 0 ? input : hidden[l - 1]; }
  int out(int l) const { return l == layers() - 1 ? classes : hidden[l]; }
  int max_width() const;
  size_t parameter_count() const;
};

// Weights and biases (or their gradients): w[l] is out(l) x in(l), b[l] has out(l) entries.
// All of them sit in one flat block [flat, flat + flat_size), zero-padded between columns.
template <typename T>
struct MlpParams {
  T* flat = nullptr;
  size_t flat_size = 0;
  std::vector<MatView<T>> w;
  std::vector<T*> b;

  static size_t Bytes(const MlpShape& shape);
  static MlpParams Allocate(const MlpShape& shape, Arena& arena);
};

template <typename T>
class Mlp {
 public:
  // Bytes the constructor takes from its arena.
  static size_t ArenaBytes(const MlpShape& shape, int max_batch);

  Mlp(const MlpShape& shape, int max_batch, Arena& arena);

  // Weights N(0, 1/in) per layer (the course's initialization), biases zero.
  void InitWeights(uint64_t seed);

  // Runs the network on x (D x B, B <= max_batch); probabilities() then holds the K x B output.
  // With labels, returns the cross-entropy summed over the B columns.
  double Forward(MatView<const T> x, const uint8_t* labels);
  // After Forward on the same x and labels: grads() = gradient of the cost
  // mean cross-entropy + lambda * sum W^2 over the batch.
  void Backward(MatView<const T> x, const uint8_t* labels, T lambda);
  // sum over layers of the squared Frobenius norm of W.
  double WeightSquaredSum() const;

  const MlpShape& shape() const { return shape_; }
  int max_batch() const { return max_batch_; }
  MlpParams<T>& params() { return params_; }
  const MlpParams<T>& params() const { return params_; }
  const MlpParams<T>& grads() const { return grads_; }
  MatView<T> probabilities() const { return acts_.back().cols_block(0, batch_); }

 private:
  MlpShape shape_;
  int max_batch_;
  int batch_ = 0;  // columns of the last Forward
  MlpParams<T> params_;
  MlpParams<T> grads_;
  std::vector<MatView<T>> acts_;  // acts_[l]: out(l) x max_batch; the last holds probabilities
  MatView<T> grad_a_, grad_b_;    // max_width x max_batch, ping-pong for backprop
  float* gemm_workspace_;
};

extern template class Mlp<float>;
extern template class Mlp<double>;

}  // namespace tinymlp
