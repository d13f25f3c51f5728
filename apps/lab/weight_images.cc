#include "apps/lab/weight_images.h"

#include "engine/io/cifar10.h"
#include "platform/error.h"

namespace tinymlp {

std::vector<ImageTile> WeightTiles(const Model& model, const std::string& model_name) {
  if (model.shape.input != kImageDim || model.w.empty()) {
    throw DataError(model_name + ": input dimension " + std::to_string(model.shape.input) +
                    " is not 3072 (3 x 32 x 32), so its weights are not images");
  }
  const int outputs = model.shape.out(0);
  const bool classes = model.shape.hidden.empty() && outputs == kClasses;
  const std::vector<float>& w =
      model.w[0];  // outputs x 3072, column-major: W(o, d) = w[d*outputs+o]
  std::vector<ImageTile> tiles(outputs);
  for (int o = 0; o < outputs; ++o) {
    tiles[o].planes.resize(kImageDim);
    for (int d = 0; d < kImageDim; ++d) {
      tiles[o].planes[d] = w[static_cast<size_t>(d) * outputs + o];
    }
    tiles[o].label = classes ? std::string(kCifar10ClassNames[o]) : "unit " + std::to_string(o + 1);
  }
  return tiles;
}

std::string WeightTitle(const Model& model) {
  std::string shape = std::to_string(model.shape.input);
  for (int h : model.shape.hidden) shape += "-" + std::to_string(h);
  shape += "-" + std::to_string(model.shape.classes);
  if (model.shape.hidden.empty()) return shape + ": class templates (rows of W)";
  return shape + ": input weights of the " + std::to_string(model.shape.hidden[0]) +
         " first-layer hidden units";
}

}  // namespace tinymlp
