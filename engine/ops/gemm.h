// The GEMM family, SIMD-free interface: C = alpha op(A) op(B) + beta C for column-major float
// matrices, with fused epilogues (bias, bias + ReLU, one gradient-descent or Adam step) and
// an ImageBatch of uint8 images as op(B). The per-target code is gemm-inl.h (packing, micro-kernel,
// blocking driver), its blocking constants gemm_layout.h, the export and dispatch gemm.cc, the
// scalar reference gemm_reference.h.
//
// Each float call picks the best Highway target this CPU supports (HWY_DYNAMIC_DISPATCH, once
// per call, never per row). The double overloads at the bottom run the scalar reference: the
// gradient check runs the same network code in double precision through them.
//
// All matrices are column-major views (engine/base/mat.h). Outputs must not alias inputs, and a
// call is made from one thread (it may start its own).
#pragma once

#include <cstddef>

#include "engine/base/image_batch.h"
#include "engine/base/mat.h"
#include "engine/ops/adam.h"
#include "engine/ops/elementwise_reference.h"
#include "engine/ops/gemm_reference.h"  // Trans

namespace tinymlp {

// C = alpha * op(A) * op(B) + beta * C, with op(X) = X or Xᵀ; op(A) is M x K, op(B) is K x N,
// C is M x N. With beta == 0, C is not read (it may hold garbage). Transposes are never
// materialized: op(A) is packed into `workspace`, zero-padded to whole register tiles (or read
// in place when it is one tile whose ld already pads it to whole vectors), and op(B) is read in
// place. K is blocked for the caches (gemm-inl.h). Reading A in place may load A's padding rows
// (never stored anywhere), so A's storage must cover whole columns, ld x cols floats, as every
// Arena matrix and every column block of one does.
//
// Threads: C's columns are split into chunks that the engine's threads (engine/base/parallel.h,
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

// The same products with op(B) = X or Xᵀ for a batch of uint8 images (engine/base/image_batch.h):
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

// One step of Adam fused into the product that gives the weight gradient: with the gradient
// G = op(A) op(B) + decay * W, the step AdamStep (engine/ops/adam.h) takes on W and its moments,
// whose blocks are laid out as W is: state.m and state.v are the moments of W's first element,
// W(i, j)'s at m[i + j * w.ld] (state.p and state.g are not used). The gradient is never stored,
// and every element gets the bits the separate steps give it (decay * W, + the product, then
// AdamStep). As for GemmDescend, K must be at most kGemmDescendMaxK.
void GemmAdam(Trans ta, Trans tb, float decay, const AdamArgs& state, ConstMat a, ConstMat b, Mat w,
              float* workspace);
void GemmAdam(Trans ta, Trans tb, float decay, const AdamArgs& state, ConstMat a,
              const ImageBatch& b, Mat w, float* workspace);

// ---- double: the scalar reference, for gradient checks ----------------------------------------
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

}  // namespace tinymlp
