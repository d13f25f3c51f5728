#include "engine/train/gradcheck.h"

#include <algorithm>
#include <cmath>

#include "engine/base/rng.h"
#include "engine/model/init.h"
#include "engine/model/mlp.h"
#include "platform/error.h"

namespace tinymlp {

Dataset RandomDataset(int count, uint64_t seed) {
  Rng rng(seed);
  Dataset data;
  data.pixels.resize(static_cast<size_t>(count) * kImageDim);
  data.labels.resize(count);
  for (uint8_t& p : data.pixels) p = static_cast<uint8_t>(rng.Below(256));
  for (uint8_t& l : data.labels) l = static_cast<uint8_t>(rng.Below(kClasses));
  return data;
}

std::vector<GradCheckEntry> GradCheck(const Dataset& data, const GradCheckConfig& config) {
  if (config.dims < 1 || config.dims > kImageDim) {
    throw UsageError("--dims must be in 1.." + std::to_string(kImageDim));
  }
  if (config.samples < 1 || config.samples > data.count()) {
    throw UsageError("--samples must be in 1.." + std::to_string(data.count()));
  }
  MlpShape shape;
  shape.input = config.dims;
  shape.hidden = config.hidden;
  shape.batch_norm = config.batch_norm;
  Arena arena(MeasureArena<Mlp<double>>(shape, config.samples) +
              Arena::MatBytes<double>(config.dims, config.samples));
  Mlp<double> net(shape, config.samples, arena);
  InitWeights(net, config.seed);
  net.set_training(true);

  // The inputs, normalized with the statistics of the images used.
  Dataset subset;
  subset.Append(data, 0, config.samples);
  const Normalization norm = Normalization::FromData(subset);
  MatView<double> x = arena.AllocateMat<double>(config.dims, config.samples);
  for (int j = 0; j < config.samples; ++j)
    for (int i = 0; i < config.dims; ++i)
      x(i, j) = (double(subset.image(j)[i]) - norm.mean[i]) * norm.inv_std[i];
  const uint8_t* labels = subset.labels.data();

  auto cost = [&]() {
    return net.Forward(x, labels) / config.samples + config.lambda * net.WeightSquaredSum();
  };
  cost();
  net.Backward(x, config.lambda);

  std::vector<GradCheckEntry> result;
  auto check = [&](const std::string& name, double* param, const double* grad) {
    // Five-point centred difference: truncation error O(h^4) instead of O(h^2), which matters
    // for the weights in front of a batch norm, whose cost curves sharply on a few samples.
    const double saved = *param;
    auto cost_at = [&](double offset) {
      *param = saved + offset;
      return cost();
    };
    const double h = config.step;
    const double numeric =
        (8 * (cost_at(h) - cost_at(-h)) - (cost_at(2 * h) - cost_at(-2 * h))) / (12 * h);
    *param = saved;
    const double error =
        std::abs(*grad - numeric) / std::max(1e-8, std::abs(*grad) + std::abs(numeric));
    if (result.empty() || result.back().name != name) result.push_back({name, 0.0});
    result.back().max_rel_error = std::max(result.back().max_rel_error, error);
  };
  for (int l = 0; l < shape.layers(); ++l) {
    const MatView<double> w = net.params().w[l];
    const MatView<double> dw = net.grads().w[l];
    const std::string layer = std::to_string(l + 1);
    for (int c = 0; c < w.cols; ++c)
      for (int r = 0; r < w.rows; ++r) check("W" + layer, &w(r, c), &dw(r, c));
    auto check_vector = [&](const std::string& name, double* param, const double* grad) {
      if (param == nullptr) return;
      for (int r = 0; r < w.rows; ++r) check(name + layer, param + r, grad + r);
    };
    check_vector("b", net.params().b[l], net.grads().b[l]);
    check_vector("gamma", net.params().gamma[l], net.grads().gamma[l]);
    check_vector("beta", net.params().beta[l], net.grads().beta[l]);
  }
  return result;
}

}  // namespace tinymlp
