#include "engine/model/batch_norm.h"

#include <cmath>

namespace tinymlp {
namespace {

// Row sums of x accumulated in double, column by column (contiguous reads); `sums` has x.rows
// entries.
template <typename T, class Func>
void RowSumsOf(MatView<T> x, double* sums, const Func& f) {
  for (int i = 0; i < x.rows; ++i) sums[i] = 0;
  for (int j = 0; j < x.cols; ++j)
    for (int i = 0; i < x.rows; ++i) sums[i] += f(i, j);
}

}  // namespace

template <typename T>
void BatchNormForwardTrain(const T* gamma, const T* beta, T alpha, bool first, MatView<T> x,
                           MatView<T> shat, T* mean, T* inv_std, T* running_mean, T* running_var,
                           double* sums) {
  const int m = x.rows;
  const double inv_b = 1.0 / x.cols;
  RowSumsOf(x, sums, [&](int i, int j) { return double(x(i, j)); });
  for (int i = 0; i < m; ++i) mean[i] = static_cast<T>(sums[i] * inv_b);
  RowSumsOf(x, sums, [&](int i, int j) {
    const double d = double(x(i, j)) - double(mean[i]);
    return d * d;
  });
  for (int i = 0; i < m; ++i) {
    const double var = sums[i] * inv_b;
    inv_std[i] = static_cast<T>(1.0 / std::sqrt(var + kBatchNormEpsilon));
    running_mean[i] = first ? mean[i] : alpha * running_mean[i] + (1 - alpha) * mean[i];
    running_var[i] = first ? T(var) : alpha * running_var[i] + (1 - alpha) * T(var);
  }
  for (int j = 0; j < x.cols; ++j) {
    for (int i = 0; i < m; ++i) {
      const T s = (x(i, j) - mean[i]) * inv_std[i];
      shat(i, j) = s;
      x(i, j) = gamma[i] * s + beta[i];
    }
  }
}

template <typename T>
void BatchNormForwardInference(const T* gamma, const T* beta, const T* running_mean,
                               const T* running_var, MatView<T> x) {
  for (int j = 0; j < x.cols; ++j) {
    for (int i = 0; i < x.rows; ++i) {
      const T inv_std = T(1 / std::sqrt(double(running_var[i]) + kBatchNormEpsilon));
      x(i, j) = gamma[i] * (x(i, j) - running_mean[i]) * inv_std + beta[i];
    }
  }
}

template <typename T>
void BatchNormBackward(const T* gamma, MatView<const T> shat, const T* inv_std, MatView<T> g,
                       T* dgamma, T* dbeta) {
  const int m = g.rows;
  const double inv_b = 1.0 / g.cols;
  for (int i = 0; i < m; ++i) dgamma[i] = dbeta[i] = T(0);
  // dbeta and dgamma double as the row sums of gs and gs * shat (divided by gamma).
  for (int j = 0; j < g.cols; ++j) {
    for (int i = 0; i < m; ++i) {
      dbeta[i] += g(i, j);
      dgamma[i] += g(i, j) * shat(i, j);
    }
  }
  for (int j = 0; j < g.cols; ++j) {
    for (int i = 0; i < m; ++i) {
      const T gs = gamma[i] * g(i, j);
      const T mean_gs = T(gamma[i] * dbeta[i] * inv_b);
      const T mean_gs_shat = T(gamma[i] * dgamma[i] * inv_b);
      g(i, j) = inv_std[i] * (gs - mean_gs - shat(i, j) * mean_gs_shat);
    }
  }
}

#define TINYMLP_INSTANTIATE(T)                                                                    \
  template void BatchNormForwardTrain<T>(const T*, const T*, T, bool, MatView<T>, MatView<T>, T*, \
                                         T*, T*, T*, double*);                                    \
  template void BatchNormForwardInference<T>(const T*, const T*, const T*, const T*, MatView<T>); \
  template void BatchNormBackward<T>(const T*, MatView<const T>, const T*, MatView<T>, T*, T*);
TINYMLP_INSTANTIATE(float)
TINYMLP_INSTANTIATE(double)
#undef TINYMLP_INSTANTIATE

}  // namespace tinymlp
