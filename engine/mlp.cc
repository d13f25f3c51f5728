#include "engine/mlp.h"

#include <algorithm>
#include <cmath>

#include "engine/kernels.h"
#include "engine/parallel.h"
#include "engine/rng.h"

namespace tinymlp {
namespace {

// The largest op(A) any product of a step packs: forward packs W (out x in); backward packs
// G (out x B) and Wᵀ (in x out).
size_t GemmWorkspaceFor(const MlpShape& shape, int max_batch) {
  size_t floats = 0;
  for (int l = 0; l < shape.layers(); ++l) {
    floats = std::max({floats, GemmWorkspaceFloats(shape.out(l), shape.in(l)),
                       GemmWorkspaceFloats(shape.out(l), max_batch),
                       GemmWorkspaceFloats(shape.in(l), shape.out(l))});
  }
  return floats;
}

}  // namespace

int MlpShape::max_width() const {
  int width = classes;
  for (int h : hidden) width = std::max(width, h);
  return width;
}

size_t MlpShape::parameter_count() const {
  size_t count = 0;
  for (int l = 0; l < layers(); ++l) count += static_cast<size_t>(out(l)) * (in(l) + 1);
  return count;
}

template <typename T>
size_t MlpParams<T>::Bytes(const MlpShape& shape) {
  size_t bytes = 0;
  for (int l = 0; l < shape.layers(); ++l) {
    bytes += Arena::MatBytes<T>(shape.out(l), shape.in(l)) + Arena::MatBytes<T>(shape.out(l), 1);
  }
  return bytes;
}

template <typename T>
MlpParams<T> MlpParams<T>::Allocate(const MlpShape& shape, Arena& arena) {
  MlpParams p;
  p.flat_size = Bytes(shape) / sizeof(T);
  p.flat = arena.AllocateArray<T>(p.flat_size);
  T* next = p.flat;
  for (int l = 0; l < shape.layers(); ++l) {
    const int rows = shape.out(l);
    const int ld = Arena::PaddedLd<T>(rows);
    p.w.emplace_back(next, rows, shape.in(l), ld);
    next += Arena::MatBytes<T>(rows, shape.in(l)) / sizeof(T);
    p.b.push_back(next);
    next += Arena::MatBytes<T>(rows, 1) / sizeof(T);
  }
  return p;
}

template <typename T>
size_t Mlp<T>::ArenaBytes(const MlpShape& shape, int max_batch) {
  size_t bytes = 2 * MlpParams<T>::Bytes(shape);
  for (int l = 0; l < shape.layers(); ++l) bytes += Arena::MatBytes<T>(shape.out(l), max_batch);
  bytes += 2 * Arena::MatBytes<T>(shape.max_width(), max_batch);
  return bytes + Arena::RoundUp(GemmWorkspaceFor(shape, max_batch) * sizeof(float));
}

template <typename T>
Mlp<T>::Mlp(const MlpShape& shape, int max_batch, Arena& arena)
    : shape_(shape), max_batch_(max_batch) {
  params_ = MlpParams<T>::Allocate(shape, arena);
  grads_ = MlpParams<T>::Allocate(shape, arena);
  for (int l = 0; l < shape.layers(); ++l)
    acts_.push_back(arena.AllocateMat<T>(shape.out(l), max_batch));
  grad_a_ = arena.AllocateMat<T>(shape.max_width(), max_batch);
  grad_b_ = arena.AllocateMat<T>(shape.max_width(), max_batch);
  gemm_workspace_ = arena.AllocateArray<float>(GemmWorkspaceFor(shape, max_batch));
  StartWorkerThreads();  // the kernels' threads, started now so that no step allocates
}

template <typename T>
void Mlp<T>::InitWeights(uint64_t seed) {
  Rng rng(seed);
  for (int l = 0; l < shape_.layers(); ++l) {
    MatView<T> w = params_.w[l];
    const double sigma = 1.0 / std::sqrt(static_cast<double>(w.cols));
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) w(r, c) = static_cast<T>(sigma * rng.Normal());
    std::fill(params_.b[l], params_.b[l] + w.rows, T(0));
  }
}

template <typename T>
double Mlp<T>::Forward(MatView<const T> x, const uint8_t* labels) {
  batch_ = x.cols;
  MatView<const T> in = x;
  double loss = 0;
  for (int l = 0; l < shape_.layers(); ++l) {
    MatView<T> out = acts_[l].cols_block(0, batch_);
    const MatView<const T> w = params_.w[l];
    if (l + 1 < shape_.layers()) {
      GemmBiasRelu(Trans::kNo, Trans::kNo, w, in, params_.b[l], out, gemm_workspace_);
    } else {
      GemmBias(Trans::kNo, Trans::kNo, w, in, params_.b[l], out, gemm_workspace_);
      // With labels, the same pass leaves Backward's first gradient (P - Y) / B in grad_a_.
      const MatView<T> g(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
      loss = labels == nullptr ? SoftmaxCrossEntropy(MatView<const T>(out), labels, out)
                               : SoftmaxCrossEntropyBackward(MatView<const T>(out), labels,
                                                             T(1) / batch_, out, g);
    }
    in = out;
  }
  return loss;
}

template <typename T>
void Mlp<T>::Backward(MatView<const T> x, const uint8_t* labels, T lambda) {
  const int L = shape_.layers();
  // d(mean cross-entropy)/d(scores) = (P - Y) / B: Forward computed it with the softmax.
  (void)labels;
  MatView<T> g(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
  MatView<T> g_next(grad_b_.data, 0, batch_, grad_b_.ld);
  for (int l = L - 1; l >= 0; --l) {
    const MatView<const T> in = l == 0 ? x : MatView<const T>(acts_[l - 1].cols_block(0, batch_));
    // dW = G inᵀ + 2 lambda W; db = row sums of G.
    MatView<T> dw = grads_.w[l];
    const MatView<T> w = params_.w[l];
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) dw(r, c) = 2 * lambda * w(r, c);
    Gemm(Trans::kNo, Trans::kYes, T(1), MatView<const T>(g), in, T(1), dw, gemm_workspace_);
    RowSums(MatView<const T>(g), T(1), grads_.b[l]);
    if (l > 0) {
      // G_prev = Wᵀ G, masked by the ReLU that produced in.
      g_next.rows = w.cols;
      Gemm(Trans::kYes, Trans::kNo, T(1), MatView<const T>(w), MatView<const T>(g), T(0), g_next,
           gemm_workspace_);
      ReluBackward(in, g_next);
      std::swap(g, g_next);
    }
  }
}

template <typename T>
double Mlp<T>::WeightSquaredSum() const {
  double sum = 0;
  for (const MatView<T>& w : params_.w)
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) sum += double(w(r, c)) * w(r, c);
  return sum;
}

template struct MlpParams<float>;
template struct MlpParams<double>;
template class Mlp<float>;
template class Mlp<double>;

}  // namespace tinymlp
