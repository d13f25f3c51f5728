// tinymlp weights: the first layer's weights of a model as a grid of 32x32 colour images.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "apps/lab/weight_images.h"
#include "apps/render/png.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "engine/io/model_file.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

struct WeightsOptions {
  std::string model, out;
  int columns = 10, zoom = 4;
  bool json = false;
};

// A picture of more tiles than this is too large to look at (and, for thousands of hidden
// units, to encode): the first kMaxTiles units are drawn and the title says so.
constexpr int kMaxTiles = 1000;

void RunWeights(const WeightsOptions& o) {
  const Model model = LoadModel(o.model);
  std::vector<ImageTile> tiles = WeightTiles(model, o.model);
  ImageGridSpec spec;
  spec.title = WeightTitle(model);
  spec.columns = o.columns;
  spec.zoom = o.zoom;
  const int total = static_cast<int>(tiles.size());
  const int shown = std::min({total, kMaxTiles, MaxGridTiles(spec)});
  if (shown < 1) throw UsageError("--columns and --zoom give a picture too wide to write");
  if (shown < total) {
    tiles.resize(shown);
    spec.title += " (first " + std::to_string(shown) + " of " + std::to_string(total) + ")";
    std::fprintf(stderr, "weights: drawing the first %d of %d units\n", shown, total);
  }
  MakeParentFolder(o.out);
  WritePng(o.out, DrawImageGrid(tiles, spec));
  Results results;
  results.Add("units", total).Add("units_drawn", shown).AddList("wrote", {o.out});
  results.Print(o.json);
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
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunWeights(*o); });
}

}  // namespace tinymlp
