// The network's layers as forward/backward pairs, in the manner of a reference implementation
// (llm.c's matmul_forward/matmul_backward): free functions on column-major views that hold no
// state and allocate nothing. Mlp::Forward and Mlp::Backward (mlp.h) are these calls, top to
// bottom; the buffers they pass in are the network's.
//
// Shapes: B = batch (columns), I = a layer's input width, O = its output width, K = classes.
//
//   layer            forward                               backward
//   Linear           LinearForward (bias, ReLU fused in)   LinearBackward          this file
//   ReLU             ReluForward (ops/kernels.h)           ReluDropoutBackward     this file
//   BatchNorm        BatchNormForwardTrain / -Inference    BatchNormBackward       batch_norm.h
//   Dropout          DropoutForward                        ReluDropoutBackward     this file
//   Softmax + loss   SoftmaxCrossEntropyForward, which writes its backward too     this file
//
// Fused where that saves a pass over the activations: the Linear forward applies the ReLU when
// no batch norm follows, the batch norm forward when one does, and one backward pass undoes both
// the ReLU and dropout.
//
// One file rather than one per layer: Linear is the only layer with a body worth a file (three
// GEMM epilogues, and the gradient sink); dropout and the loss are a few lines each, ReLU is a
// kernel already, and batch norm keeps its own file for its math. Side by side, the pairs read as
// a table of the network.
//
// Templated on the element type like Mlp: float runs the Highway kernels, double the scalar
// reference (gradient checks), through the overloads in engine/ops/kernels.h.
#pragma once

#include <cstdint>

#include "engine/base/image_batch.h"
#include "engine/base/mat.h"
#include "engine/ops/adam.h"

namespace tinymlp {

// What a layer reads: an I x B matrix, or (the first layer) a batch of uint8 images that the
// GEMMs normalize as they go (engine/base/image_batch.h), so no float copy is written.
template <typename T>
struct MlpInput {
  template <typename U>
  MlpInput(MatView<U> m) : mat(m) {}             // NOLINT: implicit, as callers pass either kind
  MlpInput(const ImageBatch& b) : images(&b) {}  // NOLINT
  int cols() const { return images != nullptr ? images->count : mat.cols; }

  MatView<const T> mat;
  const ImageBatch* images = nullptr;
};

// Where a backward pass puts the parameters' gradients. This is the one place that decides it;
// the layers' backward functions only hand their gradients over.
//   Keep()        into the gradient buffers (dW, db, dgamma, dbeta), parameters untouched: for
//                 an optimizer that runs after backward, and for gradient checks.
//   Descend(eta)  spent at once on a plain SGD step, p -= eta * gradient. A weight matrix is
//                 updated by the GEMM that computes its gradient (GemmDescend: W -= eta (G inᵀ +
//                 2 lambda W), rounded as the separate steps round it), so dW is never written
//                 and W is read and written once; a vector (b, gamma, beta) is updated from its
//                 gradient buffer right after the layer fills it. K = B must be at most
//                 kGemmDescendMaxK (engine/ops/kernels.h).
//   Adam(state, params)  spent at once on one Adam step (float only): the same fusion, with
//                 GemmAdam; state holds the step's constants and the moments of the flat
//                 parameter block `params` (Optimizer::BeginFusedAdamStep), every parameter's
//                 moments at its own offset in that block.
template <typename T>
class GradientSink {
 public:
  static GradientSink Keep() { return GradientSink(Mode::kKeep, T(0)); }
  static GradientSink Descend(T eta) { return GradientSink(Mode::kDescend, eta); }
  static GradientSink Adam(const AdamArgs& state, const T* params) {
    GradientSink sink(Mode::kAdam, T(0));
    sink.adam_ = state;
    sink.params_ = params;
    return sink;
  }

  // The weight gradient dW = g xᵀ + 2 lambda W (W: O x I, g: O x B, x: I x B): into dw, or the
  // step on W (dw is then not touched). ws: the GEMM workspace.
  void Weights(MatView<const T> g, const MlpInput<T>& x, T lambda, MatView<T> w, MatView<T> dw,
               float* ws) const;
  // After g[0..n) holds the gradient of the vector parameter p: p -= eta g when descending.
  void Vector(T* p, const T* g, int n) const;

 private:
  enum class Mode { kKeep, kDescend, kAdam };
  GradientSink(Mode mode, T eta) : mode_(mode), eta_(eta) {}
  // The state of parameter p's step: the moments at p's offset in the flat block.
  AdamArgs AdamAt(const T* p) const;
  Mode mode_;
  T eta_;
  AdamArgs adam_{};
  const T* params_ = nullptr;
};

// ---- Linear: out = W x + b --------------------------------------------------------------------
enum class Activation { kNone, kRelu };

// out (O x B) = W x (+ b), then max(0, .) with kRelu, in one GEMM whose epilogue adds the bias
// and applies the ReLU while the tile is in registers. b has O entries, or is null (a layer
// followed by batch norm, whose beta plays the bias's part). ws: the GEMM workspace.
template <typename T>
void LinearForward(MatView<const T> w, const T* b, const MlpInput<T>& x, Activation activation,
                   MatView<T> out, float* ws);

// From g = dL/d(out) (O x B): dx = Wᵀ g (I x B; skipped when dx.data is null, as for the first
// layer, whose input needs no gradient), then dW = g xᵀ + 2 lambda W and db = row sums of g
// (into db; b and db null without a bias), both handed to `sink`. dx is computed from W before
// the sink may step it.
template <typename T>
void LinearBackward(MatView<T> w, T* b, const MlpInput<T>& x, MatView<const T> g, T lambda,
                    const GradientSink<T>& sink, MatView<T> dw, T* db, MatView<T> dx, float* ws);

// ---- Dropout (inverted), training only ----------------------------------------------------------
// h (O x B) *= a fresh mask: each unit kept with probability 1 - p and scaled by 1 / (1 - p), so
// inference needs no change. The mask (O x B) is kept for the backward; *rng_state is the mask
// stream's state (engine/base/rng.h), advanced.
template <typename T>
void DropoutForward(float p, uint64_t* rng_state, MatView<T> mask, MatView<T> h);

// ---- ReLU and dropout, backward, in one pass --------------------------------------------------
// g (O x B) = h > 0 ? g * mask : 0, h being the hidden layer's output after dropout (> 0 exactly
// where the ReLU passed and the unit was kept): the gradient flows only through the units the
// ReLU passed and dropout kept, scaled as they were. mask is empty (no data) without dropout.
template <typename T>
void ReluDropoutBackward(MatView<const T> h, MatView<const T> mask, MatView<T> g);

// ---- Softmax and cross-entropy ----------------------------------------------------------------
// probs (K x B) = softmax of each column of scores (probs may alias scores). With labels, returns
// the cross-entropy summed over the B columns, and writes in the same pass the backward of the
// mean loss, dscores = (P - Y) / B (K x B, into dscores, which must not alias): the fused kernel
// needs only P and the labels, so there is no separate backward call. Without labels, returns 0
// and dscores is not used.
template <typename T>
double SoftmaxCrossEntropyForward(MatView<const T> scores, const uint8_t* labels, MatView<T> probs,
                                  MatView<T> dscores);

}  // namespace tinymlp
