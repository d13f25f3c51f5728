// Per-target GEMM (compiled once per Highway target; interface: gemm.h; dispatch: gemm.cc).
//
// Three parts, each in its own function:
//   PackATiles   copies op(A) into row tiles of up to kTileVecs vectors, zero-padded to whole
//                vectors, so the micro-kernel does whole-vector loads whatever M, lda or the
//                transpose are; kPackTiles tiles at a time, column by column. Skipped when
//                op(A) = A is one tile whose columns are already padded to whole vectors (the
//                network's weights and gradients), or whole tiles whose columns are runs of 256
//                bytes (AVX-512; ReadAInPlace): then A is read in place, a column of A being
//                what a packed panel would hold.
//   MicroKernel  a kV-vector x kC-column register tile of C over a block of K: per step of K
//                it loads the tile's slice of A and broadcasts one element of op(B) per column
//                (outer-product form: sequential loads, independent FMAs). The epilogue scales,
//                adds beta*C, the bias and the ReLU while the tile is still in registers.
//   PackImageSlab  converts a block of an ImageBatch operand (uint8 images, normalized on the
//                fly) into a slab laid out like a block of a float matrix, a few column tiles at
//                a time, so the micro-kernel cannot tell the difference and the batch is never
//                written out as floats.
//   GemmDriver   the blocking (BLIS order): K in blocks of kKc so a tile of A stays in L2 and
//                the kKc x kC slice of op(B) in L1 while it is reused across the row tiles of
//                an M block of kMc rows; threads take chunks of C's column tiles
//                (engine/parallel.h).
//
// Summation order: every element of C is summed by one thread, K blocks in order, the steps
// of a block in order. The blocking does not depend on the thread count, so neither does the
// result. Vectors live in named variables, never arrays, because SVE vectors are sizeless.
#if defined(TINYMLP_ENGINE_GEMM_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_GEMM_INL_H_
#undef TINYMLP_ENGINE_GEMM_INL_H_
#else
#define TINYMLP_ENGINE_GEMM_INL_H_
#endif

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include <algorithm>

#include "engine/base/image_batch.h"
#include "engine/base/mat.h"
#include "engine/base/parallel.h"
#include "engine/ops/adam-inl.h"
#include "engine/ops/adam.h"
#include "engine/ops/gemm_layout.h"
#include "engine/ops/gemm_reference.h"  // Trans
#include "engine/ops/pixels-inl.h"
#include "engine/ops/simd_tail-inl.h"
#include "platform/threads.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Register tile: kTileVecs x kTileCols accumulators + kTileVecs A vectors + 1 broadcast must
// fit the register file. 32 registers (AVX-512, aarch64 NEON, SVE): 4 x 6 = 24 + 4 + 1;
// 16 registers (AVX2, SSE4): 3 x 4 = 12 + 3 + 1, 4 broadcasts a step for 12 FMAs where 2 x 6
// needs 6 (on Zen 3, against OpenBLAS call by call: the first layer's products 6-8 % faster,
// squares 0-8 %; docs/benchmarks.md); 2 x 4 on armv7, whose compiler also needs a register or
// two for addresses. EMU128 and SCALAR hold their "registers" in memory, so no shape is faster
// there; they take the smallest, which puts armv7's tile under the sanitizers too, and whose 8
// kernels compile in a third of the time of 3 x 4's 12 under ASan (clang's -ftime-trace: 195 ->
// 74 s; the sanitize build's gemm.cc took 290 of that build's 1,000 s of compiler time).
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128 || HWY_ARCH_ARM_V7
constexpr int kTileVecs = 2;
constexpr int kTileCols = 4;
#elif (HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3) || HWY_ARCH_ARM_A64
constexpr int kTileVecs = 4;
constexpr int kTileCols = 6;
#else
constexpr int kTileVecs = 3;
constexpr int kTileCols = 4;
#endif

// Whether MicroKernel unrolls its K loop (where it does, see there): on x86's SIMD targets. On
// aarch64 GCC's unrolled 4 x 6 tile spills accumulators to the stack (29 of the 32 registers are
// the tile's); EMU128 and SCALAR would only compile longer.
constexpr bool kUnrollK = HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128;

// Cache blocking (gemm_layout.h): K in blocks of gemm::kKc; an M block of about
// kMcBytes of packed A stays in L2 while the columns stream past.
using gemm::kKc;
constexpr size_t kMcBytes = 256 * 1024;
// A C of more bytes than this is not expected in cache when a tile's epilogue reads it back.
constexpr size_t kPrefetchCBytes = 1 << 20;
// op(A) is packed this many row tiles at a time (GemmDriver; PackATiles).
constexpr int kPackTiles = 8;
// An ImageBatch operand is converted for this many column tiles at a time.
constexpr int kImageSlabTiles = gemm::kImageSlabCols / kTileCols;

// What the last K block does to the tile before storing it.
enum class Epilogue { kNone, kBias, kBiasRelu, kDescend, kAdam };

// The epilogue and what it needs: the bias (M entries) for kBias and kBiasRelu; for kDescend,
// which turns C into C - eta * (op(A) op(B) + decay * C) (a gradient-descent step fused into the
// product that gives the gradient; K must fit one block, as C cannot hold partial sums), eta
// and decay; for kAdam, Adam's step on C from the gradient op(A) op(B) + decay * C, decay and
// `adam` (its moments laid out as C, from C's first element; its p and g unused).
struct EpilogueArgs {
  Epilogue kind = Epilogue::kNone;
  const float* bias = nullptr;
  float eta = 0, decay = 0;
  AdamArgs adam{};
};

template <class D>
HWY_INLINE int TileRows(D d) {
  return kTileVecs * static_cast<int>(hn::Lanes(d));
}

// Where one row tile of op(A) lives: element (r, p) of the tile at a[p * step + r].
struct ATile {
  const float* a;
  size_t step;
};

// The arguments of one micro-kernel call (plain data: no vectors in structs).
struct TileArgs {
  const float* a;  // the tile's slice of A at the block's first step
  size_t a_step;   // floats between consecutive steps of K in a
  int kc;          // steps of K in this block
  const float* b;  // op(B)(k0, j0)
  size_t b_step_p, b_step_j;
  float alpha, beta;     // beta is the C factor of this block: the caller's on the first, else 1
  bool read_c;           // false: C is not read (beta == 0 on the first block)
  Epilogue epilogue;     // applied on the last block only (kNone on the others)
  const float* bias;     // at the tile's first row
  float eta, decay;      // kDescend (decay also kAdam)
  const AdamArgs* adam;  // kAdam: the constants; m and v below are the moments at C(i0, j0)
  float *m, *v;
  float* c;  // C(i0, j0)
  size_t ldc;
  int rows;  // valid rows of the tile, <= kV * N
};

