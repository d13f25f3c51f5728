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
// Layers: Forward and Backward are the forward/backward pairs of engine/model/layers.h, called
// top to bottom. Where the weight gradients go (kept in grads(), or spent on a fused SGD step)
// is decided by GradientSink there, chosen here by Backward, BackwardSgdStep or BackwardAdamStep.
//
// Memory: everything lives in the Arena given to the constructor, carved out once:
//   params   all weights and biases in one flat block (so an optimizer step is one loop)
//   grads    the same shapes, one flat block
//   acts     per layer, out_l x max_batch activations; two max_width x max_batch gradient buffers
//   bn       per batch-norm layer: running mean and variance (persistent), shat (out_l x
//            max_batch), batch mean and 1/std (scratch); max_width doubles of row sums
//   dropout  one out_l x max_batch mask per hidden layer
//   gemm     the GEMM packing workspace
// The constructor only carves (arena.h's contract; size it with MeasureArena<Mlp<T>>): a new
// network is all zeros. Give it weights with InitWeights (engine/model/init.h) or a model file
// (Model::CopyInto) before the first Forward. Forward and Backward allocate nothing, but the
// first parallel kernel starts the thread team (an allocation): whoever runs training steps
// calls StartWorkerThreads (engine/base/parallel.h) first, as Trainer does. Templated on the
// element type: float trains through the Highway kernels, double runs the same code through the
// scalar reference for gradient checks (engine/ops/kernels.h).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/mat.h"
#include "engine/base/phase_timer.h"
#include "engine/model/layers.h"

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

  static MlpParams Allocate(const MlpShape& shape, Arena& arena);

 private:
  // Points w, b, gamma and beta into the block at `base` (null: only counts); returns the
  // block's size in T.
  size_t Layout(const MlpShape& shape, T* base);
};

template <typename T>
class Mlp {
 public:
  // Carves every buffer from `arena` and nothing else (see Memory above).
  Mlp(const MlpShape& shape, int max_batch, Arena& arena);

  // A fresh start for the state beside the weights: running averages unset (mean 0, variance
  // 1; the next training Forward replaces them with its batch's statistics), and the dropout
  // masks' stream seeded from `seed` (a stream of its own, so the weights do not depend on
  // whether dropout is on). InitWeights calls it.
  void ResetState(uint64_t seed);

  // Training mode: batch statistics and dropout (see the top of this file).
  void set_training(bool training) { training_ = training; }
  // Times each layer call into `timer` (bench-train --breakdown); null: no timing.
  void set_phase_timer(PhaseTimer* timer) { timer_ = timer; }
  PhaseTimer* phase_timer() const { return timer_; }
  bool training() const { return training_; }
  // Weight of the old value in the running averages of batch norm (0.9 by default).
  void set_bn_alpha(T alpha) { bn_alpha_ = alpha; }
  // The state a checkpoint saves besides the weights and running averages: whether the running
  // averages hold a batch's statistics yet, and the dropout masks' stream.
  bool bn_started() const { return bn_started_; }
  void set_bn_started(bool started) { bn_started_ = started; }
  uint64_t dropout_state() const { return dropout_state_; }
  void set_dropout_state(uint64_t state) { dropout_state_ = state; }
  // Running mean and variance of batch-norm layer l (out(l) entries each; nullptr otherwise).
  T* running_mean(int l) const { return running_mean_[l]; }
  T* running_var(int l) const { return running_var_[l]; }

  // Runs the network on x (D x B, B <= max_batch); probabilities() then holds the K x B output.
  // With labels, returns the cross-entropy summed over the B columns.
  double Forward(MlpInput<T> x, const uint8_t* labels);
  // After Forward on the same x with labels: grads() = gradient of the cost
  // mean cross-entropy + lambda * sum W^2 over the batch.
  void Backward(MlpInput<T> x, T lambda);
  // Backward and a plain gradient-descent step, p -= eta * gradient, in one pass
  // (GradientSink::Descend, layers.h): each weight matrix is updated by the GEMM that computes
  // its gradient, rounded as Backward followed by the update rounds it, so dW is never written;
  // grads() then holds only the bias, gamma and beta gradients. The batch must be at most
  // kGemmDescendMaxK (engine/ops/gemm.h).
  void BackwardSgdStep(MlpInput<T> x, T lambda, T eta);
  // Backward and one Adam step in one pass, the same way (GradientSink::Adam, layers.h; float
  // only): `state` from Optimizer::BeginFusedAdamStep, its moments those of params().flat. Gives
  // the bits of Backward followed by Optimizer::Update. Batch at most kGemmDescendMaxK.
  void BackwardAdamStep(MlpInput<T> x, T lambda, const AdamArgs& state);
  // sum over layers of the squared Frobenius norm of W.
  double WeightSquaredSum() const;

  const MlpShape& shape() const { return shape_; }
  int max_batch() const { return max_batch_; }
  MlpParams<T>& params() { return params_; }
  const MlpParams<T>& params() const { return params_; }
  const MlpParams<T>& grads() const { return grads_; }
  MatView<T> probabilities() const { return acts_.back().cols_block(0, batch_); }

 private:
  // Backward, the gradients going where `sink` says.
  void BackwardPass(MlpInput<T> x, T lambda, const GradientSink<T>& sink);

  struct BnScratch {
    MatView<T> shat;       // out x max_batch: normalized pre-activations of the last Forward
    T* mean = nullptr;     // out: the batch's mean
    T* inv_std = nullptr;  // out: the batch's 1/sqrt(var + eps)
  };

  MlpShape shape_;
  int max_batch_;
  int batch_ = 0;  // columns of the last Forward
  void Mark(PhaseTimer::Phase phase, int layer) {
    if (timer_ != nullptr) timer_->Mark(phase, layer);
  }

  bool training_ = false;
  PhaseTimer* timer_ = nullptr;
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
