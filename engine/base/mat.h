// MatView: a non-owning view of a column-major matrix. Every matrix in tinymlp is column-major:
// element (r, c) lives at data[r + c * ld], so a column (one image, one sample's activations)
// is contiguous, and ld >= rows lets a view cover a block of a larger buffer.
//
// Shape letters used across the engine:
//   D = input dimension (3072), M = a layer's width, K = classes (10), B = batch (columns).
#pragma once

#include <cassert>
#include <cstddef>

namespace tinymlp {

template <typename T>
struct MatView {
  T* data = nullptr;
  int rows = 0;
  int cols = 0;
  int ld = 0;  // leading dimension: distance between columns, in elements; ld >= rows

  MatView() = default;
  MatView(T* data_, int rows_, int cols_, int ld_)
      : data(data_), rows(rows_), cols(cols_), ld(ld_) {
    assert(ld >= rows);
  }
  MatView(T* data_, int rows_, int cols_) : MatView(data_, rows_, cols_, rows_) {}
  // A view of a non-const matrix converts to a view of a const one.
  template <typename U>
  MatView(const MatView<U>& other) : MatView(other.data, other.rows, other.cols, other.ld) {}

  T& operator()(int r, int c) const { return data[r + static_cast<size_t>(c) * ld]; }
  T* col(int c) const { return data + static_cast<size_t>(c) * ld; }
  // Columns [c0, c0 + n).
  MatView cols_block(int c0, int n) const { return MatView(col(c0), rows, n, ld); }
  MatView rows_block(int r0, int n) const { return MatView(data + r0, n, cols, ld); }
  size_t size() const { return static_cast<size_t>(rows) * cols; }
};

using Mat = MatView<float>;
using ConstMat = MatView<const float>;

}  // namespace tinymlp
