// tinymlp eval: test accuracy of a saved model on test_batch.bin.
#include <memory>
#include <string>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/options.h"
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
};

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
  constexpr int kChunk = 1000;
  // Evaluate reads the uint8 images itself: no float batch (gather_rows 0).
  Arena arena(MeasureArena<Mlp<float>>(model.shape, kChunk) +
              MeasureArena<BatchBuffers>(kChunk, /*gather_rows=*/0));
  Mlp<float> net(model.shape, kChunk, arena);
  model.CopyInto(net);
  BatchBuffers buffers(kChunk, /*gather_rows=*/0, arena);
  PrintResult("test_accuracy", Evaluate(net, model.norm, test, 0.0f, buffers).accuracy);
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto o = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand("eval", "Test accuracy of a saved model");
  cmd->add_option("--model", o->model, "Model file (.tmlp)")->required();
  cmd->add_option("--data", o->data, "CIFAR-10 binary folder (holding test_batch.bin)")->required();
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 4096));
  cmd->callback([o] { RunEval(*o); });
}

}  // namespace tinymlp
