// Mlp: a fully connected classifier, D -> M_1 (ReLU) -> ... -> M_h (ReLU) -> K (softmax).
//
// With no hidden layer it is the one-layer softmax classifier; with one hidden layer of 50 it
// is the course's two-layer network. The cost is mean cross-entropy + lambda * sum of squared
// weights (biases, gamma and beta are not regularized).
//
// Options of the hidden layers (MlpShape):
//   batch_norm  s = W h -> batch normalization (engine/batch_norm.h) -> gamma, beta -> ReLU. The
//               layer then has no bias b: beta plays its part (a bias before the mean subtraction
//               cancels exactly, so its gradient would be zero and only rounding noise).
//   dropout p   inverted dropout on the ReLU outputs while training: each unit is kept with
//               probability 1 - p and scaled by 1 / (1 - p), so inference needs no change.
//
// Modes: set_training(true) makes Forward use the batch's statistics (and update the running
// averages) and draw dropout masks; Backward is valid only after such a Forward when the network
// has batch norm or dropout. The default, inference, uses the running averages and no dropout.
//
// Memory: everything lives in the Arena given to the constructor, carved out once:
//   params   all weights and biases in one flat block (so an optimizer step is one loop)
//   grads    the same shapes, one flat block
//   bn       per batch-norm layer: running mean and variance (persistent), shat (out_l x
//            max_batch), batch mean and 1/std (scratch)
//   acts     per layer, out_l x max_batch activations; two out_max x max_batch gradient buffers;
//            with dropout, one out_l x max_batch mask per hidden layer
//   gemm     the GEMM packing workspace
// Forward and Backward allocate nothing. Templated on the element type: float trains through
// the Highway kernels, double runs the same code through the scalar reference for gradient
// checks (engine/kernels.h).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/image_batch.h"
#include "engine/base/mat.h"

namespace tinymlp {

struct MlpShape {
  int input = 3072;
  std::vector<int> hidden;  // widths of the hidden layers, input side first
  int classes = 10;
  bool batch_norm = false;  // after every hidden linear layer, before the ReLU
  float dropout = 0;        // training only (not stored in model files); 0 <= dropout < 1

  bool has_bias(int l) const { return !batch_norm || l == layers() - 1; }
  bool has_bn(int l) const { return batch_norm && l < layers() - 1; }

  int layers() const { return static_cast<int>(hidden.size()) + 1; }
  int in(int l) const { return l == 0 ? input : hidden[l - 1]; }
  int out(int l) const { return l == layers() - 1 ? classes : hidden[l]; }
  int max_width() const;
  size_t parameter_count() const;
};

// Weights and biases (or their gradients): w[l] is out(l) x in(l), b[l] has out(l) entries
// (nullptr for a batch-norm layer), gamma[l] and beta[l] have out(l) entries for a batch-norm
// layer (nullptr otherwise). All of them sit in one flat block [flat, flat + flat_size),
// zero-padded between columns, so an optimizer sees every parameter in one loop.
template <typename T>
struct MlpParams {
  T* flat = nullptr;
  size_t flat_size = 0;
  std::vector<MatView<T>> w;
  std::vector<T*> b;
  std::vector<T*> gamma;
  std::vector<T*> beta;

  static size_t Bytes(const MlpShape& shape);
  static MlpParams Allocate(const MlpShape& shape, Arena& arena);
};

// What Forward and Backward read: a D x B matrix, or a batch of uint8 images that the first
// layer's GEMMs normalize as they go (engine/image_batch.h), so no float copy is written.
template <typename T>
struct MlpInput {
  template <typename U>
  MlpInput(MatView<U> m) : mat(m) {}             // NOLINT: implicit, as callers pass either kind
  MlpInput(const ImageBatch& b) : images(&b) {}  // NOLINT
  int cols() const { return images != nullptr ? images->count : mat.cols; }

  MatView<const T> mat;
  const ImageBatch* images = nullptr;
};

template <typename T>
class Mlp {
 public:
  // Bytes the constructor takes from its arena.
  static size_t ArenaBytes(const MlpShape& shape, int max_batch);

