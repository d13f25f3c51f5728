// Weight initialization (init.h).
#include "engine/model/init.h"

#include <algorithm>
#include <cmath>

#include "engine/base/rng.h"

namespace tinymlp {

template <typename T>
void InitWeights(Mlp<T>& net, uint64_t seed, WeightInit init, double sigma) {
  Rng rng(seed);
  MlpParams<T>& params = net.params();
  for (int l = 0; l < net.shape().layers(); ++l) {
    MatView<T> w = params.w[l];
    const double fan_in = static_cast<double>(w.cols);
    const double s = init == WeightInit::kNormal ? sigma
                     : init == WeightInit::kHe   ? std::sqrt(2.0 / fan_in)
                                                 : 1.0 / std::sqrt(fan_in);
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) w(r, c) = static_cast<T>(s * rng.Normal());
    if (params.b[l] != nullptr) std::fill(params.b[l], params.b[l] + w.rows, T(0));
    if (params.gamma[l] != nullptr) {
      std::fill(params.gamma[l], params.gamma[l] + w.rows, T(1));
      std::fill(params.beta[l], params.beta[l] + w.rows, T(0));
    }
  }
  net.ResetState(seed);
}

template void InitWeights<float>(Mlp<float>&, uint64_t, WeightInit, double);
template void InitWeights<double>(Mlp<double>&, uint64_t, WeightInit, double);

}  // namespace tinymlp
