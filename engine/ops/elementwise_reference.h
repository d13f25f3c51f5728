// The element-wise family's scalar reference: the plain loops that define what the kernels in
// elementwise.h must compute (bias, ReLU forward and backward, row sums, softmax +
// cross-entropy and its gradient). Slow on purpose and obviously correct; the tests check every
// Highway target against it, and the double-precision gradient check runs on it. Templated on
// the element type (float or double).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/base/mat.h"

namespace tinymlp {
namespace reference {

template <typename T>
void AddBias(const T* bias, MatView<T> x) {
  for (int j = 0; j < x.cols; ++j)
    for (int i = 0; i < x.rows; ++i) x(i, j) += bias[i];
}

template <typename T>
void ReluForward(MatView<T> x) {
  for (int j = 0; j < x.cols; ++j)
    for (int i = 0; i < x.rows; ++i) x(i, j) = x(i, j) > T(0) ? x(i, j) : T(0);
}

template <typename T>
void ReluBackward(MatView<const T> h, MatView<T> g) {
  for (int j = 0; j < g.cols; ++j)
    for (int i = 0; i < g.rows; ++i)
      if (!(h(i, j) > T(0))) g(i, j) = T(0);
}

template <typename T>
void ReluBackwardMasked(MatView<const T> h, MatView<const T> mask, MatView<T> g) {
  for (int j = 0; j < g.cols; ++j)
    for (int i = 0; i < g.rows; ++i) g(i, j) = h(i, j) > T(0) ? g(i, j) * mask(i, j) : T(0);
}

template <typename T>
void RowSums(MatView<const T> x, T alpha, T* out) {
  for (int i = 0; i < x.rows; ++i) {
    double sum = 0;
    for (int j = 0; j < x.cols; ++j) sum += x(i, j);
    out[i] = static_cast<T>(alpha * sum);
  }
}

template <typename T>
double SoftmaxCrossEntropy(MatView<const T> s, const uint8_t* labels, MatView<T> p) {
  double loss = 0;
  for (int j = 0; j < s.cols; ++j) {
    T max = s(0, j);
    for (int i = 1; i < s.rows; ++i) max = std::max(max, s(i, j));
    double sum = 0;
    for (int i = 0; i < s.rows; ++i) sum += std::exp(double(s(i, j) - max));
    if (labels != nullptr) loss += std::log(sum) - double(s(labels[j], j) - max);
    for (int i = 0; i < s.rows; ++i)
      p(i, j) = static_cast<T>(std::exp(double(s(i, j) - max)) / sum);
  }
  return loss;
}

// SoftmaxCrossEntropy, then g = (p - Y) * scale with Y the one-hot labels.
template <typename T>
double SoftmaxCrossEntropyBackward(MatView<const T> s, const uint8_t* labels, T scale, MatView<T> p,
                                   MatView<T> g) {
  const double loss = SoftmaxCrossEntropy(s, labels, p);
  for (int j = 0; j < s.cols; ++j) {
    for (int i = 0; i < s.rows; ++i) g(i, j) = p(i, j) * scale;
    g(labels[j], j) -= scale;
  }
  return loss;
}

}  // namespace reference
}  // namespace tinymlp
