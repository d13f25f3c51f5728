// The network (mlp.h): its buffers, and Forward and Backward as the layers' pairs (layers.h).
#include "engine/model/mlp.h"

#include <algorithm>
#include <cassert>

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
size_t MlpParams<T>::Layout(const MlpShape& shape, T* base) {
  w.clear();
  b.clear();
  gamma.clear();
  beta.clear();
  size_t size = 0;
  // The next n elements of the block (no pointer arithmetic on a null base).
  auto take = [&](size_t n) {
    T* p = base == nullptr ? nullptr : base + size;
    size += n;
    return p;
  };
  for (int l = 0; l < shape.layers(); ++l) {
    const int rows = shape.out(l);
    const int ld = Arena::PaddedLd<T>(rows);
    w.emplace_back(take(static_cast<size_t>(ld) * shape.in(l)), rows, shape.in(l), ld);
    b.push_back(shape.has_bias(l) ? take(ld) : nullptr);
    gamma.push_back(shape.has_bn(l) ? take(ld) : nullptr);
    beta.push_back(shape.has_bn(l) ? take(ld) : nullptr);
  }
  return size;
}

template <typename T>
MlpParams<T> MlpParams<T>::Allocate(const MlpShape& shape, Arena& arena) {
  MlpParams p;
  p.flat_size = p.Layout(shape, nullptr);
  p.flat = arena.AllocateArray<T>(p.flat_size);
  p.Layout(shape, p.flat);
  return p;
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
      bn_[l].mean = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      bn_[l].inv_std = arena.AllocateArray<T>(Arena::PaddedLd<T>(rows));
      bn_[l].shat = arena.AllocateMat<T>(rows, max_batch);
    }
    if (shape.dropout > 0) dropout_mask_[l] = arena.AllocateMat<T>(rows, max_batch);
  }
  if (shape.batch_norm) bn_sums_ = arena.AllocateArray<double>(shape.max_width());
}

template <typename T>
void Mlp<T>::ResetState(uint64_t seed) {
  for (int l = 0; l < shape_.layers(); ++l) {
    if (running_mean_[l] == nullptr) continue;
    std::fill(running_mean_[l], running_mean_[l] + shape_.out(l), T(0));
    std::fill(running_var_[l], running_var_[l] + shape_.out(l), T(1));
  }
  bn_started_ = false;
  dropout_state_ = seed ^ 0xD50F'A5E0'0000'0001ull;
}

