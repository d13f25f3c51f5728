// Batch normalization of one hidden layer's pre-activations (Ioffe & Szegedy 2015), forward and
// backward, written once for float (training) and double (the gradient check).
//
//   training:   mu_i = mean_j s(i, j), var_i = mean_j (s(i, j) - mu_i)^2   (the batch's statistics)
//               shat = (s - mu) / sqrt(var + eps),  y = gamma * shat + beta
//   inference:  the same with the running averages in place of mu and var
//
// s, shat and y are M x B column-major; gamma, beta and the statistics have M entries. The loops
// are plain scalar code on purpose: an M x B pass costs M*B operations against the M*D*B of the
// GEMM before it (D >= M), so it stays well under 1 % of a step for every shape we train, and the
// compiler vectorizes the inner loops over rows anyway. Row sums are accumulated in double, in a
// fixed order, so results do not depend on the thread count.
#pragma once

#include "engine/base/mat.h"

namespace tinymlp {

// Added to the variance before the square root. Small, so that the normalization still works
// when the weights start tiny (the sigma = 1e-4 experiment gives variances near 1e-7).
constexpr double kBatchNormEpsilon = 1e-8;

// Threads take a layer's rows in runs of this many (each unit is normalized on its own); a wide
// layer's pass is a tenth of a millisecond on one core, and a small layer stays on one thread.
// The ReLU/dropout backward before batch norm's takes the same runs (layers.cc), so each thread
// finds its rows in its own core's cache.
constexpr int kBatchNormRowRun = 256;

// In place on x (M x B): x = gamma * shat + beta with the batch's statistics. Writes shat (M x B),
// the batch mean and 1/sqrt(var + eps) (M each), and blends the batch mean and variance into the
// running averages: running = alpha * running + (1 - alpha) * batch, or, when `first`, running =
// batch. `sums` is M doubles of scratch. Needs B >= 1. With `relu`, x = max(0, x) after: the
// network's ReLU, fused into the pass that writes x (one pass over M x B fewer, and on the
// threads that already hold those rows).
template <typename T>
void BatchNormForwardTrain(const T* gamma, const T* beta, T alpha, bool first, MatView<T> x,
                           MatView<T> shat, T* mean, T* inv_std, T* running_mean, T* running_var,
                           double* sums, bool relu);

// In place on x: x = gamma * (x - running_mean) / sqrt(running_var + eps) + beta, then max(0, x)
// with `relu`.
template <typename T>
void BatchNormForwardInference(const T* gamma, const T* beta, const T* running_mean,
                               const T* running_var, MatView<T> x, bool relu);

// In place on g: from dL/dy (M x B) after a training-mode forward to dL/ds. Writes
// dgamma = sum_j g(i, j) shat(i, j) and dbeta = sum_j g(i, j).
//   dL/ds = inv_std * (gs - mean_j gs - shat * mean_j (gs * shat)),  gs = gamma * dL/dy
template <typename T>
void BatchNormBackward(const T* gamma, MatView<const T> shat, const T* inv_std, MatView<T> g,
                       T* dgamma, T* dbeta);

}  // namespace tinymlp