// Packs the row tiles over op(A)'s rows [row0, row0 + rows), whole tiles of R rows but the last:
// tile i's panel starts at packed + i * R * k and holds panel[p * S + r] = op(A)(row0 + i * R + r,
// p) for r < its rows and zero up to S, its rows rounded up to whole vectors (S = R but in a short
// last tile). With op(A) = A, column by column across all the tiles, so each step of K reads one
// run of A's column: tile by tile, 24 rows of AVX2's tile are 96 bytes of a column whose next is
// lda floats away (8 KiB in a 2048 x 2048 product), a page a step for the TLB and the prefetcher.
// Only steps [k0, k0 + kc) of K are packed (the panels keep their whole-K layout).
template <class D>
void PackATiles(D d, Trans ta, ConstMat a, int row0, int rows, int k, int k0, int kc, int R,
                float* HWY_RESTRICT packed) {
  const int N = static_cast<int>(hn::Lanes(d));
  const int tiles = (rows + R - 1) / R;
  auto tile_rows = [&](int i) { return std::min(R, rows - i * R); };
  auto tile_step = [&](int i) { return (tile_rows(i) + N - 1) / N * N; };
  if (ta == Trans::kNo) {
    for (int p = k0; p < k0 + kc; ++p) {
      const float* HWY_RESTRICT column = a.col(p) + row0;
      for (int i = 0; i < tiles; ++i) {
        const int n = tile_rows(i), step = tile_step(i);
        const float* HWY_RESTRICT src = column + i * R;
        float* HWY_RESTRICT out =
            packed + static_cast<size_t>(i) * R * k + static_cast<size_t>(p) * step;
        int r = 0;
        for (; r + N <= n; r += N) hn::Store(hn::LoadU(d, src + r), d, out + r);
        for (; r < n; ++r) out[r] = src[r];
        for (; r < step; ++r) out[r] = 0.0f;
      }
    }
    return;
  }
  // op(A)(i, p) = A(p, i): row i of a tile is column row0 + i of A, contiguous in p.
  for (int i = 0; i < tiles; ++i) {
    const int n = tile_rows(i), step = tile_step(i);
    float* HWY_RESTRICT tile = packed + static_cast<size_t>(i) * R * k;
    for (int r = 0; r < n; ++r) {
      const float* HWY_RESTRICT src = a.col(row0 + i * R + r);
      for (int p = k0; p < k0 + kc; ++p) tile[static_cast<size_t>(p) * step + r] = src[p];
    }
    for (int p = k0; p < k0 + kc; ++p)
      for (int r = n; r < step; ++r) tile[static_cast<size_t>(p) * step + r] = 0.0f;
  }
}

// Requests bytes [p, p + n) from memory, one cache line at a time.
HWY_INLINE void PrefetchBytes(const uint8_t* p, int n) {
  for (int i = 0; i < n; i += 64) hwy::Prefetch(p + i);
}

// Converts the block of op(B) = X or Xᵀ (X the images' matrix) at steps [k0, k0 + kc) of K and
// columns [j0, j0 + cols) into `slab`, laid out like a column block of a matrix: element (p, j)
// at slab[p * step_p + j * step_j]. Returns step_p, step_j.
//
// The images are scattered over the data set and, in the backward product, were last touched
// by whichever thread ran them forward, so every pack requests the bytes the next pack will
// read (the next K block, or the next slab of columns) while the tiles of this one compute.
// `next_block`: whether this thread packs the next K block too (not when the product is cut by
// K, where another chunk, maybe on another core, does: there each block starts cold).
struct SlabSteps {
  size_t p, j;
};
inline SlabSteps PackImageSlab(Trans tb, const ImageBatch& x, int k0, int kc, int j0, int cols,
                               bool next_block, float* HWY_RESTRICT slab) {
  auto image = [&](int j) { return x.pixels + static_cast<size_t>(x.index[j]) * x.size; };
  if (tb == Trans::kNo) {
    // Column j is pixels [k0, k0 + kc) of image j0 + j. A block nobody requested ahead (the
    // first, or any when cut by K) is requested kAhead images ahead of its conversion: a DRAM
    // miss takes longer than converting two images' blocks.
    constexpr int kAhead = 4;
    const int next = next_block ? std::min(kc, x.size - (k0 + kc)) : 0;
    const bool cold = k0 == 0 || !next_block;
    for (int j = 0; cold && j < std::min(kAhead, cols); ++j) PrefetchBytes(image(j0 + j) + k0, kc);
    for (int j = 0; j < cols; ++j) {
      if (next > 0) PrefetchBytes(image(j0 + j) + k0 + kc, next);
      if (cold && j + kAhead < cols) PrefetchBytes(image(j0 + j + kAhead) + k0, kc);
      NormalizePixels(image(j0 + j) + k0, x.mean + k0, x.inv_std + k0, kc,
                      slab + static_cast<size_t>(j) * kc, nullptr);
    }
    return {1, static_cast<size_t>(kc)};
  }
  // Row p is pixels [j0, j0 + cols) of image k0 + p.
  const int next = std::min(cols, x.size - (j0 + cols));
  for (int p = 0; p < kc; ++p) {
    if (next > 0) PrefetchBytes(image(k0 + p) + j0 + cols, next);
    NormalizePixels(image(k0 + p) + j0, x.mean + j0, x.inv_std + j0, cols,
                    slab + static_cast<size_t>(p) * cols, nullptr);
  }
  return {static_cast<size_t>(cols), 1};
}

// kDescend on one vector: c - eta * (acc + decay * c), rounded step by step as the separate
// gradient (decay * W, then + G inᵀ) and update (W - eta * dW) round it, so the fused step
// gives the same bits as the unfused one.
template <class D>
HWY_INLINE hn::Vec<D> Descend(D d, hn::Vec<D> acc, hn::Vec<D> c, const TileArgs& t) {
  const auto gradient = hn::Add(hn::Mul(hn::Set(d, t.decay), c), acc);
  return hn::Sub(c, hn::Mul(hn::Set(d, t.eta), gradient));
}

// epilogue(alpha * acc + beta * c) on one vector. C and the bias are read (load_c(),
// load_bias()) only when the epilogue needs them.
template <class D, class LoadC, class LoadBias>
HWY_INLINE hn::Vec<D> ApplyEpilogue(D d, hn::Vec<D> acc, const TileArgs& t, const LoadC& load_c,
                                    const LoadBias& load_bias) {
  acc = hn::Mul(acc, hn::Set(d, t.alpha));
  if (t.epilogue == Epilogue::kDescend) return Descend(d, acc, load_c(), t);
  if (t.read_c) acc = hn::MulAdd(hn::Set(d, t.beta), load_c(), acc);
  if (t.epilogue != Epilogue::kNone) acc = hn::Add(acc, load_bias());
  if (t.epilogue == Epilogue::kBiasRelu) acc = hn::Max(acc, hn::Zero(d));
  return acc;
}

// kAdam on `valid` elements of a tile column: the gradient g = acc + decay * w, rounded as the
// separate gradient (decay * W, then + the product) rounds it, then Adam's step on w and its
// moments m, v, as AdamStep (engine/ops/adam.h) takes it from the stored gradient.
template <class D>
HWY_INLINE void AdamTileVector(D d, hn::Vec<D> acc, const TileArgs& t, int valid, float* w,
                               float* m, float* v) {
#if !HWY_ARCH_ARM_V7  // 32-bit NEON: the scalar step below (see AdamVector)
  if (valid == static_cast<int>(hn::Lanes(d))) {
    const auto g = hn::Add(hn::Mul(hn::Set(d, t.decay), hn::LoadU(d, w)), acc);
    AdamVector(d, *t.adam, g, w, m, v);
    return;
  }
#endif
  HWY_ALIGN float g[HWY_MAX_BYTES / sizeof(float)];
  hn::Store(acc, d, g);
  for (int i = 0; i < valid; ++i) g[i] = t.decay * w[i] + g[i];
  AdamArgs a = *t.adam;
  a.p = w;
  a.m = m;
  a.v = v;
  a.g = g;
  reference::AdamStep(a, 0, static_cast<size_t>(valid));
}

