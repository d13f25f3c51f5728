// The layers' forward/backward pairs (layers.h), on the kernels of engine/ops/kernels.h.
#include "engine/model/layers.h"

#include <algorithm>
#include <type_traits>

#include "engine/base/parallel.h"
#include "engine/base/rng.h"
#include "engine/model/batch_norm.h"
#include "engine/ops/kernels.h"

namespace tinymlp {
namespace {

// Calls f with the input's operand: the matrix, or the images.
template <typename T, typename F>
void WithOperand(const MlpInput<T>& x, const F& f) {
  if (x.images != nullptr) {
    f(*x.images);
  } else {
    f(x.mat);
  }
}

}  // namespace

template <typename T>
AdamArgs GradientSink<T>::AdamAt(const T* p) const {
  const size_t offset = static_cast<size_t>(p - params_);
  AdamArgs state = adam_;
  state.m += offset;
  state.v += offset;
  return state;
}

template <typename T>
void GradientSink<T>::Weights(MatView<const T> g, const MlpInput<T>& x, T lambda, MatView<T> w,
                              MatView<T> dw, float* ws) const {
  if (mode_ == Mode::kDescend) {
    WithOperand(x, [&](const auto& op) {
      GemmDescend(Trans::kNo, Trans::kYes, eta_, 2 * lambda, g, op, w, ws);
    });
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (mode_ == Mode::kAdam) {
      const AdamArgs state = AdamAt(w.data);
      WithOperand(x, [&](const auto& op) {
        GemmAdam(Trans::kNo, Trans::kYes, 2 * lambda, state, g, op, w, ws);
      });
      return;
    }
  }
  for (int c = 0; c < w.cols; ++c)
    for (int r = 0; r < w.rows; ++r) dw(r, c) = 2 * lambda * w(r, c);
  WithOperand(x, [&](const auto& op) { Gemm(Trans::kNo, Trans::kYes, T(1), g, op, T(1), dw, ws); });
}

template <typename T>
void GradientSink<T>::Vector(T* p, const T* g, int n) const {
  if (mode_ == Mode::kDescend) {
    for (int i = 0; i < n; ++i) p[i] -= eta_ * g[i];
  }
  if constexpr (std::is_same_v<T, float>) {
    if (mode_ == Mode::kAdam) {
      AdamArgs state = AdamAt(p);
      state.p = p;
      state.g = g;
      AdamStep(state, 0, static_cast<size_t>(n));
    }
  }
}

template <typename T>
void LinearForward(MatView<const T> w, const T* b, const MlpInput<T>& x, Activation activation,
                   MatView<T> out, float* ws) {
  WithOperand(x, [&](const auto& op) {
    if (b == nullptr) {
      Gemm(Trans::kNo, Trans::kNo, T(1), w, op, T(0), out, ws);
      if (activation == Activation::kRelu) ReluForward(out);
    } else if (activation == Activation::kRelu) {
      GemmBiasRelu(Trans::kNo, Trans::kNo, w, op, b, out, ws);
    } else {
      GemmBias(Trans::kNo, Trans::kNo, w, op, b, out, ws);
    }
  });
}

template <typename T>
void LinearBackward(MatView<T> w, T* b, const MlpInput<T>& x, MatView<const T> g, T lambda,
                    const GradientSink<T>& sink, MatView<T> dw, T* db, MatView<T> dx, float* ws) {
  if (dx.data != nullptr) Gemm(Trans::kYes, Trans::kNo, T(1), MatView<const T>(w), g, T(0), dx, ws);
  sink.Weights(g, x, lambda, w, dw, ws);
  if (b != nullptr) {
    RowSums(g, T(1), db);
    sink.Vector(b, db, w.rows);
  }
}

template <typename T>
void DropoutForward(float p, uint64_t* rng_state, MatView<T> mask, MatView<T> h) {
  const double keep = 1.0 - p;
  const T scale = static_cast<T>(1.0 / keep);
  const uint64_t kept_below = Rng::UniformThreshold(keep);  // draws that keep a unit
  // Element (i, j) takes draw j * rows + i of the stream, whichever thread draws it: columns are
  // split between threads, each skipping to its first column's draw (a wide layer's mask is
  // 100 K draws, a few tenths of a millisecond on one core).
  const uint64_t start = *rng_state;
  const size_t grain = std::max(1, 16384 / std::max(1, h.rows));
  ParallelRanges(static_cast<size_t>(h.cols), grain, [&](size_t begin, size_t end) {
    Rng rng(start);
    rng.Skip(static_cast<uint64_t>(begin) * h.rows);
    for (int j = static_cast<int>(begin); j < static_cast<int>(end); ++j) {
      for (int i = 0; i < h.rows; ++i) {
        mask(i, j) = (rng.Next() >> 11) < kept_below ? scale : T(0);  // rng.Uniform() < keep
        h(i, j) *= mask(i, j);
      }
    }
  });
  Rng rng(start);
  rng.Skip(static_cast<uint64_t>(h.cols) * h.rows);
  *rng_state = rng.Next();
}

template <typename T>
void ReluDropoutBackward(MatView<const T> h, MatView<const T> mask, MatView<T> g) {
  // Threads take the runs of rows batch norm's backward after it takes (batch_norm.h).
  ParallelRanges(static_cast<size_t>(g.rows), kBatchNormRowRun, [&](size_t begin, size_t end) {
    const int r0 = static_cast<int>(begin), rows = static_cast<int>(end - begin);
    if (mask.data == nullptr) {
      ReluBackward(h.rows_block(r0, rows), g.rows_block(r0, rows));
    } else {
      ReluBackwardMasked(h.rows_block(r0, rows), mask.rows_block(r0, rows), g.rows_block(r0, rows));
    }
  });
}

template <typename T>
double SoftmaxCrossEntropyForward(MatView<const T> scores, const uint8_t* labels, MatView<T> probs,
                                  MatView<T> dscores) {
  if (labels == nullptr) return SoftmaxCrossEntropy(scores, labels, probs);
  return SoftmaxCrossEntropyBackward(scores, labels, T(1) / scores.cols, probs, dscores);
}

#define TINYMLP_INSTANTIATE(T)                                                                 \
  template class GradientSink<T>;                                                              \
  template void LinearForward<T>(MatView<const T>, const T*, const MlpInput<T>&, Activation,   \
                                 MatView<T>, float*);                                          \
  template void LinearBackward<T>(MatView<T>, T*, const MlpInput<T>&, MatView<const T>, T,     \
                                  const GradientSink<T>&, MatView<T>, T*, MatView<T>, float*); \
  template void DropoutForward<T>(float, uint64_t*, MatView<T>, MatView<T>);                   \
  template void ReluDropoutBackward<T>(MatView<const T>, MatView<const T>, MatView<T>);        \
  template double SoftmaxCrossEntropyForward<T>(MatView<const T>, const uint8_t*, MatView<T>,  \
                                                MatView<T>);
TINYMLP_INSTANTIATE(float)
TINYMLP_INSTANTIATE(double)
#undef TINYMLP_INSTANTIATE

}  // namespace tinymlp
