// The GEMM's blocking constants and how its workspace is carved, in one place: gemm-inl.h
// (compiled once per target) follows this layout and GemmWorkspaceFloats (gemm.cc) sizes it.
#pragma once

#include <algorithm>
#include <cstddef>

namespace tinymlp::gemm {

// K in blocks of kKc steps: a kKc x kTileCols slice of op(B) is 9 KiB, for L1. GemmDescend
// (gemm.h) needs K in one block: kGemmDescendMaxK is this.
constexpr int kKc = 384;
// C is cut into at most kChunks contiguous runs of column tiles (or of row tiles) that threads
// claim.
constexpr int kChunks = 8;
// The widest vector any target may have, in floats (SVE allows 2048 bits).
constexpr int kMaxLanes = 2048 / 32;
// An ImageBatch operand is converted into slabs of up to kKc x kImageSlabCols floats.
constexpr int kImageSlabCols = 96;

// Packed op(A): each row tile padded to whole vectors, so at most (M + kMaxLanes) x K floats;
// rounded to 64 bytes so what follows stays aligned.
inline size_t PanelFloats(int m, int k) {
  const size_t floats = (static_cast<size_t>(m) + kMaxLanes) * static_cast<size_t>(k);
  return (floats + 15) / 16 * 16;
}

// One image slab per chunk, after the panels.
inline size_t ImageSlabFloats(int k) {
  return static_cast<size_t>(std::max(1, std::min(kKc, k))) * kImageSlabCols;
}

// A product split along K (gemm-inl.h's GemmDriver: a threaded product with few columns and a
// long K, the first layer's forward W X) keeps each K block's partial M x N product, at most
// kSplitKFloats floats in all, after the slabs.
constexpr size_t kSplitKFloats = 64 * 1024;

inline size_t WorkspaceFloats(int m, int k) {
  return PanelFloats(m, k) + kChunks * ImageSlabFloats(k) + kSplitKFloats;
}

}  // namespace tinymlp::gemm
