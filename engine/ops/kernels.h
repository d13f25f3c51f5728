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

#include "engine/base/mat.h"
#include "engine/ops/kernels_reference.h"

namespace tinymlp {

// The Highway target (HWY_AVX3, HWY_NEON, ...) the dispatched kernels run on right now: the best
// that is compiled and supported, or the static target where none is (armhf, aarch64 without AES
// under Highway 1.0.3). Asked of the dispatcher itself, so tests can confirm a forced target.
int64_t DispatchedTarget();

// ---- GEMM ------------------------------------------------------------------------------------
// C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ; op(A) is M x K, op(B) is K x N,
// C is M x N. With beta == 0, C is not read (it may hold garbage). Transposes are never
// materialized: op(A) is packed into `workspace`, zero-padded to whole register tiles (or read
// in place when it is one tile whose ld already pads it to whole vectors), and op(B) is read in
// place. K is blocked for the caches (gemm-inl.h). Reading A in place may load A's padding rows
// (never stored anywhere), so A's storage must cover whole columns, ld x cols floats, as every
// Arena matrix and every column block of one does.
//
// Threads: C's columns are split into chunks that the engine's threads (engine/parallel.h,
// up to ThreadCount()) claim when the product is large enough to pay for them. Each element of C
// is summed by one thread in a fixed order, so the result does not depend on the thread count.
//
// Workspace: at least GemmWorkspaceFloats(M, K) floats, 64-byte aligned, not shared with another
// thread's concurrent call. Callers carve it from their Arena once, outside the hot loop.
size_t GemmWorkspaceFloats(int m, int k);
void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
          float* workspace);

// The layer products with their epilogue fused: C(:, j) = op(A) op(B)(:, j) + bias (GemmBias),
// and max(0, that) (GemmBiasRelu); bias has M entries. Same contract and workspace as Gemm
// (alpha = 1, beta = 0); the bias and ReLU are applied while the tile is still in registers, so
// C is written once instead of three times.
void GemmBias(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
              float* workspace);
void GemmBiasRelu(Trans ta, Trans tb, ConstMat a, ConstMat b, const float* bias, Mat c,
                  float* workspace);

// The same products with op(B) = X or Xᵀ for a batch of uint8 images (engine/image_batch.h):
// the GEMM converts the block of X it is about to use into a small slab in cache, so the
// normalized batch is never written to memory. The network's first layer uses them, forward
// (W X, with bias and ReLU) and backward (G Xᵀ).
void Gemm(Trans ta, Trans tb, float alpha, ConstMat a, const ImageBatch& b, float beta, Mat c,
          float* workspace);
void GemmBias(Trans ta, Trans tb, ConstMat a, const ImageBatch& b, const float* bias, Mat c,
              float* workspace);
void GemmBiasRelu(Trans ta, Trans tb, ConstMat a, const ImageBatch& b, const float* bias, Mat c,
                  float* workspace);

// One step of gradient descent fused into the product that gives the gradient:
// C = C - eta * (op(A) op(B) + decay * C), for C = W, op(A) op(B) = G inᵀ and decay = 2 lambda.
// C is read once and written once, and the gradient is never stored; it is rounded as the
// separate steps round it (decay * C, + the product, then the step), so training gives the same
// bits either way. K (op(A)'s columns, the batch) must be at most kGemmDescendMaxK: C holds W,
// so there is nowhere to keep the partial sums of a second K block.
constexpr int kGemmDescendMaxK = 384;
void GemmDescend(Trans ta, Trans tb, float eta, float decay, ConstMat a, ConstMat b, Mat c,
                 float* workspace);
void GemmDescend(Trans ta, Trans tb, float eta, float decay, ConstMat a, const ImageBatch& b, Mat c,
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
// The same, and with it the first step of the backward pass, in one pass over each column:
// g = (p - Y) * scale, Y the one-hot labels (scale = 1 / B gives the gradient of the mean
// cross-entropy with respect to s). labels must not be null; g has s's shape and must not alias
// s or p.
double SoftmaxCrossEntropyBackward(ConstMat s, const uint8_t* labels, float scale, Mat p, Mat g);

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
inline void GemmBias(Trans ta, Trans tb, MatView<const double> a, MatView<const double> b,
                     const double* bias, MatView<double> c, float* /*workspace*/) {
  reference::Gemm(ta, tb, 1.0, a, b, 0.0, c);
  reference::AddBias(bias, c);
}
inline void GemmBiasRelu(Trans ta, Trans tb, MatView<const double> a, MatView<const double> b,
                         const double* bias, MatView<double> c, float* /*workspace*/) {
  GemmBias(ta, tb, a, b, bias, c, nullptr);
  reference::ReluForward(c);
}
inline void Gemm(Trans ta, Trans tb, double alpha, MatView<const double> a, const ImageBatch& b,
                 double beta, MatView<double> c, float* /*workspace*/) {
  reference::Gemm(ta, tb, alpha, a, b, beta, c);
}
inline void GemmBias(Trans ta, Trans tb, MatView<const double> a, const ImageBatch& b,
                     const double* bias, MatView<double> c, float* /*workspace*/) {
  reference::Gemm(ta, tb, 1.0, a, b, 0.0, c);
  reference::AddBias(bias, c);
}
inline void GemmBiasRelu(Trans ta, Trans tb, MatView<const double> a, const ImageBatch& b,
                         const double* bias, MatView<double> c, float* /*workspace*/) {
  GemmBias(ta, tb, a, b, bias, c, nullptr);
  reference::ReluForward(c);
}
inline void GemmDescend(Trans ta, Trans tb, double eta, double decay, MatView<const double> a,
                        MatView<const double> b, MatView<double> c, float* /*workspace*/) {
  reference::GemmDescend(ta, tb, eta, decay, a, b, c);
}
inline void GemmDescend(Trans ta, Trans tb, double eta, double decay, MatView<const double> a,
                        const ImageBatch& b, MatView<double> c, float* /*workspace*/) {
  reference::GemmDescend(ta, tb, eta, decay, a, b, c);
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
inline double SoftmaxCrossEntropyBackward(MatView<const double> s, const uint8_t* labels,
                                          double scale, MatView<double> p, MatView<double> g) {
  return reference::SoftmaxCrossEntropyBackward(s, labels, scale, p, g);
}
inline void GatherNormalize(const uint8_t* pixels, const int32_t* index, const float* mean,
                            const float* inv_std, MatView<double> x) {
  reference::GatherNormalize(pixels, index, mean, inv_std, x);
}

}  // namespace tinymlp
