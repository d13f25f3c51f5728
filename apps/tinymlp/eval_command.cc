// tinymlp eval: a saved model on test_batch.bin: its accuracy and, with --per-class, each class's
// accuracy and the confusion matrix (--plot draws that as a heat map).
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "apps/render/heat_map.h"
#include "apps/render/png.h"
#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/train/evaluate.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct EvalOptions {
  std::string model;
  std::string data;
  int threads = 0;
  bool per_class = false;
  std::string plot;
  bool json = false;
};

std::vector<std::string> ClassNames() {
  return std::vector<std::string>(kCifar10ClassNames, kCifar10ClassNames + kClasses);
}

void RunEval(const EvalOptions& o) {
  SetThreadCount(o.threads);
  const Model model = LoadModel(o.model);
  const Dataset test =
      ReadBatchFile(JoinPath(ResolveCifarDir(o.data, "test_batch.bin"), "test_batch.bin"));
  if (model.shape.input != kImageDim || model.shape.classes != kClasses) {
    throw DataError(o.model + ": model is " + std::to_string(model.shape.input) + " -> " +
                    std::to_string(model.shape.classes) +
                    ", not a CIFAR-10 classifier (3072 -> 10)");
  }
  // confusion[true * K + predicted]
  std::vector<int64_t> confusion(static_cast<size_t>(kClasses) * kClasses, 0);
  const Evaluation e = EvaluateModel(model, test, confusion.data());
  // NaN only from scores that are not finite (an infinite loss is a legitimate, overconfident
  // model): weights that pass the file's checks yet overflow float arithmetic.
  if (std::isnan(e.loss)) throw NonFiniteScoresError(o.model, "");

  Results results;
  results.Add("model", o.model).Add("test_images", test.count());
  results.Add("test_loss", e.loss, 4).Add("test_accuracy", e.accuracy, 4);
  if (o.per_class) {
    std::vector<Results> rows(kClasses);
    for (int k = 0; k < kClasses; ++k) {
      int64_t images = 0;
      for (int p = 0; p < kClasses; ++p) images += confusion[k * kClasses + p];
      const int64_t correct = confusion[k * kClasses + k];
      rows[k].Add("class", kCifar10ClassNames[k]).Add("images", images).Add("correct", correct);
      rows[k].Add("accuracy", images ? static_cast<double>(correct) / images : 0.0, 4);
    }
    results.AddRows("per_class", rows);
    results.AddMatrix("confusion_matrix", confusion, ClassNames());
  }
  if (!o.plot.empty()) {
    HeatMapSpec spec;
    spec.title = "Confusion matrix, " + std::to_string(test.count()) + " test images, accuracy " +
                 FormatFixed(e.accuracy, 4);
    spec.row_labels = spec.column_labels = ClassNames();
    MakeParentFolder(o.plot);
    WritePng(o.plot, DrawHeatMap(confusion, spec));
    results.AddList("wrote", {o.plot});
  }
  results.Print(o.json);
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Test accuracy of a saved model, per class if asked");
  cmd->add_option("--model", o->model, "Model file (.tmlp)")->required();
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder (holding test_batch.bin)")->required();
  cmd->add_flag("--per-class", o->per_class,
                "Also each class's accuracy and the confusion matrix (rows: true class, columns: "
                "predicted)");
  cmd->add_option("--plot", o->plot, "Draw the confusion matrix as a heat map into this PNG file");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  AddJsonFlag(cmd, o->json);
  cmd->callback([o] { RunEval(*o); });
}

}  // namespace tinymlp
