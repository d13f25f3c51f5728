#include "engine/model/mlp.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "engine/base/parallel.h"
#include "engine/base/rng.h"
#include "engine/model/batch_norm.h"
#include "engine/ops/kernels.h"

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

int MlpShape::max_width() const {
  int width = classes;
  for (int h : hidden) width = std::max(width, h);
  return width;
}

size_t MlpShape::parameter_count() const {
  size_t count = 0;
  for (int l = 0; l < layers(); ++l) {
    count += static_cast<size_t>(out(l)) * in(l);
    count += has_bias(l) ? out(l) : 0;
    count += has_bn(l) ? 2 * out(l) : 0;
  }
  return count;
}

template <typename T>
size_t MlpParams<T>::Bytes(const MlpShape& shape) {
  size_t bytes = 0;
  for (int l = 0; l < shape.layers(); ++l) {
    bytes += Arena::MatBytes<T>(shape.out(l), shape.in(l));
    if (shape.has_bias(l)) bytes += Arena::MatBytes<T>(shape.out(l), 1);
    if (shape.has_bn(l)) bytes += 2 * Arena::MatBytes<T>(shape.out(l), 1);
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
    const size_t vec = Arena::MatBytes<T>(rows, 1) / sizeof(T);
    p.b.push_back(shape.has_bias(l) ? next : nullptr);
    if (shape.has_bias(l)) next += vec;
    p.gamma.push_back(shape.has_bn(l) ? next : nullptr);
    p.beta.push_back(shape.has_bn(l) ? next + vec : nullptr);
    if (shape.has_bn(l)) next += 2 * vec;
  }
  return p;
}

template <typename T>
size_t Mlp<T>::ArenaBytes(const MlpShape& shape, int max_batch) {
  size_t bytes = 2 * MlpParams<T>::Bytes(shape);
  for (int l = 0; l < shape.layers(); ++l) bytes += Arena::MatBytes<T>(shape.out(l), max_batch);
  bytes += 2 * Arena::MatBytes<T>(shape.max_width(), max_batch);
  for (int l = 0; l + 1 < shape.layers(); ++l) {
    if (shape.has_bn(l)) {
      bytes +=
          4 * Arena::MatBytes<T>(shape.out(l), 1) + Arena::MatBytes<T>(shape.out(l), max_batch);
    }
    if (shape.dropout > 0) bytes += Arena::MatBytes<T>(shape.out(l), max_batch);
  }
  if (shape.batch_norm) bytes += Arena::RoundUp(shape.max_width() * sizeof(double));
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
  running_mean_.assign(shape.layers(), nullptr);
  running_var_.assign(shape.layers(), nullptr);
  bn_.resize(shape.layers());
  dropout_mask_.resize(shape.layers());
  for (int l = 0; l + 1 < shape.layers(); ++l) {
    const int rows = shape.out(l);
    if (shape.has_bn(l)) {
      running_mean_[l] = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      running_var_[l] = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      std::fill(running_var_[l], running_var_[l] + rows, T(1));
      bn_[l].mean = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      bn_[l].inv_std = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      bn_[l].shat = arena.AllocateMat<T>(rows, max_batch);
    }
    if (shape.dropout > 0) dropout_mask_[l] = arena.AllocateMat<T>(rows, max_batch);
  }
  if (shape.batch_norm) bn_sums_ = arena.AllocateArray<double>(shape.max_width());
  StartWorkerThreads();  // the kernels' threads, started now so that no step allocates
}

template <typename T>
void Mlp<T>::InitWeights(uint64_t seed, Init init, double sigma) {
  Rng rng(seed);
  for (int l = 0; l < shape_.layers(); ++l) {
    MatView<T> w = params_.w[l];
    const double fan_in = static_cast<double>(w.cols);
    const double s = init == Init::kNormal ? sigma
                     : init == Init::kHe   ? std::sqrt(2.0 / fan_in)
                                           : 1.0 / std::sqrt(fan_in);
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) w(r, c) = static_cast<T>(s * rng.Normal());
    if (params_.b[l] != nullptr) std::fill(params_.b[l], params_.b[l] + w.rows, T(0));
    if (params_.gamma[l] != nullptr) {
      std::fill(params_.gamma[l], params_.gamma[l] + w.rows, T(1));
      std::fill(params_.beta[l], params_.beta[l] + w.rows, T(0));
      std::fill(running_mean_[l], running_mean_[l] + w.rows, T(0));
      std::fill(running_var_[l], running_var_[l] + w.rows, T(1));
    }
  }
  bn_started_ = false;
  // A separate stream for dropout, so the weights do not depend on whether dropout is on.
  dropout_state_ = seed ^ 0xD50F'A5E0'0000'0001ull;
}

