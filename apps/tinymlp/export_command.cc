// tinymlp export: a model's weights as numpy arrays (--format npz), for use outside tinymlp.
//
// The arrays (README "Output" lists them), all float32 in C order unless said otherwise:
//   layer_widths  int64 (L + 1,): input, hidden widths..., classes (3072, 50, 10)
//   batch_norm    int64 (): 1 when the hidden layers are batch-normalized
//   norm_mean, norm_std, norm_inv_std  (3072,): x = (pixels - norm_mean) * norm_inv_std
//   W1..WL        (out, in): a layer computes W @ x + b (the engine's column-major out x in
//                 matrix, transposed to row-major on the way out, so numpy needs no reordering)
//   b1..bL        (out,): zeros for a batch-normalized layer, whose beta takes its place
//   gamma1.., beta1.., running_mean1.., running_var1..  (out,) per hidden layer, batch norm only:
//                 y = gamma * (s - running_mean) / sqrt(running_var + bn_epsilon) + beta
//   bn_epsilon    float32 ()
// The input x is the CIFAR-10 record's 3072 bytes in their order (1024 red, green, blue), as
// float.
#include <memory>
#include <string>
#include <vector>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/npz_writer.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "engine/io/model_file.h"
#include "engine/model/batch_norm.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

struct ExportOptions {
  std::string model, format = "npz", out;
  bool json = false;
};

// The engine's out x in column-major matrix (element (r, c) at w[r + c * out]) in C order.
std::vector<float> RowMajor(const std::vector<float>& w, int out, int in) {
  std::vector<float> t(w.size());
  for (int c = 0; c < in; ++c)
    for (int r = 0; r < out; ++r)
      t[static_cast<size_t>(r) * in + c] = w[r + static_cast<size_t>(c) * out];
  return t;
}

void RunExport(const ExportOptions& o) {
  if (o.format != "npz") throw UsageError("--format " + o.format + ": the one format is npz");
  const Model model = LoadModel(o.model);
  const MlpShape& shape = model.shape;
  NpzWriter npz;
  std::vector<int64_t> widths{shape.input};
  for (int h : shape.hidden) widths.push_back(h);
  widths.push_back(shape.classes);
  npz.AddInt64("layer_widths", {static_cast<int64_t>(widths.size())}, widths);
  npz.AddInt64("batch_norm", {}, {shape.batch_norm ? 1 : 0});
  const int64_t d = shape.input;
  std::vector<float> std_dev(model.norm.inv_std.size());
  for (size_t i = 0; i < std_dev.size(); ++i) std_dev[i] = 1.0f / model.norm.inv_std[i];
  npz.AddFloat32("norm_mean", {d}, model.norm.mean);
  npz.AddFloat32("norm_std", {d}, std_dev);
  npz.AddFloat32("norm_inv_std", {d}, model.norm.inv_std);
  for (int l = 0; l < shape.layers(); ++l) {
    const std::string n = std::to_string(l + 1);
    const int out = shape.out(l), in = shape.in(l);
    npz.AddFloat32("W" + n, {out, in}, RowMajor(model.w[l], out, in));
    npz.AddFloat32("b" + n, {out}, model.b[l]);
  }
  if (shape.batch_norm) {
    for (size_t l = 0; l < model.gamma.size(); ++l) {
      const std::string n = std::to_string(l + 1);
      const int64_t out = static_cast<int64_t>(model.gamma[l].size());
      npz.AddFloat32("gamma" + n, {out}, model.gamma[l]);
      npz.AddFloat32("beta" + n, {out}, model.beta[l]);
      npz.AddFloat32("running_mean" + n, {out}, model.running_mean[l]);
      npz.AddFloat32("running_var" + n, {out}, model.running_var[l]);
    }
    npz.AddFloat32("bn_epsilon", {}, {static_cast<float>(kBatchNormEpsilon)});
  }
  const std::vector<uint8_t> bytes = npz.Finish();
  MakeParentFolder(o.out);
  WriteFileAtomic(o.out, bytes.data(), bytes.size());
  Results results;
  results.Add("model", o.model).Add("format", o.format).AddList("arrays", npz.names());
  results.Add("bytes", static_cast<int64_t>(bytes.size())).AddList("wrote", {o.out});
  results.Print(o.json);
}

}  // namespace

void AddExportCommand(CLI::App& app) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Write a model's weights as numpy arrays (W1, b1, ..., normalization)");
  cmd->add_option("--model", o->model, "Model file (.tmlp)")->required();
  cmd->add_option("--format", o->format, "Output format: npz (numpy's np.load reads it)")
      ->capture_default_str();
  cmd->add_option("OUT", o->out, "File to write (.npz)")->required();
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunExport(*o); });
}

}  // namespace tinymlp
