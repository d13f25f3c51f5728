// The GEMM family's scalar reference: the plain loops that define what the GEMM in gemm.h must
// compute (C = alpha op(A) op(B) + beta C, with a matrix or an ImageBatch as op(B), and the
// fused gradient-descent step). Slow on purpose and obviously correct: every sum is taken in
// double. The tests check every Highway target against it, the benchmark shows it beside the
// fast kernel, and the double-precision gradient check runs on it. Templated on the element type
// (float or double).
//
// Trans is defined here, at the bottom of the family, so that the reference needs nothing of
// the fast path; gemm.h and gemm-inl.h take it from here.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/base/image_batch.h"
#include "engine/base/mat.h"

namespace tinymlp {

// Whether a GEMM operand is used as stored (kNo) or transposed (kYes), as BLAS's transa/transb.
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

}  // namespace reference
}  // namespace tinymlp
