// The element-wise family, SIMD-free interface: bias, ReLU forward and backward (that with
// dropout's mask too), row sums, and softmax + cross-entropy (with its gradient), on column-major
// float matrices. The per-target code is elementwise-inl.h, the export and dispatch
// elementwise.cc, the scalar reference elementwise_reference.h.
//
// Each float call picks the best Highway target this CPU supports (HWY_DYNAMIC_DISPATCH, once
// per call). The double overloads at the bottom run the scalar reference, for the gradient check.
// Unless a comment says otherwise, outputs must not alias inputs; a kernel runs on the calling
// thread.
#pragma once

#include <cstdint>

#include "engine/base/mat.h"
#include "engine/ops/elementwise_reference.h"

namespace tinymlp {

void AddBias(const float* bias, Mat x);             // x(:, j) += bias           (bias: x.rows)
void AddBiasRelu(const float* bias, Mat x);         // x(:, j) = max(0, x(:, j) + bias)
void ReluForward(Mat x);                            // x = max(0, x), in place
void ReluBackward(ConstMat h, Mat g);               // g(i, j) = 0 where h(i, j) <= 0
void RowSums(ConstMat x, float alpha, float* out);  // out[i] = alpha * sum_j x(i, j)
// g(i, j) = h(i, j) > 0 ? g(i, j) * mask(i, j) : 0: dropout's backward and the ReLU's in one pass
// (h is the layer's output after dropout, mask dropout's 0 or 1/(1-p)).
void ReluBackwardMasked(ConstMat h, ConstMat mask, Mat g);

// p(:, j) = softmax(s(:, j)), computed as exp(s - max s) / sum so no column overflows; p may
// alias s. With labels, returns sum_j -log p(labels[j], j) (the cross-entropy summed over the
// columns, computed from the log-sum-exp, not from p, so it stays finite); without, 0.
double SoftmaxCrossEntropy(ConstMat s, const uint8_t* labels, Mat p);
// The same, and with it the first step of the backward pass, in one pass over each column:
// g = (p - Y) * scale, Y the one-hot labels (scale = 1 / B gives the gradient of the mean
// cross-entropy with respect to s). labels must not be null; g has s's shape and must not alias
// s or p.
double SoftmaxCrossEntropyBackward(ConstMat s, const uint8_t* labels, float scale, Mat p, Mat g);

// ---- double: the scalar reference, for gradient checks ----------------------------------------
inline void AddBias(const double* bias, MatView<double> x) { reference::AddBias(bias, x); }
inline void AddBiasRelu(const double* bias, MatView<double> x) {
  reference::AddBias(bias, x);
  reference::ReluForward(x);
}
inline void ReluForward(MatView<double> x) { reference::ReluForward(x); }
inline void ReluBackward(MatView<const double> h, MatView<double> g) {
  reference::ReluBackward(h, g);
}
inline void ReluBackwardMasked(MatView<const double> h, MatView<const double> mask,
                               MatView<double> g) {
  reference::ReluBackwardMasked(h, mask, g);
}
inline void RowSums(MatView<const double> x, double alpha, double* out) {
  reference::RowSums(x, alpha, out);
}
inline double SoftmaxCrossEntropy(MatView<const double> s, const uint8_t* labels,
                                  MatView<double> p) {
  return reference::SoftmaxCrossEntropy(s, labels, p);
}
inline double SoftmaxCrossEntropyBackward(MatView<const double> s, const uint8_t* labels,
                                          double scale, MatView<double> p, MatView<double> g) {
  return reference::SoftmaxCrossEntropyBackward(s, labels, scale, p, g);
}

}  // namespace tinymlp