template <typename T>
double Mlp<T>::Forward(MlpInput<T> x, const uint8_t* labels) {
  batch_ = x.cols();
  MlpInput<T> in = x;
  double loss = 0;
  for (int l = 0; l < shape_.layers(); ++l) {
    MatView<T> out = acts_[l].cols_block(0, batch_);
    const MatView<const T> w = params_.w[l];
    float* const ws = gemm_workspace_;
    if (l + 1 < shape_.layers()) {
      if (!shape_.has_bn(l)) {
        const T* b = params_.b[l];
        WithOperand(
            in, [&](const auto& op) { GemmBiasRelu(Trans::kNo, Trans::kNo, w, op, b, out, ws); });
      } else {
        WithOperand(
            in, [&](const auto& op) { Gemm(Trans::kNo, Trans::kNo, T(1), w, op, T(0), out, ws); });
        if (training_) {
          BnScratch& bn = bn_[l];
          BatchNormForwardTrain(params_.gamma[l], params_.beta[l], bn_alpha_, !bn_started_, out,
                                bn.shat.cols_block(0, batch_), bn.mean, bn.inv_std,
                                running_mean_[l], running_var_[l], bn_sums_);
        } else {
          BatchNormForwardInference(params_.gamma[l], params_.beta[l], running_mean_[l],
                                    running_var_[l], out);
        }
        ReluForward(out);
      }
      if (training_ && shape_.dropout > 0) ApplyDropout(l, out);
    } else {
      const T* b = params_.b[l];
      WithOperand(in, [&](const auto& op) { GemmBias(Trans::kNo, Trans::kNo, w, op, b, out, ws); });
      // With labels, the same pass leaves Backward's first gradient (P - Y) / B in grad_a_.
      const MatView<T> g(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
      loss = labels == nullptr ? SoftmaxCrossEntropy(MatView<const T>(out), labels, out)
                               : SoftmaxCrossEntropyBackward(MatView<const T>(out), labels,
                                                             T(1) / batch_, out, g);
    }
    in = MatView<const T>(out);
  }
  if (training_ && shape_.batch_norm) bn_started_ = true;
  return loss;
}

template <typename T>
void Mlp<T>::ApplyDropout(int l, MatView<T> h) {
  Rng rng(dropout_state_);
  const double keep = 1.0 - shape_.dropout;
  const T scale = static_cast<T>(1.0 / keep);
  MatView<T> mask = dropout_mask_[l].cols_block(0, h.cols);
  for (int j = 0; j < h.cols; ++j) {
    for (int i = 0; i < h.rows; ++i) {
      mask(i, j) = rng.Uniform() < keep ? scale : T(0);
      h(i, j) *= mask(i, j);
    }
  }
  dropout_state_ = rng.Next();
}

template <typename T>
void Mlp<T>::Backward(MlpInput<T> x, T lambda) {
  BackwardPass(x, lambda, nullptr);
}

template <typename T>
void Mlp<T>::BackwardSgdStep(MlpInput<T> x, T lambda, T eta) {
  assert(batch_ <= kGemmDescendMaxK);
  BackwardPass(x, lambda, &eta);
}

template <typename T>
void Mlp<T>::BackwardPass(MlpInput<T> x, T lambda, const T* eta) {
  const int L = shape_.layers();
  float* const ws = gemm_workspace_;
  // Gradient descent on a vector of parameters, for the SGD step.
  auto descend = [&](T* p, const T* g, int n) {
    for (int i = 0; i < n; ++i) p[i] -= *eta * g[i];
  };
  // d(mean cross-entropy)/d(scores) = (P - Y) / B: Forward computed it with the softmax.
  MatView<T> g(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
  MatView<T> g_next(grad_b_.data, 0, batch_, grad_b_.ld);
  for (int l = L - 1; l >= 0; --l) {
    const MlpInput<T> in = l == 0 ? x : MlpInput<T>(acts_[l - 1].cols_block(0, batch_));
    const MatView<const T> gc = g;
    const MatView<T> w = params_.w[l];
    if (l > 0) {
      // G_prev = Wᵀ G, from W before this step changes it.
      g_next.rows = w.cols;
      Gemm(Trans::kYes, Trans::kNo, T(1), MatView<const T>(w), gc, T(0), g_next, ws);
    }
    // dW = G inᵀ + 2 lambda W; db = row sums of G.
    if (eta != nullptr) {
      WithOperand(in, [&](const auto& op) {
        GemmDescend(Trans::kNo, Trans::kYes, *eta, 2 * lambda, gc, op, w, ws);
      });
    } else {
      MatView<T> dw = grads_.w[l];
      for (int c = 0; c < w.cols; ++c)
        for (int r = 0; r < w.rows; ++r) dw(r, c) = 2 * lambda * w(r, c);
      WithOperand(
          in, [&](const auto& op) { Gemm(Trans::kNo, Trans::kYes, T(1), gc, op, T(1), dw, ws); });
    }
    if (grads_.b[l] != nullptr) {
      RowSums(gc, T(1), grads_.b[l]);
      if (eta != nullptr) descend(params_.b[l], grads_.b[l], w.rows);
    }
    if (l > 0) {
      // Back through layer l-1's dropout, ReLU and batch norm, in reverse order. `in` is the
      // output after dropout: it is > 0 exactly where the ReLU passed and the unit was kept.
      if (shape_.dropout > 0) {
        const MatView<T> mask = dropout_mask_[l - 1];
        for (int j = 0; j < batch_; ++j)
          for (int i = 0; i < g_next.rows; ++i) g_next(i, j) *= mask(i, j);
      }
      ReluBackward(in.mat, g_next);
      if (shape_.has_bn(l - 1)) {
        BatchNormBackward(params_.gamma[l - 1], MatView<const T>(bn_[l - 1].shat),
                          bn_[l - 1].inv_std, g_next, grads_.gamma[l - 1], grads_.beta[l - 1]);
        if (eta != nullptr) {
          descend(params_.gamma[l - 1], grads_.gamma[l - 1], g_next.rows);
          descend(params_.beta[l - 1], grads_.beta[l - 1], g_next.rows);
        }
      }
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
