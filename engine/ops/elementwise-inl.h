// Per-target element-wise kernels and reductions (interface: elementwise.h; dispatch:
// elementwise.cc). Each walks a column in whole vectors and finishes with one partial vector
// (simd_tail-inl.h).
#if defined(TINYMLP_ENGINE_ELEMENTWISE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef TINYMLP_ENGINE_ELEMENTWISE_INL_H_
#undef TINYMLP_ENGINE_ELEMENTWISE_INL_H_
#else
#define TINYMLP_ENGINE_ELEMENTWISE_INL_H_
#endif

#include <hwy/contrib/math/math-inl.h>
#include <hwy/highway.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/base/mat.h"
#include "engine/ops/simd_tail-inl.h"

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Applies f(d, v, i) -> vector to every element of column-major x, in place; i is the row of
// the vector's first lane.
template <class Func>
HWY_INLINE void TransformColumns(Mat x, const Func& f) {
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  for (int j = 0; j < x.cols; ++j) {
    float* HWY_RESTRICT col = x.col(j);
    int i = 0;
    for (; i + N <= x.rows; i += N) hn::StoreU(f(d, hn::LoadU(d, col + i), i), d, col + i);
    if (i < x.rows) {
      const size_t rest = static_cast<size_t>(x.rows - i);
      StoreTail(d, f(d, LoadTail(d, col + i, rest, 0.0f), i), col + i, rest);
    }
  }
}

// Loads bias[i ..]: whole vector, or the tail when fewer than N rows remain.
template <class D>
HWY_INLINE hn::Vec<D> LoadRows(D d, const float* HWY_RESTRICT p, int i, int rows) {
  const int N = static_cast<int>(hn::Lanes(d));
  return i + N <= rows ? hn::LoadU(d, p + i) : LoadTail(d, p + i, rows - i, 0.0f);
}

void AddBiasTarget(const float* HWY_RESTRICT bias, Mat x) {
  TransformColumns(x,
                   [&](auto d, auto v, int i) { return hn::Add(v, LoadRows(d, bias, i, x.rows)); });
}

void AddBiasReluTarget(const float* HWY_RESTRICT bias, Mat x) {
  TransformColumns(x, [&](auto d, auto v, int i) {
    return hn::Max(hn::Add(v, LoadRows(d, bias, i, x.rows)), hn::Zero(d));
  });
}

void ReluForwardTarget(Mat x) {
  TransformColumns(x, [](auto d, auto v, int) { return hn::Max(v, hn::Zero(d)); });
}

// g(i, j) = h(i, j) > 0 ? g(i, j) [* mask(i, j)] : 0; mask is empty (no data) for the plain ReLU.
HWY_INLINE void ReluBackwardColumns(ConstMat h, ConstMat mask, Mat g) {
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  const bool masked = mask.data != nullptr;
  for (int j = 0; j < g.cols; ++j) {
    const float* HWY_RESTRICT hc = h.col(j);
    const float* HWY_RESTRICT mc = masked ? mask.col(j) : nullptr;
    float* HWY_RESTRICT gc = g.col(j);
    int i = 0;
    for (; i + N <= g.rows; i += N) {
      const auto active = hn::Gt(hn::LoadU(d, hc + i), hn::Zero(d));
      auto v = hn::LoadU(d, gc + i);
      if (masked) v = hn::Mul(v, hn::LoadU(d, mc + i));
      hn::StoreU(hn::IfThenElseZero(active, v), d, gc + i);
    }
    for (; i < g.rows; ++i) gc[i] = hc[i] > 0.0f ? (masked ? gc[i] * mc[i] : gc[i]) : 0.0f;
  }
}

void ReluBackwardTarget(ConstMat h, Mat g) { ReluBackwardColumns(h, ConstMat(), g); }

void ReluBackwardMaskedTarget(ConstMat h, ConstMat mask, Mat g) { ReluBackwardColumns(h, mask, g); }

void RowSumsTarget(ConstMat x, float alpha, float* HWY_RESTRICT out) {
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  int i = 0;
  for (; i + N <= x.rows; i += N) {
    auto sum = hn::Zero(d);
    for (int j = 0; j < x.cols; ++j) sum = hn::Add(sum, hn::LoadU(d, x.col(j) + i));
    hn::StoreU(hn::Mul(sum, hn::Set(d, alpha)), d, out + i);
  }
  if (i < x.rows) {
    const size_t rest = static_cast<size_t>(x.rows - i);
    auto sum = hn::Zero(d);
    for (int j = 0; j < x.cols; ++j) sum = hn::Add(sum, LoadTail(d, x.col(j) + i, rest, 0.0f));
    StoreTail(d, hn::Mul(sum, hn::Set(d, alpha)), out + i, rest);
  }
}

