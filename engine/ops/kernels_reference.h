// Scalar reference kernels: the plain loops that define what each SIMD kernel in kernels.h must
// compute. Slow on purpose and obviously correct; the tests check every Highway target against
// them, the benchmark shows them beside the fast kernels, and the double-precision gradient
// check runs on them. Templated on the element type (float or double).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "engine/base/image_batch.h"
#include "engine/base/mat.h"

namespace tinymlp {

enum class Trans { kNo, kYes };

namespace reference {

template <typename T>
T OpAt(MatView<const T> x, Trans t, int r, int c) {
  return t == Trans::kNo ? x(r, c) : x(c, r);
}

// C = alpha * op(A) * op(B) + beta * C, op(B)(p, j) = b_at(p, j), summed in double.
template <typename T, typename BAt>
void GemmWith(Trans ta, T alpha, MatView<const T> a, const BAt& b_at, T beta, MatView<T> c) {
  const int k = ta == Trans::kNo ? a.cols : a.rows;
  for (int j = 0; j < c.cols; ++j) {
    for (int i = 0; i < c.rows; ++i) {
      double sum = 0;
      for (int p = 0; p < k; ++p) sum += double(OpAt(a, ta, i, p)) * double(b_at(p, j));
      c(i, j) = static_cast<T>(alpha * sum + (beta == T(0) ? T(0) : beta * c(i, j)));
    }
  }
}

template <typename T>
void Gemm(Trans ta, Trans tb, T alpha, MatView<const T> a, MatView<const T> b, T beta,
          MatView<T> c) {
  GemmWith(
      ta, alpha, a, [&](int p, int j) { return OpAt(b, tb, p, j); }, beta, c);
}

// The same with op(B) = X or Xᵀ for the images' matrix X.
template <typename T>
void Gemm(Trans ta, Trans tb, T alpha, MatView<const T> a, const ImageBatch& b, T beta,
          MatView<T> c) {
  GemmWith(
      ta, alpha, a, [&](int p, int j) { return tb == Trans::kNo ? b(p, j) : b(j, p); }, beta, c);
}

// C -= eta * (op(A) op(B) + decay * C): one gradient-descent step on C with weight decay.
template <typename T, typename B>
void GemmDescend(Trans ta, Trans tb, T eta, T decay, MatView<const T> a, const B& b, MatView<T> c) {
  std::vector<T> storage(static_cast<size_t>(c.rows) * c.cols);
  const MatView<T> product(storage.data(), c.rows, c.cols);
  Gemm(ta, tb, T(1), a, b, T(0), product);
  for (int j = 0; j < c.cols; ++j)
    for (int i = 0; i < c.rows; ++i) c(i, j) -= eta * (decay * c(i, j) + product(i, j));
}

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

template <typename T>
void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                     const float* inv_std, MatView<T> x) {
  for (int j = 0; j < x.cols; ++j) {
    const uint8_t* image = pixels + static_cast<size_t>(index[j]) * x.rows;
    for (int i = 0; i < x.rows; ++i) x(i, j) = (T(image[i]) - T(mean[i])) * T(inv_std[i]);
  }
}

}  // namespace reference
}  // namespace tinymlp