  Mlp(const MlpShape& shape, int max_batch, Arena& arena);

  // Weights N(0, sigma^2) per layer, biases and beta zero, gamma one. sigma is 1/sqrt(in) for
  // kXavier (the course's initialization, the default), sqrt(2/in) for kHe, and `sigma` for
  // kNormal. The dropout stream is seeded from `seed` too.
  enum class Init { kXavier, kHe, kNormal };
  void InitWeights(uint64_t seed, Init init = Init::kXavier, double sigma = 0);

  // Training mode: batch statistics and dropout (see the top of this file).
  void set_training(bool training) { training_ = training; }
  bool training() const { return training_; }
  // Weight of the old value in the running averages of batch norm (0.9 by default).
  void set_bn_alpha(T alpha) { bn_alpha_ = alpha; }
  // Running mean and variance of batch-norm layer l (out(l) entries each; nullptr otherwise).
  T* running_mean(int l) const { return running_mean_[l]; }
  T* running_var(int l) const { return running_var_[l]; }

  // Runs the network on x (D x B, B <= max_batch); probabilities() then holds the K x B output.
  // With labels, returns the cross-entropy summed over the B columns.
  double Forward(MlpInput<T> x, const uint8_t* labels);
  // After Forward on the same x with labels: grads() = gradient of the cost
  // mean cross-entropy + lambda * sum W^2 over the batch.
  void Backward(MlpInput<T> x, T lambda);
  // Backward and a plain gradient-descent step, p -= eta * gradient, in one pass. Each weight
  // matrix is updated by the GEMM that computes its gradient, W -= eta (G inᵀ + 2 lambda W)
  // (GemmDescend, rounded as Backward followed by the update rounds it), so dW is never
  // written and W is read and written once; grads() then holds only the bias, gamma and beta
  // gradients. The batch must be at most kGemmDescendMaxK (engine/kernels.h).
  void BackwardSgdStep(MlpInput<T> x, T lambda, T eta);
  // sum over layers of the squared Frobenius norm of W.
  double WeightSquaredSum() const;

  const MlpShape& shape() const { return shape_; }
  int max_batch() const { return max_batch_; }
  MlpParams<T>& params() { return params_; }
  const MlpParams<T>& params() const { return params_; }
  const MlpParams<T>& grads() const { return grads_; }
  MatView<T> probabilities() const { return acts_.back().cols_block(0, batch_); }

 private:
  // Backward, and with eta the SGD step (see BackwardSgdStep).
  void BackwardPass(MlpInput<T> x, T lambda, const T* eta);
  // h *= a fresh dropout mask for hidden layer l (stored for Backward).
  void ApplyDropout(int l, MatView<T> h);

  struct BnScratch {
    MatView<T> shat;       // out x max_batch: normalized pre-activations of the last Forward
    T* mean = nullptr;     // out: the batch's mean
    T* inv_std = nullptr;  // out: the batch's 1/sqrt(var + eps)
  };

  MlpShape shape_;
  int max_batch_;
  int batch_ = 0;  // columns of the last Forward
  bool training_ = false;
  bool bn_started_ = false;  // running averages hold a batch's statistics
  T bn_alpha_ = T(0.9);
  uint64_t dropout_state_ = 0;  // the dropout masks' random stream (Rng state)
  MlpParams<T> params_;
  MlpParams<T> grads_;
  std::vector<MatView<T>> acts_;  // acts_[l]: out(l) x max_batch; the last holds probabilities
  MatView<T> grad_a_, grad_b_;    // max_width x max_batch, ping-pong for backprop
  float* gemm_workspace_;
  std::vector<T*> running_mean_, running_var_;  // per layer; nullptr without batch norm
  std::vector<BnScratch> bn_;                   // per layer; empty views without batch norm
  double* bn_sums_ = nullptr;                   // max_width doubles
  std::vector<MatView<T>> dropout_mask_;        // per hidden layer: 0 or 1/(1-p)
};

extern template class Mlp<float>;
extern template class Mlp<double>;

}  // namespace tinymlp
