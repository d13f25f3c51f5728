// The numeric kernels the network is built from, SIMD-free interface.
//
// Every float kernel is written once with Highway (gemm-inl.h, elementwise-inl.h) and compiled
// for each SIMD target; the call picks the best target this CPU supports at run time
// (HWY_DYNAMIC_DISPATCH, once per call, never per row). The double overloads run the scalar
// reference (kernels_reference.h): the gradient check runs the same network code in double
// precision through them, and the tests compare every float kernel against that reference.
//
// All matrices are column-major views (engine/mat.h). Unless a comment says otherwise, outputs
// must not alias inputs, and a kernel is called from one thread (it may start its own).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/kernels_reference.h"
#include "engine/mat.h"

namespace tinymlp {

// The Highway target (HWY_AVX3, HWY_NEON, ...) the dispatched kernels run on right now: the best
// that is compiled and supported, or the static target where none is (armhf, aarch64 without AES
// under Highway 1.0.3). Asked of the dispatcher itself, so tests can confirm a forced target.
int64_t DispatchedTarget();

// ---- GEMM ------------------------------------------------------------------------------------
// C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ; op(A) is M x K, op(B) is K x N,
// C is M x N. With beta == 0, C is not read (it may hold garbage). Transposes are never
// materialized: op(A) is packed into `workspace`, zero-padded to whole register tiles, and
// op(B) is read in place.
//
// Threads: C's columns are split across OpenMP threads when the product is large enough to pay
// for them. Each element of C is summed by one thread in a fixed order, so the result does not
// depend on the thread count.
//
// Workspace: at least GemmWorkspaceFloats(M, K) floats, 64-byte aligned, not shared with another
// thread's concurrent call. Callers carve it from their Arena once, outside the hot loop.
size_t GemmWorkspaceFloats(int m, int k);
void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
          float* workspace);

// ---- Element-wise and reductions ---------------------------------------------------------------
void AddBias(const float* bias, Mat x);             // x(:, j) += bias           (bias: x.rows)
void AddBiasRelu(const float* bias, Mat x);         // x(:, j) = max(0, x(:, j) + bias)
void ReluForward(Mat x);                            // x = max(0, x), in place
void ReluBackward(ConstMat h, Mat g);               // g(i, j) = 0 where h(i, j) <= 0
void RowSums(ConstMat x, float alpha, float* out);  // out[i] = alpha * sum_j x(i, j)

// p(:, j) = softmax(s(:, j)), computed as exp(s - max s) / sum so no column overflows; p may
// alias s. With labels, returns sum_j -log p(labels[j], j) (the cross-entropy summed over the
// columns, computed from the log-sum-exp, not from p, so it stays finite); without, 0.
double SoftmaxCrossEntropy(ConstMat s, const uint8_t* labels, Mat p);

// x(:, j) = (pixels[index[j] * x.rows + i] - mean[i]) * inv_std[i]: gathers a mini-batch of
// uint8 images (one image = x.rows contiguous bytes) and normalizes it in one pass.
void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                     const float* inv_std, Mat x);

// ---- double: the scalar reference, for gradient checks
// -------------------------------------------
inline void Gemm(Trans ta, Trans tb, double alpha, MatView<const double> a, MatView<const double> b,
                 double beta, MatView<double> c, float* /*workspace*/) {
  reference::Gemm(ta, tb, alpha, a, b, beta, c);
}
inline void AddBias(const double* bias, MatView<double> x) { reference::AddBias(bias, x); }
inline void AddBiasRelu(const double* bias, MatView<double> x) {
  reference::AddBias(bias, x);
  reference::ReluForward(x);
}
inline void ReluForward(MatView<double> x) { reference::ReluForward(x); }
inline void ReluBackward(MatView<const double> h, MatView<double> g) {
  reference::ReluBackward(h, g);
}
inline void RowSums(MatView<const double> x, double alpha, double* out) {
  reference::RowSums(x, alpha, out);
}
inline double SoftmaxCrossEntropy(MatView<const double> s, const uint8_t* labels,
                                  MatView<double> p) {
  return reference::SoftmaxCrossEntropy(s, labels, p);
}
inline void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, MatView<double> x) {
  reference::GatherNormalize(pixels, index, mean, inv_std, x);
}

}  // namespace tinymlp
