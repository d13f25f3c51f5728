// tinymlp weights: the first layer's weights of a model as a grid of 32x32 colour images.
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/weight_images.h"
#include "apps/render/png.h"
#include "apps/tinymlp/commands.h"
#include "engine/io/model_file.h"

namespace tinymlp {
namespace {

struct WeightsOptions {
  std::string model, out;
  int columns = 10, zoom = 4;
};

void RunWeights(const WeightsOptions& o) {
  const Model model = LoadModel(o.model);
  ImageGridSpec spec;
  spec.title = WeightTitle(model);
  spec.columns = o.columns;
  spec.zoom = o.zoom;
  WritePng(o.out, DrawImageGrid(WeightTiles(model, o.model), spec));
  std::printf("wrote %s\n", o.out.c_str());
}

}  // namespace

void AddWeightsCommand(CLI::App& app) {
  auto o = std::make_shared<WeightsOptions>();
  CLI::App* cmd = app.add_subcommand("weights", "Draw a model's first-layer weights as images");
  cmd->add_option("--model", o->model, "Model file (.tmlp)")->required();
  cmd->add_option("--out", o->out, "PNG file to write")->required();
  cmd->add_option("--columns", o->columns, "Images per row")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--zoom", o->zoom, "Screen pixels per weight pixel")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  cmd->callback([o] { RunWeights(*o); });
}

}  // namespace tinymlp
