// Weight pictures: the first layer's weights of a model as 32x32 colour images. For a one-layer
// model (no hidden layer) each class's row of W is that class's template; for deeper models each
// hidden unit's row of W1 shows what it responds to.
#pragma once

#include <string>
#include <vector>

#include "apps/render/image_grid.h"
#include "engine/io/model_file.h"

namespace tinymlp {

// One tile per output of the first layer; labels are class names (one-layer model) or
// "unit N". Throws DataError if the model's input is not 3072 = 3 x 32 x 32.
std::vector<ImageTile> WeightTiles(const Model& model, const std::string& model_name);
// A title such as "3072-50-10: input weights of the 50 hidden units".
std::string WeightTitle(const Model& model);

}  // namespace tinymlp