template <typename T>
double Mlp<T>::Forward(MlpInput<T> x, const uint8_t* labels) {
  batch_ = x.cols();
  const int L = shape_.layers();
  float* const ws = gemm_workspace_;
  MlpInput<T> in = x;
  // Hidden layers: Linear -> [BatchNorm] -> ReLU -> [Dropout].
  for (int l = 0; l + 1 < L; ++l) {
    const MatView<T> h = acts_[l].cols_block(0, batch_);
    // Without batch norm the GEMM adds the bias and applies the ReLU; with it, the layer has no
    // bias (b[l] is null: beta plays its part) and the normalization applies the ReLU.
    const bool bn = shape_.has_bn(l);
    LinearForward(MatView<const T>(params_.w[l]), params_.b[l], in,
                  bn ? Activation::kNone : Activation::kRelu, h, ws);
    Mark(PhaseTimer::kLinearForward, l);
    if (bn) {
      const T* gamma = params_.gamma[l];
      const T* beta = params_.beta[l];
      if (training_) {
        const BnScratch& scratch = bn_[l];
        BatchNormForwardTrain(gamma, beta, bn_alpha_, !bn_started_, h,
                              scratch.shat.cols_block(0, batch_), scratch.mean, scratch.inv_std,
                              running_mean_[l], running_var_[l], bn_sums_, /*relu=*/true);
      } else {
        BatchNormForwardInference(gamma, beta, running_mean_[l], running_var_[l], h,
                                  /*relu=*/true);
      }
      Mark(PhaseTimer::kBatchNorm, l);
    }
    if (training_ && shape_.dropout > 0) {
      DropoutForward(shape_.dropout, &dropout_state_, dropout_mask_[l].cols_block(0, batch_), h);
    }
    Mark(PhaseTimer::kReluDropout, l);
    in = MatView<const T>(h);
  }
  // Output layer: Linear -> softmax + cross-entropy, which with labels also leaves Backward's
  // first gradient, (P - Y) / B, in grad_a_.
  const MatView<T> scores = acts_[L - 1].cols_block(0, batch_);
  LinearForward(MatView<const T>(params_.w[L - 1]), params_.b[L - 1], in, Activation::kNone, scores,
                ws);
  Mark(PhaseTimer::kLinearForward, L - 1);
  const MatView<T> dscores(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
  const double loss = SoftmaxCrossEntropyForward(MatView<const T>(scores), labels, scores, dscores);
  Mark(PhaseTimer::kSoftmax, L - 1);
  if (training_ && shape_.batch_norm) bn_started_ = true;
  return loss;
}

template <typename T>
void Mlp<T>::Backward(MlpInput<T> x, T lambda) {
  BackwardPass(x, lambda, GradientSink<T>::Keep());
}

template <typename T>
void Mlp<T>::BackwardSgdStep(MlpInput<T> x, T lambda, T eta) {
  assert(batch_ <= kGemmDescendMaxK);
  BackwardPass(x, lambda, GradientSink<T>::Descend(eta));
}

template <typename T>
void Mlp<T>::BackwardAdamStep(MlpInput<T> x, T lambda, const AdamArgs& state) {
  assert(batch_ <= kGemmDescendMaxK);
  BackwardPass(x, lambda, GradientSink<T>::Adam(state, params_.flat));
}

template <typename T>
void Mlp<T>::BackwardPass(MlpInput<T> x, T lambda, const GradientSink<T>& sink) {
  float* const ws = gemm_workspace_;
  // g = dL/d(layer output), starting from the loss's backward that Forward left in grad_a_. Each
  // layer's dx = dL/d(its input) is the next layer's g; the two buffers take turns.
  MatView<T> g(grad_a_.data, shape_.classes, batch_, grad_a_.ld);
  T* spare = grad_b_.data;
  for (int l = shape_.layers() - 1; l >= 0; --l) {
    const MlpInput<T> in = l == 0 ? x : MlpInput<T>(acts_[l - 1].cols_block(0, batch_));
    // The first layer's input is the data: no gradient for it.
    const MatView<T> dx = l > 0 ? MatView<T>(spare, shape_.in(l), batch_, g.ld) : MatView<T>();
    LinearBackward(params_.w[l], params_.b[l], in, MatView<const T>(g), lambda, sink, grads_.w[l],
                   grads_.b[l], dx, ws);
    Mark(PhaseTimer::kLinearBackward, l);
    if (l == 0) break;
    // Hidden layer l-1, in reverse: Dropout, ReLU, BatchNorm. `in` is its output after dropout:
    // > 0 exactly where the ReLU passed and the unit was kept.
    const MatView<const T> mask = shape_.dropout > 0
                                      ? MatView<const T>(dropout_mask_[l - 1].cols_block(0, batch_))
                                      : MatView<const T>();
    ReluDropoutBackward(in.mat, mask, dx);
    Mark(PhaseTimer::kReluDropout, l - 1);
    if (shape_.has_bn(l - 1)) {
      BatchNormBackward(params_.gamma[l - 1], MatView<const T>(bn_[l - 1].shat), bn_[l - 1].inv_std,
                        dx, grads_.gamma[l - 1], grads_.beta[l - 1]);
      sink.Vector(params_.gamma[l - 1], grads_.gamma[l - 1], dx.rows);
      sink.Vector(params_.beta[l - 1], grads_.beta[l - 1], dx.rows);
      Mark(PhaseTimer::kBatchNorm, l - 1);
    }
    spare = g.data;
    g = dx;
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