// Stores one vector of a tile column: c[0 .. valid) = epilogue(alpha * acc + beta * c).
template <class D>
HWY_INLINE void StoreTileVector(D d, hn::Vec<D> acc, const TileArgs& t, int v, float* c) {
  const int N = static_cast<int>(hn::Lanes(d));
  const int r0 = v * N;
  const int valid = std::min(N, t.rows - r0);
  if (valid <= 0) return;
  if (t.epilogue == Epilogue::kAdam) {
    const size_t at = static_cast<size_t>(c - t.c) + r0;  // the moments are laid out as C
    AdamTileVector(d, acc, t, valid, c + r0, t.m + at, t.v + at);
    return;
  }
  if (valid == N) {
    const auto out = ApplyEpilogue(
        d, acc, t, [&] { return hn::LoadU(d, c + r0); }, [&] { return hn::LoadU(d, t.bias + r0); });
    hn::StoreU(out, d, c + r0);
  } else {
    const auto out = ApplyEpilogue(
        d, acc, t, [&] { return LoadTail(d, c + r0, valid, 0.0f); },
        [&] { return LoadTail(d, t.bias + r0, valid, 0.0f); });
    StoreTail(d, out, c + r0, valid);
  }
}

// kRows (1 or 2) rows of C below the last whole vector of rows, over columns [0, cols) of c =
// &C(r, j0), for one block of K, when op(B)'s rows are contiguous (b + p * step_p; tb = kYes). A
// tile would spend a whole vector of lanes on them (with M = 50 and 16 lanes, 14 of every 64 lanes
// would be padding); here the rows are computed along C's columns instead, each element with the
// same FMAs in the same order and the same epilogue as in a tile, so its bits do not change. Two
// rows at a time share each load of op(B) (one row at a time, the loop is bound by its loads:
// four of op(B)'s and one of A's for four FMAs). a_rows[i]: op(A)(r + i, k0 + p) at
// a_rows[i][p * a_step]. bias: at row r (read by a bias epilogue only), as RemainderRowsDot's.
template <int kRows>
inline void RemainderRows(const float* const* a_rows, size_t a_step, const float* HWY_RESTRICT b,
                          size_t step_p, int cols, const float* bias, const TileArgs& t, float* c,
                          size_t ldc) {
  static_assert(kRows == 1 || kRows == 2, "one or two rows");
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  const float* HWY_RESTRICT a0 = a_rows[0];
  const float* HWY_RESTRICT a1 = a_rows[kRows - 1];
  HWY_ALIGN float lanes[HWY_MAX_BYTES / sizeof(float)];
  for (int j = 0; j < cols; j += 4 * N) {
    const int n = std::min(4 * N, cols - j);
    // Four vectors of columns at a time: four independent FMA chains a row.
    auto load = [&](const float* row, int v) {
      const int count = n - v * N;
      if (count >= N) return hn::LoadU(d, row + v * N);
      return count > 0 ? LoadTail(d, row + v * N, count, 0.0f) : hn::Zero(d);
    };
    auto acc00 = hn::Zero(d), acc01 = hn::Zero(d), acc02 = hn::Zero(d), acc03 = hn::Zero(d);
    auto acc10 = hn::Zero(d), acc11 = hn::Zero(d), acc12 = hn::Zero(d), acc13 = hn::Zero(d);
    for (int p = 0; p < t.kc; ++p) {
      const float* row = b + p * step_p + j;
      const auto b0 = load(row, 0), b1 = load(row, 1), b2 = load(row, 2), b3 = load(row, 3);
      const auto av0 = hn::Set(d, a0[p * a_step]);
      acc00 = hn::MulAdd(av0, b0, acc00);
      acc01 = hn::MulAdd(av0, b1, acc01);
      acc02 = hn::MulAdd(av0, b2, acc02);
      acc03 = hn::MulAdd(av0, b3, acc03);
      if constexpr (kRows > 1) {
        const auto av1 = hn::Set(d, a1[p * a_step]);
        acc10 = hn::MulAdd(av1, b0, acc10);
        acc11 = hn::MulAdd(av1, b1, acc11);
        acc12 = hn::MulAdd(av1, b2, acc12);
        acc13 = hn::MulAdd(av1, b3, acc13);
      }
    }
    // C's rows are strided (ldc apart): through `lanes`, one vector at a time.
    auto finish = [&](hn::Vec<decltype(d)> acc, int i, int v) {
      const int count = std::min(N, n - v * N);
      if (count <= 0) return;
      float* out = c + i + static_cast<size_t>(j + v * N) * ldc;
      for (int e = 0; e < count; ++e) lanes[e] = out[e * ldc];
      const auto result = ApplyEpilogue(
          d, acc, t, [&] { return hn::Load(d, lanes); }, [&] { return hn::Set(d, bias[i]); });
      hn::Store(result, d, lanes);
      for (int e = 0; e < count; ++e) out[e * ldc] = lanes[e];
    };
    finish(acc00, 0, 0);
    finish(acc01, 0, 1);
    finish(acc02, 0, 2);
    finish(acc03, 0, 3);
    if constexpr (kRows > 1) {
      finish(acc10, 1, 0);
      finish(acc11, 1, 1);
      finish(acc12, 1, 2);
      finish(acc13, 1, 3);
    }
  }
}

// RemainderRowsDot sums in kDotLanes lanes on every target (two vectors of 8 on AVX2, four of 4
// on NEON), and it takes the rows of M past a multiple of kDotLanes when there are at most a
// quarter of kDotLanes of them (GemmDriver), so which rows it sums, and how, does not depend on
// the target's vector width.
constexpr int kDotLanes = 16;
constexpr int kMaxDotRemainderRows = kDotLanes / 4;

// One step of RemainderRowsDot: rows x0, x1 of op(A) times columns y0 .. y3 of op(B), into the
// eight sums s<row><column> (s1* unused with one row). A function, not a lambda: SVE vectors
// cannot be captured.
template <int kRows, class V>
HWY_INLINE void DotStep(V x0, V x1, V y0, V y1, V y2, V y3, V& s00, V& s01, V& s02, V& s03, V& s10,
                        V& s11, V& s12, V& s13) {
  s00 = hn::MulAdd(x0, y0, s00);
  s01 = hn::MulAdd(x0, y1, s01);
  s02 = hn::MulAdd(x0, y2, s02);
  s03 = hn::MulAdd(x0, y3, s03);
  if constexpr (kRows > 1) {
    s10 = hn::MulAdd(x1, y0, s10);
    s11 = hn::MulAdd(x1, y1, s11);
    s12 = hn::MulAdd(x1, y2, s12);
    s13 = hn::MulAdd(x1, y3, s13);
  }
}

