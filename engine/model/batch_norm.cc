#include "engine/model/batch_norm.h"

#include <cmath>

#include "engine/base/parallel.h"

namespace tinymlp {
namespace {

// Row sums over rows [r0, r1) of x accumulated in double, column by column (contiguous reads);
// `sums` has x.rows entries.
template <typename T, class Func>
void RowSumsOf(MatView<T> x, int r0, int r1, double* sums, const Func& f) {
  for (int i = r0; i < r1; ++i) sums[i] = 0;
  for (int j = 0; j < x.cols; ++j)
    for (int i = r0; i < r1; ++i) sums[i] += f(i, j);
}

// Every unit (row) is normalized on its own, so threads take runs of rows (kBatchNormRowRun) and
// each element gets the same operations in the same order whatever the thread count.
template <class Body>
void ForRowRuns(int rows, const Body& body) {
  ParallelRanges(static_cast<size_t>(rows), kBatchNormRowRun,
                 [&](size_t r0, size_t r1) { body(static_cast<int>(r0), static_cast<int>(r1)); });
}

// BatchNormForwardTrain on rows [r0, r1). A plain function, not a lambda's body: with its
// pointers as parameters GCC vectorizes the loops as it did before the rows were split (through
// a lambda's captures a 1-thread pass took a third longer).
template <typename T>
void ForwardTrainRows(const T* gamma, const T* beta, T alpha, bool first, MatView<T> x,
                      MatView<T> shat, T* mean, T* inv_std, T* running_mean, T* running_var,
                      double* sums, bool relu, int r0, int r1) {
  const double inv_b = 1.0 / x.cols;
  RowSumsOf(x, r0, r1, sums, [&](int i, int j) { return double(x(i, j)); });
  for (int i = r0; i < r1; ++i) mean[i] = static_cast<T>(sums[i] * inv_b);
  RowSumsOf(x, r0, r1, sums, [&](int i, int j) {
    const double d = double(x(i, j)) - double(mean[i]);
    return d * d;
  });
  for (int i = r0; i < r1; ++i) {
    const double var = sums[i] * inv_b;
    inv_std[i] = static_cast<T>(1.0 / std::sqrt(var + kBatchNormEpsilon));
    running_mean[i] = first ? mean[i] : alpha * running_mean[i] + (1 - alpha) * mean[i];
    running_var[i] = first ? T(var) : alpha * running_var[i] + (1 - alpha) * T(var);
  }
  for (int j = 0; j < x.cols; ++j) {
    for (int i = r0; i < r1; ++i) {
      const T s = (x(i, j) - mean[i]) * inv_std[i];
      shat(i, j) = s;
      const T y = gamma[i] * s + beta[i];
      x(i, j) = relu && !(y > T(0)) ? T(0) : y;
    }
  }
}

// BatchNormForwardInference on rows [r0, r1), r1 - r0 <= kBatchNormRowRun.
template <typename T>
void ForwardInferenceRows(const T* gamma, const T* beta, const T* running_mean,
                          const T* running_var, MatView<T> x, bool relu, int r0, int r1) {
  T inv_std[kBatchNormRowRun];
  for (int i = r0; i < r1; ++i)
    inv_std[i - r0] = T(1 / std::sqrt(double(running_var[i]) + kBatchNormEpsilon));
  for (int j = 0; j < x.cols; ++j) {
    for (int i = r0; i < r1; ++i) {
      const T y = gamma[i] * (x(i, j) - running_mean[i]) * inv_std[i - r0] + beta[i];
      x(i, j) = relu && !(y > T(0)) ? T(0) : y;
    }
  }
}

// BatchNormBackward on rows [r0, r1) (a plain function for the same reason).
template <typename T>
void BackwardRows(const T* gamma, MatView<const T> shat, const T* inv_std, MatView<T> g, T* dgamma,
                  T* dbeta, int r0, int r1) {
  const double inv_b = 1.0 / g.cols;
  for (int i = r0; i < r1; ++i) dgamma[i] = dbeta[i] = T(0);
  // dbeta and dgamma double as the row sums of gs and gs * shat (divided by gamma).
  for (int j = 0; j < g.cols; ++j) {
    for (int i = r0; i < r1; ++i) {
      dbeta[i] += g(i, j);
      dgamma[i] += g(i, j) * shat(i, j);
    }
  }
  for (int j = 0; j < g.cols; ++j) {
    for (int i = r0; i < r1; ++i) {
      const T gs = gamma[i] * g(i, j);
      const T mean_gs = T(gamma[i] * dbeta[i] * inv_b);
      const T mean_gs_shat = T(gamma[i] * dgamma[i] * inv_b);
      g(i, j) = inv_std[i] * (gs - mean_gs - shat(i, j) * mean_gs_shat);
    }
  }
}

}  // namespace

template <typename T>
void BatchNormForwardTrain(const T* gamma, const T* beta, T alpha, bool first, MatView<T> x,
                           MatView<T> shat, T* mean, T* inv_std, T* running_mean, T* running_var,
                           double* sums, bool relu) {
  ForRowRuns(x.rows, [&](int r0, int r1) {
    ForwardTrainRows(gamma, beta, alpha, first, x, shat, mean, inv_std, running_mean, running_var,
                     sums, relu, r0, r1);
  });
}

template <typename T>
void BatchNormForwardInference(const T* gamma, const T* beta, const T* running_mean,
                               const T* running_var, MatView<T> x, bool relu) {
  ForRowRuns(x.rows, [&](int r0, int r1) {
    ForwardInferenceRows(gamma, beta, running_mean, running_var, x, relu, r0, r1);
  });
}

template <typename T>
void BatchNormBackward(const T* gamma, MatView<const T> shat, const T* inv_std, MatView<T> g,
                       T* dgamma, T* dbeta) {
  ForRowRuns(g.rows,
             [&](int r0, int r1) { BackwardRows(gamma, shat, inv_std, g, dgamma, dbeta, r0, r1); });
}

#define TINYMLP_INSTANTIATE(T)                                                                    \
  template void BatchNormForwardTrain<T>(const T*, const T*, T, bool, MatView<T>, MatView<T>, T*, \
                                         T*, T*, T*, double*, bool);                              \
  template void BatchNormForwardInference<T>(const T*, const T*, const T*, const T*, MatView<T>,  \
                                             bool);                                               \
  template void BatchNormBackward<T>(const T*, MatView<const T>, const T*, MatView<T>, T*, T*);
TINYMLP_INSTANTIATE(float)
TINYMLP_INSTANTIATE(double)
#undef TINYMLP_INSTANTIATE

}  // namespace tinymlp
