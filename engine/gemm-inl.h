// Per-target GEMM (compiled once per Highway target; see gemm.cc for the dispatch).
//
// Three parts, each in its own function:
//   PackA       copies op(A) into row tiles of kTileVecs vectors, zero-padded, so the
//               micro-kernel does whole-vector loads whatever M, lda or the transpose are;
//   TileKernel  a kTileVecs x kTileCols register tile of C: per step of K it loads the tile's
//               slice of packed A and broadcasts one element of op(B) per column (outer-product
//               form, so the loads are sequential and the FMAs independent);
//   GemmDriver  walks column blocks of C (split across threads) and row tiles.
// Vectors live in named variables, never arrays, because SVE vectors are sizeless.
#if defined(TINYMLP_ENGINE_GEMM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_GEMM_INL_H_
#undef TINYMLP_ENGINE_GEMM_INL_H_
#else
#define TINYMLP_ENGINE_GEMM_INL_H_
#endif

#include <hwy/highway.h>

#include <algorithm>

#include "engine/kernels_reference.h"
#include "engine/mat.h"
#include "engine/simd_tail-inl.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// 2 vectors x 4 columns = 8 accumulators + 2 A vectors + 1 broadcast: fits the 16 registers of
// SSE4, AVX2 and 32-bit NEON as well as the 32 of AVX-512, aarch64 NEON and SVE.
constexpr int kTileVecs = 2;
constexpr int kTileCols = 4;

template <class D>
HWY_INLINE int TileRows(D d) {
  return kTileVecs * static_cast<int>(hn::Lanes(d));
}

// panel[(t * k + p) * R + r] = op(A)(t * R + r, p), zero where t * R + r >= m.
template <class D>
void PackA(D d, Trans ta, ConstMat a, int m, int k, float* HWY_RESTRICT panel) {
  const int R = TileRows(d);
  const int tiles = (m + R - 1) / R;
  for (int t = 0; t < tiles; ++t) {
    const int rows = std::min(R, m - t * R);
    for (int p = 0; p < k; ++p) {
      float* HWY_RESTRICT out = panel + (static_cast<size_t>(t) * k + p) * R;
      if (ta == Trans::kNo) {
        const float* HWY_RESTRICT src = a.col(p) + t * R;
        for (int r = 0; r < rows; ++r) out[r] = src[r];
      } else {
        for (int r = 0; r < rows; ++r) out[r] = a(p, t * R + r);
      }
      for (int r = rows; r < R; ++r) out[r] = 0.0f;
    }
  }
}

// c[0 .. rows) = alpha * (lo, hi) + beta * c, for one column of a tile.
template <class D>
HWY_INLINE void StoreTileColumn(D d, hn::Vec<D> lo, hn::Vec<D> hi, float alpha, float beta,
                                float* HWY_RESTRICT c, int rows) {
  const int N = static_cast<int>(hn::Lanes(d));
  const auto va = hn::Set(d, alpha);
  const auto vb = hn::Set(d, beta);
  for (int v = 0; v < kTileVecs; ++v) {
    const int r0 = v * N;
    const int valid = std::min(N, rows - r0);
    if (valid <= 0) break;
    auto acc = hn::Mul(v == 0 ? lo : hi, va);
    if (valid == N) {
      if (beta != 0.0f) acc = hn::MulAdd(vb, hn::LoadU(d, c + r0), acc);
      hn::StoreU(acc, d, c + r0);
    } else {
      if (beta != 0.0f) acc = hn::MulAdd(vb, LoadTail(d, c + r0, valid, 0.0f), acc);
      StoreTail(d, acc, c + r0, valid);
    }
  }
}