// exp(x), and NaN where x is NaN. Highway 1.0.3's Exp turns its argument into an integer
// exponent, which is undefined behaviour for NaN on the emulated targets (EMU128, SCALAR):
// UBSan's float-cast-overflow check found it through a crafted model whose scores overflowed
// to inf - inf. NaN lanes go in as 0 and come out as the NaN they were; every other lane gets
// hn::Exp's bits.
template <class D, class V>
HWY_INLINE V ExpOrNaN(D d, V x) {
  const auto is_number = hn::Eq(x, x);
  return hn::IfThenElse(is_number, hn::Exp(d, hn::IfThenElseZero(is_number, x)), x);
}

// Softmax, cross-entropy and, when g.data is not null, the gradient g = (p - Y) * scale, in one
// pass over each column (the normalizing pass writes p and g together).
double SoftmaxCrossEntropyColumns(ConstMat s, const uint8_t* HWY_RESTRICT labels, Mat p, Mat g,
                                  float scale) {
  const hn::ScalableTag<float> d;
  const int N = static_cast<int>(hn::Lanes(d));
  const float kLowest = std::numeric_limits<float>::lowest();
  double loss = 0.0;
  for (int j = 0; j < s.cols; ++j) {
    const float* HWY_RESTRICT sc = s.col(j);
    float* pc = p.col(j);  // may alias sc
    const int rows = s.rows;
    // Pass 1: the column's max; the tail is padded with the lowest float so it never wins.
    auto vmax = hn::Set(d, kLowest);
    int i = 0;
    for (; i + N <= rows; i += N) vmax = hn::Max(vmax, hn::LoadU(d, sc + i));
    if (i < rows) vmax = hn::Max(vmax, LoadTail(d, sc + i, rows - i, kLowest));
    const float max = hn::GetLane(hn::MaxOfLanes(d, vmax));
    // Pass 2: e = exp(s - max) into p, and its sum. Padding lanes are masked out of the sum.
    const auto shift = hn::Set(d, max);
    auto vsum = hn::Zero(d);
    float label_score = 0.0f;
    if (labels != nullptr) label_score = sc[labels[j]] - max;
    for (i = 0; i + N <= rows; i += N) {
      const auto e = ExpOrNaN(d, hn::Sub(hn::LoadU(d, sc + i), shift));
      vsum = hn::Add(vsum, e);
      hn::StoreU(e, d, pc + i);
    }
    if (i < rows) {
      const size_t rest = static_cast<size_t>(rows - i);
      const auto e = ExpOrNaN(d, hn::Sub(LoadTail(d, sc + i, rest, kLowest), shift));
      vsum = hn::Add(vsum, hn::IfThenElseZero(hn::FirstN(d, rest), e));
      StoreTail(d, e, pc + i, rest);
    }
    const float sum = hn::GetLane(hn::SumOfLanes(d, vsum));
    // Pass 3: normalize (and the gradient, from the same registers).
    const auto inv = hn::Set(d, 1.0f / sum);
    if (g.data == nullptr) {
      for (i = 0; i + N <= rows; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, pc + i), inv), d, pc + i);
      for (; i < rows; ++i) pc[i] *= 1.0f / sum;
    } else {
      float* HWY_RESTRICT gc = g.col(j);
      const auto vscale = hn::Set(d, scale);
      for (i = 0; i + N <= rows; i += N) {
        const auto pv = hn::Mul(hn::LoadU(d, pc + i), inv);
        hn::StoreU(pv, d, pc + i);
        hn::StoreU(hn::Mul(pv, vscale), d, gc + i);
      }
      for (; i < rows; ++i) {
        pc[i] *= 1.0f / sum;
        gc[i] = pc[i] * scale;
      }
      gc[labels[j]] -= scale;
    }
    if (labels != nullptr) loss += std::log(static_cast<double>(sum)) - label_score;
  }
  return loss;
}

double SoftmaxCrossEntropyTarget(ConstMat s, const uint8_t* HWY_RESTRICT labels, Mat p) {
  return SoftmaxCrossEntropyColumns(s, labels, p, Mat(), 0.0f);
}

double SoftmaxCrossEntropyBackwardTarget(ConstMat s, const uint8_t* HWY_RESTRICT labels,
                                         float scale, Mat p, Mat g) {
  return SoftmaxCrossEntropyColumns(s, labels, p, g, scale);
}

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#endif  // include guard toggle