// The sum of kDotLanes lanes in one fixed order (halves, then quarters, ...), whatever the
// vector width that computed them.
template <int kHalf>
HWY_INLINE void AddUpperHalf(float* HWY_RESTRICT lanes) {
  for (int i = 0; i < kHalf; ++i) lanes[i] += lanes[i + kHalf];
}
inline float SumDotLanes(float* HWY_RESTRICT lanes) {
  static_assert(kDotLanes == 16, "the halves below");
  // Fixed trip counts, so that the compiler adds each half with one vector instruction.
  AddUpperHalf<8>(lanes);
  AddUpperHalf<4>(lanes);
  AddUpperHalf<2>(lanes);
  AddUpperHalf<1>(lanes);
  return lanes[0];
}

// With AVX-512 one vector holds the kDotLanes lanes of a sum: SumDotLanes of two of them, x and y,
// in registers, into *sum_x and *sum_y, with the same additions lane for lane (each step adds the
// upper half of a run of lanes to its lower half, as SumDotLanes does), instead of through memory.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
constexpr bool kDotSumsInRegisters = true;
template <class D>
HWY_INLINE void SumDotLanesOfTwo(D d, hn::Vec<D> x, hn::Vec<D> y, float* sum_x, float* sum_y) {
  static_assert(hn::MaxLanes(D()) == kDotLanes, "one vector of kDotLanes lanes");
  HWY_ALIGN static constexpr int32_t kSwapQuarters[16] = {4,  5,  6,  7,  0, 1, 2,  3,
                                                          12, 13, 14, 15, 8, 9, 10, 11};
  // Lanes 0-7: x's lanes i + (i + 8); lanes 8-15: y's.
  auto v = hn::Add(hn::ConcatLowerLower(d, y, x), hn::ConcatUpperUpper(d, y, x));
  v = hn::Add(v, hn::TableLookupLanes(v, hn::SetTableIndices(d, kSwapQuarters)));  // i + (i + 4)
  v = hn::Add(v, hn::Shuffle1032(v));                                              // i + (i + 2)
  v = hn::Add(v, hn::Shuffle2301(v));                                              // i + (i + 1)
  HWY_ALIGN float lanes[kDotLanes];
  hn::Store(v, d, lanes);
  *sum_x = lanes[0];
  *sum_y = lanes[8];
}
#else
constexpr bool kDotSumsInRegisters = false;
#endif