// One tile: C(rows, kCols) = alpha * panel * op(B)(:, kCols) + beta * C. op(B)(p, j) is at
// b[p * b_step_p + j * b_step_j], which covers both B (1, ldb) and Bᵀ (ldb, 1).
template <int kCols, class D>
HWY_INLINE void TileKernel(D d, const float* HWY_RESTRICT panel, int k, const float* b,
                           size_t b_step_p, size_t b_step_j, float alpha, float beta, float* c,
                           size_t ldc, int rows) {
  static_assert(kCols >= 1 && kCols <= kTileCols, "tile width");
  const size_t N = hn::Lanes(d);
  auto c00 = hn::Zero(d), c10 = hn::Zero(d), c01 = hn::Zero(d), c11 = hn::Zero(d);
  auto c02 = hn::Zero(d), c12 = hn::Zero(d), c03 = hn::Zero(d), c13 = hn::Zero(d);
  const float* b0 = b;
  const float* b1 = b + b_step_j;
  const float* b2 = b + 2 * b_step_j;
  const float* b3 = b + 3 * b_step_j;
  for (int p = 0; p < k; ++p) {
    const auto a0 = hn::Load(d, panel);
    const auto a1 = hn::Load(d, panel + N);
    panel += 2 * N;
    const size_t off = p * b_step_p;
    auto bv = hn::Set(d, b0[off]);
    c00 = hn::MulAdd(a0, bv, c00);
    c10 = hn::MulAdd(a1, bv, c10);
    if constexpr (kCols > 1) {
      bv = hn::Set(d, b1[off]);
      c01 = hn::MulAdd(a0, bv, c01);
      c11 = hn::MulAdd(a1, bv, c11);
    }
    if constexpr (kCols > 2) {
      bv = hn::Set(d, b2[off]);
      c02 = hn::MulAdd(a0, bv, c02);
      c12 = hn::MulAdd(a1, bv, c12);
    }
    if constexpr (kCols > 3) {
      bv = hn::Set(d, b3[off]);
      c03 = hn::MulAdd(a0, bv, c03);
      c13 = hn::MulAdd(a1, bv, c13);
    }
  }
  StoreTileColumn(d, c00, c10, alpha, beta, c, rows);
  if constexpr (kCols > 1) StoreTileColumn(d, c01, c11, alpha, beta, c + ldc, rows);
  if constexpr (kCols > 2) StoreTileColumn(d, c02, c12, alpha, beta, c + 2 * ldc, rows);
  if constexpr (kCols > 3) StoreTileColumn(d, c03, c13, alpha, beta, c + 3 * ldc, rows);
}

inline void GemmDriver(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b, float beta, Mat c,
                       float* HWY_RESTRICT workspace) {
  const hn::ScalableTag<float> d;
  const int m = c.rows, n = c.cols;
  const int k = ta == Trans::kNo ? a.cols : a.rows;
  if (m == 0 || n == 0) return;
  PackA(d, ta, a, m, k, workspace);

  const int R = TileRows(d);
  const int tiles = (m + R - 1) / R;
  const size_t b_step_p = tb == Trans::kNo ? 1 : static_cast<size_t>(b.ld);
  const size_t b_step_j = tb == Trans::kNo ? static_cast<size_t>(b.ld) : 1;
  const int col_blocks = (n + kTileCols - 1) / kTileCols;
  // Below ~1 MFLOP a second thread costs more to wake than it saves.
  const bool threaded = static_cast<double>(m) * n * k > 5e5;
#pragma omp parallel for schedule(static) if (threaded)
  for (int jb = 0; jb < col_blocks; ++jb) {
    const int j0 = jb * kTileCols;
    const int cols = std::min(kTileCols, n - j0);
    const float* bj = b.data + j0 * b_step_j;
    for (int t = 0; t < tiles; ++t) {
      const float* panel = workspace + static_cast<size_t>(t) * k * R;
      float* ct = c.col(j0) + t * R;
      const int rows = std::min(R, m - t * R);
      switch (cols) {
        case 4:
          TileKernel<4>(d, panel, k, bj, b_step_p, b_step_j, alpha, beta, ct, c.ld, rows);
          break;
        case 3:
          TileKernel<3>(d, panel, k, bj, b_step_p, b_step_j, alpha, beta, ct, c.ld, rows);
          break;
        case 2:
          TileKernel<2>(d, panel, k, bj, b_step_p, b_step_j, alpha, beta, ct, c.ld, rows);
          break;
        default:
          TileKernel<1>(d, panel, k, bj, b_step_p, b_step_j, alpha, beta, ct, c.ld, rows);
          break;
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