// Up to two rows of C past the tiled rows, over columns [0, cols) of c = &C(r, j0), for one
// block of K, when op(B)'s columns are contiguous (b + j * step_j; tb = kNo: the forward product
// W X and every evaluation). Each element is a dot product along K: a tile would spend a whole
// vector of rows on them (with M = 50 and 16 lanes, 14 of every 64 lanes, a fifth of the
// forward product, would be padding), and C's row cannot be read along its columns without
// transposing op(B). Lane l of kDotLanes sums the steps p = l mod kDotLanes in order with FMAs,
// then SumDotLanes adds the lanes: the same operations in the same order on every target with
// FMA (AVX-512, AVX2, SVE, aarch64 NEON give the same bits), though another order than a tile's.
// The epilogue is the tile's. a_rows[q]: op(A)(r + q, k0 + p) at a_rows[q][p], contiguous.
template <int kRows>
HWY_NOINLINE void RemainderRowsDot(const float* const* a_rows, const float* HWY_RESTRICT b,
                                   size_t step_j, int cols, const float* bias, const TileArgs& t,
                                   float* c, size_t ldc) {
  const hn::ScalableTag<float> de;          // the epilogue's vectors: columns of C
  const hn::CappedTag<float, kDotLanes> d;  // the sums' vectors: at most kDotLanes lanes
  const int Ne = static_cast<int>(hn::Lanes(de)), N = static_cast<int>(hn::Lanes(d));
  HWY_ALIGN float sums[kRows][HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN float lanes[HWY_MAX_BYTES / sizeof(float)] = {};
  HWY_ALIGN float dot_lanes[2][4][kDotLanes];  // [row][column of the four][lane]
  const float* HWY_RESTRICT a0 = a_rows[0];
  const float* HWY_RESTRICT a1 = a_rows[kRows - 1];
  const int whole = t.kc / kDotLanes * kDotLanes, tail = t.kc - whole;
  for (int j = 0; j < cols; j += Ne) {
    const int n = std::min(Ne, cols - j);
    // Four columns at a time, so each row's load of A feeds four FMAs: eight independent chains
    // with two rows. Past the last column, the last again (its sums are not stored in C).
    for (int jj = 0; jj < n; jj += 4) {
      const float* HWY_RESTRICT b0 = b + static_cast<size_t>(j + jj) * step_j;
      const float* HWY_RESTRICT b1 = jj + 1 < n ? b0 + step_j : b0;
      const float* HWY_RESTRICT b2 = jj + 2 < n ? b1 + step_j : b1;
      const float* HWY_RESTRICT b3 = jj + 3 < n ? b2 + step_j : b2;
      // Lanes [s, s + N) of the kDotLanes, one vector's worth at a time.
      for (int s = 0; s < kDotLanes; s += N) {
        auto s00 = hn::Zero(d), s01 = hn::Zero(d), s02 = hn::Zero(d), s03 = hn::Zero(d);
        auto s10 = hn::Zero(d), s11 = hn::Zero(d), s12 = hn::Zero(d), s13 = hn::Zero(d);
        for (int p = s; p < whole; p += kDotLanes) {
          DotStep<kRows>(hn::LoadU(d, a0 + p), hn::LoadU(d, a1 + p), hn::LoadU(d, b0 + p),
                         hn::LoadU(d, b1 + p), hn::LoadU(d, b2 + p), hn::LoadU(d, b3 + p), s00, s01,
                         s02, s03, s10, s11, s12, s13);
        }
        const int count = std::min(N, tail - s), p = whole + s;
        if (count == N) {
          DotStep<kRows>(hn::LoadU(d, a0 + p), hn::LoadU(d, a1 + p), hn::LoadU(d, b0 + p),
                         hn::LoadU(d, b1 + p), hn::LoadU(d, b2 + p), hn::LoadU(d, b3 + p), s00, s01,
                         s02, s03, s10, s11, s12, s13);
        } else if (count > 0) {
          DotStep<kRows>(LoadTail(d, a0 + p, count, 0.0f), LoadTail(d, a1 + p, count, 0.0f),
                         LoadTail(d, b0 + p, count, 0.0f), LoadTail(d, b1 + p, count, 0.0f),
                         LoadTail(d, b2 + p, count, 0.0f), LoadTail(d, b3 + p, count, 0.0f), s00,
                         s01, s02, s03, s10, s11, s12, s13);
        }
        if constexpr (kDotSumsInRegisters) {
          // sums[q] has room past n: the sums of repeated columns land there, unused.
          SumDotLanesOfTwo(d, s00, s01, &sums[0][jj], &sums[0][jj + 1]);
          SumDotLanesOfTwo(d, s02, s03, &sums[0][jj + 2], &sums[0][jj + 3]);
          if constexpr (kRows > 1) {
            SumDotLanesOfTwo(d, s10, s11, &sums[1][jj], &sums[1][jj + 1]);
            SumDotLanesOfTwo(d, s12, s13, &sums[1][jj + 2], &sums[1][jj + 3]);
          }
        } else {
          hn::StoreU(s00, d, dot_lanes[0][0] + s);
          hn::StoreU(s01, d, dot_lanes[0][1] + s);
          hn::StoreU(s02, d, dot_lanes[0][2] + s);
          hn::StoreU(s03, d, dot_lanes[0][3] + s);
          hn::StoreU(s10, d, dot_lanes[1][0] + s);
          hn::StoreU(s11, d, dot_lanes[1][1] + s);
          hn::StoreU(s12, d, dot_lanes[1][2] + s);
          hn::StoreU(s13, d, dot_lanes[1][3] + s);
        }
      }
      if constexpr (!kDotSumsInRegisters) {
        for (int q = 0; q < kRows; ++q)
          for (int i = 0; i < 4 && jj + i < n; ++i) sums[q][jj + i] = SumDotLanes(dot_lanes[q][i]);
      }
    }
    // The epilogue, one row's n elements at a time; C's row is strided (ldc apart).
    for (int q = 0; q < kRows; ++q) {
      float* out = c + q + static_cast<size_t>(j) * ldc;
      for (int i = 0; i < n; ++i) lanes[i] = out[i * ldc];
      const auto result = ApplyEpilogue(
          de, hn::Load(de, sums[q]), t, [&] { return hn::Load(de, lanes); },
          [&] { return hn::Set(de, bias[q]); });
      hn::Store(result, de, lanes);
      for (int i = 0; i < n; ++i) out[i * ldc] = lanes[i];
    }
  }
}

// The accumulators of column J (vectors 0..3): declared for the widest tile, the unused ones
// are dead code for narrower tiles.
#define TINYMLP_GEMM_ACC(J) \
  auto c0##J = hn::Zero(d); \
  auto c1##J = hn::Zero(d); \
  auto c2##J = hn::Zero(d); \
  auto c3##J = hn::Zero(d)

// One step of K for column J: broadcast op(B)(p, J), multiply-add into the column's vectors.
#define TINYMLP_GEMM_STEP(J)                                 \
  if constexpr (kC > J) {                                    \
    const auto bv = hn::Set(d, b##J[off]);                   \
    c0##J = hn::MulAdd(a0, bv, c0##J);                       \
    if constexpr (kV > 1) c1##J = hn::MulAdd(a1, bv, c1##J); \
    if constexpr (kV > 2) c2##J = hn::MulAdd(a2, bv, c2##J); \
    if constexpr (kV > 3) c3##J = hn::MulAdd(a3, bv, c3##J); \
  }

// One step of K: the tile's slice of A, then every column's broadcast and FMAs; op(B)'s row
// at OFF elements from each column's start.
#define TINYMLP_GEMM_K_STEP(OFF)                        \
  {                                                     \
    const auto a0 = hn::LoadU(d, a);                    \
    auto a1 = a0, a2 = a0, a3 = a0;                     \
    if constexpr (kV > 1) a1 = hn::LoadU(d, a + N);     \
    if constexpr (kV > 2) a2 = hn::LoadU(d, a + 2 * N); \
    if constexpr (kV > 3) a3 = hn::LoadU(d, a + 3 * N); \
    a += a_step;                                        \
    const size_t off = (OFF);                           \
    TINYMLP_GEMM_STEP(0)                                \
    TINYMLP_GEMM_STEP(1)                                \
    TINYMLP_GEMM_STEP(2)                                \
    TINYMLP_GEMM_STEP(3)                                \
    TINYMLP_GEMM_STEP(4)                                \
    TINYMLP_GEMM_STEP(5)                                \
  }

#define TINYMLP_GEMM_STORE(J)                                  \
  if constexpr (kC > J) {                                      \
    float* cj = t.c + J * t.ldc;                               \
    StoreTileVector(d, c0##J, t, 0, cj);                       \
    if constexpr (kV > 1) StoreTileVector(d, c1##J, t, 1, cj); \
    if constexpr (kV > 2) StoreTileVector(d, c2##J, t, 2, cj); \
    if constexpr (kV > 3) StoreTileVector(d, c3##J, t, 3, cj); \
  }

template <int kV, int kC>
HWY_NOINLINE void MicroKernel(const TileArgs& t) {
  static_assert(kV >= 1 && kV <= 4 && kC >= 1 && kC <= 6, "tile shape");
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  TINYMLP_GEMM_ACC(0);
  TINYMLP_GEMM_ACC(1);
  TINYMLP_GEMM_ACC(2);
  TINYMLP_GEMM_ACC(3);
  TINYMLP_GEMM_ACC(4);
  TINYMLP_GEMM_ACC(5);
  const float* HWY_RESTRICT b0 = t.b;
  const float* HWY_RESTRICT b1 = b0 + t.b_step_j;
  const float* HWY_RESTRICT b2 = b1 + t.b_step_j;
  const float* HWY_RESTRICT b3 = b2 + t.b_step_j;
  const float* HWY_RESTRICT b4 = b3 + t.b_step_j;
  const float* HWY_RESTRICT b5 = b4 + t.b_step_j;
  const float* HWY_RESTRICT a = t.a;
  const size_t a_step = t.a_step, b_step_p = t.b_step_p;
  // Unrolled by 4 (kUnrollK) where op(B)'s rows are contiguous (a matrix B, an image slab) and
  // the tile has all kTileCols columns, as nearly every call of a large product has: on Zen 3
  // (AVX2), call by call against OpenBLAS, square products 3-10 % faster and the first layer's
  // forward product 3-7 % (docs/benchmarks.md). A strided op(B) (Bᵀ) measured up to 20 % slower
  // unrolled, and each unrolled kernel costs compile time (45 s more of gemm.cc's under the
  // sanitizers when all were). Unrolling changes no operation and no order, so no bit.
  bool unrolled = false;
  if constexpr (kUnrollK && kC == kTileCols) {
    if (b_step_p == 1) {
      HWY_UNROLL(4)
      for (int p = 0; p < t.kc; ++p) {
        TINYMLP_GEMM_K_STEP(static_cast<size_t>(p))
      }
      unrolled = true;
    }
  }
  if (!unrolled) {
    for (int p = 0; p < t.kc; ++p) {
      TINYMLP_GEMM_K_STEP(p * b_step_p)
    }
  }
  TINYMLP_GEMM_STORE(0)
  TINYMLP_GEMM_STORE(1)
  TINYMLP_GEMM_STORE(2)
  TINYMLP_GEMM_STORE(3)
  TINYMLP_GEMM_STORE(4)
  TINYMLP_GEMM_STORE(5)
}

#undef TINYMLP_GEMM_ACC
#undef TINYMLP_GEMM_STEP
#undef TINYMLP_GEMM_STORE
#undef TINYMLP_GEMM_K_STEP

template <int kV>
HWY_INLINE void MicroKernelCols(int cols, const TileArgs& t) {
  if constexpr (kV <= kTileVecs) {
    switch (cols) {
      case 6:
        if constexpr (kTileCols >= 6) MicroKernel<kV, 6>(t);
        break;
      case 5:
        if constexpr (kTileCols >= 5) MicroKernel<kV, 5>(t);
        break;
      case 4:
        MicroKernel<kV, 4>(t);
        break;
      case 3:
        MicroKernel<kV, 3>(t);
        break;
      case 2:
        MicroKernel<kV, 2>(t);
        break;
      default:
        MicroKernel<kV, 1>(t);
        break;
    }
  }
}

// Runs the kernel for a tile of `vecs` vectors and `cols` columns.
HWY_INLINE void RunTile(int vecs, int cols, const TileArgs& t) {
  switch (vecs) {
    case 4:
      MicroKernelCols<4>(cols, t);
      break;
    case 3:
      MicroKernelCols<3>(cols, t);
      break;
    case 2:
      MicroKernelCols<2>(cols, t);
      break;
    default:
      MicroKernelCols<1>(cols, t);
      break;
  }
}

// ParallelFor's callback for a lambda: defined per target, so it carries the target's code.
template <class F>
void RunChunk(const void* f, int i) {
  (*static_cast<const F*>(f))(i);
}

// Whether op(A) can be read in place, each tile from A's storage with A's ld as its step: A
// itself, and either
// - one row tile, every column padded to whole vectors inside A's storage (ld >= M rounded up
//   to vectors), so whole-vector loads stay inside the buffer (the padding's values only reach
//   lanes that are never stored); or
// - whole tiles only, each of whose columns is a run of 256 bytes or more (AVX-512's 64 rows):
//   the hardware prefetcher follows four cache lines a step as well as a packed panel, and the
//   copy is saved (a 1024-wide layer's forward product: 4.9 -> 4.0 ms at 1 thread; square
//   products 2-4 % faster, 256 x 256 on 2 threads 1.6x, its packing having run on one thread;
//   docs/benchmarks.md). With one cache line a step (AVX2's tile, then 16 rows) packing measured
//   1.3x faster, so those targets pack.
template <class D>
HWY_INLINE bool ReadAInPlace(D d, Trans ta, ConstMat a, int m) {
  const int N = static_cast<int>(hn::Lanes(d));
  const int R = TileRows(d);
  const int padded = (m + N - 1) / N * N;
  if (ta != Trans::kNo) return false;
  const bool one_padded_tile = m <= R && a.ld >= padded && a.ld <= 2 * R;
  const bool whole_long_tiles = m % R == 0 && R * sizeof(float) >= 256;
  return one_padded_tile || whole_long_tiles;
}

// The end of a product split along K: C = epilogue(P_0 + ... + P_{blocks-1} + beta * C), the
// partials P_i = alpha * (block i's product) at partials + i * M x N (ld M), summed in block
// order with the operations and roundings the unsplit driver applies between its K blocks
// (ApplyEpilogue with alpha = 1, which is exact), so the split changes no bit.
template <class D>
void SumKBlockPartials(D d, const float* partials, int blocks, float beta,
                       const EpilogueArgs& epilogue, Mat c) {
  const int N = static_cast<int>(hn::Lanes(d));
  const size_t block_floats = static_cast<size_t>(c.rows) * c.cols;
  TileArgs t{};
  t.alpha = 1.0f;
  for (int i = 0; i < blocks; ++i) {
    t.beta = i == 0 ? beta : 1.0f;
    t.read_c = i > 0 || beta != 0.0f;
    t.epilogue = i == blocks - 1 ? epilogue.kind : Epilogue::kNone;
    for (int j = 0; j < c.cols; ++j) {
      float* cj = c.col(j);
      const float* pj = partials + i * block_floats + static_cast<size_t>(j) * c.rows;
      for (int r = 0; r < c.rows; r += N) {
        const int valid = std::min(N, c.rows - r);
        auto load = [&](const float* p) {
          return valid == N ? hn::LoadU(d, p) : LoadTail(d, p, valid, 0.0f);
        };
        // C holds the sum of the blocks before this one (or, first, the caller's C).
        const auto sum = ApplyEpilogue(
            d, load(pj + r), t, [&] { return load(cj + r); },
            [&] { return load(epilogue.bias + r); });
        if (valid == N) {
          hn::StoreU(sum, d, cj + r);
        } else {
          StoreTail(d, sum, cj + r, valid);
        }
      }
    }
  }
}

// C = epilogue(alpha * op(A) op(B) + beta * C), op(B) from `b`, or from `images` when that is
// not null. Workspace: GemmWorkspaceFloats(M, K) floats (gemm_layout.h).
inline void GemmDriver(Trans ta, Trans tb, float alpha, ConstMat a, ConstMat b,
                       const ImageBatch* images, float beta, Mat c, const EpilogueArgs& epilogue,
                       float* HWY_RESTRICT workspace) {
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  const int m = c.rows, n = c.cols;
  const int k = ta == Trans::kNo ? a.cols : a.rows;
  if (m == 0 || n == 0) return;

  // Rows [0, tiled_m) go through register tiles; a few rows past whole vectors go through
  // RemainderRows when op(B)'s rows are contiguous, RemainderRowsDot when its columns are.
  // (Not with kAdam, whose epilogue neither has; a tile sums those rows the same way.)
  // RemainderRows: up to a quarter vector of rows, its bits those of a tile. RemainderRowsDot:
  // up to a quarter of kDotLanes past a multiple of kDotLanes, on every target alike.
  const int remainder_unit = tb == Trans::kYes ? N : kDotLanes;
  const bool thin_remainder = epilogue.kind != Epilogue::kAdam && m > remainder_unit &&
                              m % remainder_unit != 0 && m % remainder_unit <= remainder_unit / 4;
  const int tiled_m = thin_remainder ? m / remainder_unit * remainder_unit : m;
  const int R = TileRows(d);
  const int row_tiles = (tiled_m + R - 1) / R;
  const int col_tiles = (n + kTileCols - 1) / kTileCols;
  const bool in_place = ReadAInPlace(d, ta, a, tiled_m);
  const size_t b_step_p = tb == Trans::kNo ? 1 : static_cast<size_t>(b.ld);
  const size_t b_step_j = tb == Trans::kNo ? static_cast<size_t>(b.ld) : 1;
  HWY_ASSERT((epilogue.kind != Epilogue::kDescend && epilogue.kind != Epilogue::kAdam) || k <= kKc);
  const int kc_max = std::max(1, std::min(kKc, k));
  const int mc_tiles = std::max<int>(1, static_cast<int>(kMcBytes / (sizeof(float) * R * kc_max)));
  float* const slabs = workspace + gemm::PanelFloats(m, k);

  // Row tile t covers rows [t * R, t * R + rows_t) and has vecs_t vectors; its packed panel
  // (rows_t rounded up to vectors) x k starts at workspace + t * R * k.
  auto tile_vecs = [&](int t) { return std::min(kTileVecs, (tiled_m - t * R + N - 1) / N); };
  auto tile_of = [&](int t) -> ATile {
    if (in_place) return {a.data + static_cast<size_t>(t) * R, static_cast<size_t>(a.ld)};
    return {workspace + static_cast<size_t>(t) * R * k, static_cast<size_t>(tile_vecs(t) * N)};
  };

  // Packs row tiles [t0, t1) over steps [k0, k0 + kc) of K, kPackTiles tiles at a time
  // (PackATiles: a run of each of A's columns at a time).
  auto pack_tiles = [&](int t0, int t1, int k0, int kc) {
    for (int g = t0; g < t1; g += kPackTiles) {
      const int g1 = std::min(t1, g + kPackTiles);
      PackATiles(d, ta, a, g * R, std::min(g1 * R, tiled_m) - g * R, k, k0, kc, R,
                 const_cast<float*>(tile_of(g).a));
    }
  };

  // Threads pay from about 2 MFLOP. Chunks are up to gemm::kChunks contiguous runs of tiles that
  // threads claim as they come: runs of column tiles, or, when op(A) is larger than a core's L2
  // and op(B) has few columns (a wide layer's forward product, 1024 x 3072 times a batch of
  // 100), runs of row tiles. Cut by columns, every chunk would stream all of the packed A (12 MB
  // there) at 12 columns of work per load, and two cores would share the L3's bandwidth; cut by
  // rows, A is read once in all, and each chunk reads (or converts, from images) all of op(B)
  // instead, so rows win when op(A) has several times more rows than op(B) has columns
  // (measured at 1024 x 3072 and 512 x 1024 times 100: 2-thread forward 3.5 -> 2.9 and
  // 0.58 -> 0.46 ms; docs/benchmarks.md). Either way each element of C gets the same sums in
  // the same order, so the cut never changes a bit.
  const bool by_rows = static_cast<size_t>(tiled_m) * k * sizeof(float) >= (size_t{1} << 20) &&
                       row_tiles >= 4 &&
                       (col_tiles < 2 * gemm::kChunks || static_cast<long>(n) * 4 <= tiled_m);
  // Or, for a long K and few columns (the first layer's forward product, 50 x 3072 times a batch
  // of 100) on more than one thread, one chunk per K block, each into its own partial product,
  // summed in block order at the end (SumKBlockPartials: the same bits as one thread's blocks).
  // Cut by columns, every thread would read all of the weights each step while the backward
  // product, cut by pixels, updates them in parts: each step half the weights would cross from
  // core to core twice. Cut by K, a thread reads the weights of the pixels it updates in the
  // backward product (WorkerTeam hands each thread the same part of both; worker_team.h).
  const int k_blocks = (k + kc_max - 1) / kc_max;
  const bool threaded = 2.0 * m * n * k > 2e6 && (by_rows || col_tiles >= 4);
  const bool by_k = threaded && !by_rows && ThreadCount() > 1 &&
                    (epilogue.kind == Epilogue::kNone || epilogue.kind == Epilogue::kBias ||
                     epilogue.kind == Epilogue::kBiasRelu) &&
                    k_blocks >= 2 && k_blocks <= gemm::kChunks &&
                    static_cast<size_t>(k_blocks) * m * n <= gemm::kSplitKFloats;
  float* const partials = slabs + gemm::kChunks * gemm::ImageSlabFloats(k);
  const size_t c_bytes = static_cast<size_t>(c.ld) * n * sizeof(float);
  // RemainderRowsDot reads op(A)'s rows contiguous: with op(A) = A they are strided, so they
  // are copied, once into the workspace after the packed tiles, or, cut by K, each chunk its block
  // (the weights of the pixels it works on, which stay in its core's cache: a copy of whole rows up
  // front cost 30 us a step there, mostly cache lines crossing from the other core).
  const bool copy_rows = tb == Trans::kNo && ta == Trans::kNo && tiled_m < m;
  // (The packed tiles end at tiled_m rows rounded up to whole vectors, times k.)
  float* const a_rem = workspace + static_cast<size_t>((tiled_m + N - 1) / N * N) * k;
  for (int r = tiled_m; !by_k && copy_rows && r < m; ++r)
    for (int p = 0; p < k; ++p) a_rem[static_cast<size_t>(r - tiled_m) * k + p] = a(r, p);
  const int chunks = !threaded ? 1
                     : by_k    ? k_blocks
                               : std::min(gemm::kChunks, by_rows ? row_tiles : col_tiles);
  // Cut by K, each chunk packs the block of op(A) it uses just before its tiles run: the copy is
  // split among the threads with the work (up front, the calling thread packed all of the
  // default network's W1, 600 KB, while the other waited), and the block's panels are read back
  // from the cache of the core that wrote them. On Zen 3 at 2 threads, call by call, the first
  // layer's forward product ran 6-10 % faster (docs/benchmarks.md). Otherwise op(A) is packed up
  // front, split among the threads in groups of kPackTiles tiles when it is large enough to pay.
  // (Packed by each chunk, the rows of a wide layer's forward product, cut by rows, were no
  // faster at 2 threads and slower at 1.)
  const bool pack_in_chunks = !in_place && by_k;
  if (!in_place && !pack_in_chunks) {
    const int groups = (row_tiles + kPackTiles - 1) / kPackTiles;
    auto pack_group = [&](int g) {
      pack_tiles(g * kPackTiles, std::min(row_tiles, (g + 1) * kPackTiles), 0, k);
    };
    if (static_cast<long>(tiled_m) * k >= (1L << 18) && groups >= 2) {
      ParallelFor(groups, &RunChunk<decltype(pack_group)>, &pack_group);
    } else {
      for (int g = 0; g < groups; ++g) pack_group(g);
    }
  }
  auto run_chunk = [&](int chunk) {
    auto part = [&](int count, int i) {
      return static_cast<int>(static_cast<long>(count) * i / chunks);
    };
    const bool by_cols = !by_rows && !by_k;
    const int jt_begin = by_cols ? part(col_tiles, chunk) : 0;
    const int jt_end = by_cols ? part(col_tiles, chunk + 1) : col_tiles;
    const int t_begin = by_rows ? part(row_tiles, chunk) : 0;
    const int t_end = by_rows ? part(row_tiles, chunk + 1) : row_tiles;
    // The rows past the tiles go with the last run of rows (all of them, otherwise).
    const bool remainder_rows = !by_rows || chunk == chunks - 1;
    // The rows past the tiles when RemainderRowsDot sums them from A's columns (below).
    HWY_ALIGN float a_rows[kMaxDotRemainderRows * kKc];
    // Cut by K: this chunk's block, into its partial product, without beta or the epilogue.
    const int k_begin = by_k ? chunk * kc_max : 0, k_end = by_k ? std::min(k, k_begin + kc_max) : k;
    const Mat out = by_k ? Mat(partials + static_cast<size_t>(chunk) * m * n, m, n, m) : c;
    const float out_beta = by_k ? 0.0f : beta;
    const Epilogue out_kind = by_k ? Epilogue::kNone : epilogue.kind;
    const float* const out_bias = by_k ? nullptr : epilogue.bias;
    // Images are converted a slab of column tiles at a time into the chunk's own slab; a
    // matrix B is read in place, the whole chunk at once.
    const int group_tiles = images != nullptr ? kImageSlabTiles : jt_end - jt_begin;
    float* const slab = slabs + chunk * gemm::ImageSlabFloats(k);
    TileArgs args;
    args.alpha = alpha;
    args.eta = epilogue.eta;
    args.decay = epilogue.decay;
    args.adam = &epilogue.adam;
    args.ldc = static_cast<size_t>(out.ld);
    // With k == 0 one empty block still applies beta and the epilogue.
    for (int k0 = k_begin; k0 == k_begin || k0 < k_end; k0 += kc_max) {
      const int kc = std::min(kc_max, k_end - k0);
      const bool first = k0 == k_begin, last = k0 + kc >= k_end;
      args.kc = kc;
      args.beta = first ? out_beta : 1.0f;
      args.read_c = !first || out_beta != 0.0f;
      args.epilogue = last ? out_kind : Epilogue::kNone;
      // Whether the next tile's epilogue inputs are requested ahead (below): Adam's moments are
      // rarely in cache; C only when it is too large to stay there (the default network's
      // weights, 600 KB, do: requesting them cost its fused SGD step a few per cent).
      const bool prefetch_epilogue =
          args.epilogue == Epilogue::kAdam ||
          ((args.read_c || args.epilogue == Epilogue::kDescend) && c_bytes > kPrefetchCBytes);
      if (pack_in_chunks) pack_tiles(t_begin, t_end, k0, kc);
      // Cut by K, each chunk copies the rows' block it needs (see a_rem).
      for (int r = tiled_m; by_k && copy_rows && r < m; ++r)
        for (int p = 0; p < kc; ++p) a_rows[(r - tiled_m) * kKc + p] = a(r, k0 + p);
      for (int g0 = jt_begin; g0 < jt_end; g0 += group_tiles) {
        const int g1 = std::min(jt_end, g0 + group_tiles);
        const int j0 = g0 * kTileCols;
        const float* b_block = slab;
        if (images != nullptr) {
          const SlabSteps steps =
              PackImageSlab(tb, *images, k0, kc, j0, std::min(n, g1 * kTileCols) - j0, !by_k, slab);
          args.b_step_p = steps.p;
          args.b_step_j = steps.j;
        } else {
          b_block = b.data + j0 * b_step_j + k0 * b_step_p;
          args.b_step_p = b_step_p;
          args.b_step_j = b_step_j;
        }
        for (int t0 = t_begin; t0 < t_end; t0 += mc_tiles) {
          const int t1 = std::min(t_end, t0 + mc_tiles);
          for (int jt = g0; jt < g1; ++jt) {
            const int cols = std::min(kTileCols, n - jt * kTileCols);
            args.b = b_block + (jt - g0) * kTileCols * args.b_step_j;
            for (int t = t0; t < t1; ++t) {
              const ATile tile = tile_of(t);
              args.a = tile.a + static_cast<size_t>(k0) * tile.step;
              args.a_step = tile.step;
              args.bias = out_bias == nullptr ? nullptr : out_bias + t * R;
              args.c = out.col(jt * kTileCols) + t * R;
              if (epilogue.kind == Epilogue::kAdam) {
                const size_t at = static_cast<size_t>(args.c - c.data);
                args.m = epilogue.adam.m + at;
                args.v = epilogue.adam.v + at;
              }
              args.rows = std::min(R, tiled_m - t * R);
              if (prefetch_epilogue) {
                // The next tile's epilogue reads its part of C (and with kAdam both moments),
                // rarely in cache: a wide layer's W, m and v are 12 MB each, and a large
                // product's C is read back after every K block (2048 x 2048: 16 MB, past the L3
                // with the operands). Request them now, so they arrive while this tile computes
                // instead of stalling the next one's stores.
                const bool down = t + 1 < t1;
                if (down || jt + 1 < g1) {
                  const int next_t = down ? t + 1 : t0, next_jt = down ? jt : jt + 1;
                  const int next_cols = std::min(kTileCols, n - next_jt * kTileCols);
                  const int bytes =
                      std::min(R, tiled_m - next_t * R) * static_cast<int>(sizeof(float));
                  const size_t at =
                      static_cast<size_t>(out.col(next_jt * kTileCols) + next_t * R - out.data);
                  for (int j = 0; j < next_cols; ++j) {
                    const size_t col = at + j * args.ldc;
                    PrefetchBytes(reinterpret_cast<const uint8_t*>(out.data + col), bytes);
                    if (epilogue.kind != Epilogue::kAdam) continue;
                    PrefetchBytes(reinterpret_cast<const uint8_t*>(epilogue.adam.m + col), bytes);
                    PrefetchBytes(reinterpret_cast<const uint8_t*>(epilogue.adam.v + col), bytes);
                  }
                }
              }
              RunTile(tile_vecs(t), cols, args);
            }
          }
        }
        const int group_cols = std::min(n, g1 * kTileCols) - j0;
        for (int r = tiled_m; remainder_rows && tb == Trans::kNo && r < m; r += 2) {
          // op(A)'s rows r, r + 1 from k0: the copy above, or columns of A (op(A) = Aᵀ).
          auto row = [&](int i) -> const float* {
            if (ta == Trans::kYes) return a.data + k0 + static_cast<size_t>(i) * a.ld;
            return by_k ? a_rows + (i - tiled_m) * kKc
                        : a_rem + static_cast<size_t>(i - tiled_m) * k + k0;
          };
          const float* rows[2] = {row(r), row(std::min(r + 1, m - 1))};
          const float* bias = out_bias == nullptr ? nullptr : out_bias + r;
          if (r + 1 < m) {
            RemainderRowsDot<2>(rows, b_block, args.b_step_j, group_cols, bias, args,
                                out.col(j0) + r, args.ldc);
          } else {
            RemainderRowsDot<1>(rows, b_block, args.b_step_j, group_cols, bias, args,
                                out.col(j0) + r, args.ldc);
          }
        }
        for (int r = tiled_m; remainder_rows && tb == Trans::kYes && r < m; r += 2) {
          const bool a_cols = ta == Trans::kNo;  // op(A)(r, p) = A(r, p): a row of A is strided
          auto a_row = [&](int i) -> const float* {
            return a_cols ? a.data + i + static_cast<size_t>(k0) * a.ld
                          : a.data + k0 + static_cast<size_t>(i) * a.ld;
          };
          const float* rows[2] = {a_row(r), a_row(std::min(r + 1, m - 1))};
          const size_t a_step = a_cols ? static_cast<size_t>(a.ld) : 1;
          const float* bias = out_bias == nullptr ? nullptr : out_bias + r;
          if (r + 1 < m) {
            RemainderRows<2>(rows, a_step, b_block, args.b_step_p, group_cols, bias, args,
                             out.col(j0) + r, args.ldc);
          } else {
            RemainderRows<1>(rows, a_step, b_block, args.b_step_p, group_cols, bias, args,
                             out.col(j0) + r, args.ldc);
          }
        }
      }
    }
  };
  if (chunks == 1) {
    run_chunk(0);
  } else {
    ParallelFor(chunks, &RunChunk<decltype(run_chunk)>, &run_chunk);
  }
  if (by_k) SumKBlockPartials(d, partials, k_blocks, beta, epilogue, c);
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
