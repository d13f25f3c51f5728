// tinymlp predict: runs a saved model on 32x32 PNG/JPEG images (top-K classes with their
// probabilities) and on CIFAR-10 batch files (accuracy against the file's labels; the last line
// is accuracy=0.xxxx). This is the command a Raspberry Pi runs, so it is in the inference-only
// build, and it allocates the network and its buffers once, from one arena sized from the model
// header and the largest input, before the first forward pass.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/image_input.h"
#include "apps/tinymlp/options.h"
#include "engine/base/arena.h"
#include "engine/io/model_file.h"
#include "engine/ops/kernels.h"
#include "engine/train/evaluate.h"
#include "platform/error.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

// A model file holds no class names; every model predict accepts is a CIFAR-10 classifier.
const char* const kCifar10Names[kClasses] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                             "dog",      "frog",       "horse", "ship", "truck"};

// Images per forward pass: bounds the arena (about 12 MB of inputs at 1000) on a Pi.
constexpr int kMaxChunk = 1000;

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs;
  int top = 3;
  bool json = false;
  int threads = 0;
};

// Runs the network on every image of `data`, chunk by chunk, and calls on_image(i, p) with the
// K probabilities of image i (valid only during the call).
template <typename F>
void Classify(Mlp<float>& net, const Normalization& norm, const Dataset& data,
              BatchBuffers& buffers, F on_image) {
  const int chunk = std::min(net.max_batch(), buffers.capacity);
  for (int first = 0; first < data.count(); first += chunk) {
    const int cols = std::min(chunk, data.count() - first);
    for (int j = 0; j < cols; ++j) buffers.index[j] = first + j;
    const Mat x = buffers.x.cols_block(0, cols);
    GatherNormalize(data.pixels.data(), buffers.index, norm.mean.data(), norm.inv_std.data(), x);
    net.Forward(x, nullptr);
    const Mat p = net.probabilities();
    for (int j = 0; j < cols; ++j) on_image(first + j, p.col(j));
  }
}

// The k most probable classes, most probable first (ties: lower class index first).
std::vector<int> TopClasses(const float* p, int classes, int k) {
  std::vector<int> order(classes);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [p](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  order.resize(k);
  return order;
}

nlohmann::json TopJson(const float* p, const std::vector<int>& top) {
  nlohmann::json list = nlohmann::json::array();
  for (int k : top)
    list.push_back({{"class", kCifar10Names[k]}, {"index", k}, {"probability", p[k]}});
  return list;
}

void RunPredict(const PredictOptions& o) {
  SetThreadCount(o.threads);
  const Model model = LoadModel(o.model);
  if (model.shape.input != kImageDim || model.shape.classes != kClasses) {
    throw DataError(o.model + ": model is " + std::to_string(model.shape.input) + " -> " +
                    std::to_string(model.shape.classes) +
                    ", not a CIFAR-10 classifier (3072 -> 10)");
  }
  // Every input is read and checked before any work, so a bad one fails fast and alone.
  std::vector<PredictInput> inputs;
  int largest = 1;
  for (const std::string& path : o.inputs) {
    inputs.push_back(ReadPredictInput(path));
    largest = std::max(largest, inputs.back().data.count());
  }

  const int chunk = std::min(largest, kMaxChunk);
  Arena arena(MeasureArena<Mlp<float>>(model.shape, chunk) +
              MeasureArena<BatchBuffers>(chunk, kImageDim));
  Mlp<float> net(model.shape, chunk, arena);
  model.CopyInto(net);
  BatchBuffers buffers(chunk, kImageDim, arena);

  nlohmann::json images = nlohmann::json::array(), batches = nlohmann::json::array();
  long total = 0, total_correct = 0;
  for (const PredictInput& in : inputs) {
    if (in.is_image) {
      Classify(net, model.norm, in.data, buffers, [&](int, const float* p) {
        const std::vector<int> top = TopClasses(p, kClasses, o.top);
        if (o.json) {
          images.push_back({{"file", in.path}, {"top", TopJson(p, top)}});
          return;
        }
        std::string line = in.path + ":";
        for (size_t r = 0; r < top.size(); ++r) {
          char prob[32];
          std::snprintf(prob, sizeof(prob), " %.4f", p[top[r]]);
          line += (r ? ", " : " ") + std::string(kCifar10Names[top[r]]) + prob;
        }
        std::printf("%s\n", line.c_str());
      });
      continue;
    }
    long correct = 0;
    nlohmann::json predictions = nlohmann::json::array();
    Classify(net, model.norm, in.data, buffers, [&](int i, const float* p) {
      correct += ArgMax(p, kClasses) == in.data.labels[i];
      if (o.json) {
        predictions.push_back(
            {{"label", in.data.labels[i]}, {"top", TopJson(p, TopClasses(p, kClasses, o.top))}});
      }
    });
    const double accuracy = static_cast<double>(correct) / in.data.count();
    total += in.data.count();
    total_correct += correct;
    if (o.json) {
      batches.push_back({{"file", in.path},
                         {"count", in.data.count()},
                         {"correct", correct},
                         {"accuracy", accuracy},
                         {"predictions", std::move(predictions)}});
    } else {
      std::printf("%s: %d images, accuracy %.4f\n", in.path.c_str(), in.data.count(), accuracy);
    }
  }
  const double accuracy = total ? static_cast<double>(total_correct) / total : 0.0;
  if (o.json) {
    nlohmann::json out = {{"model", o.model}, {"images", images}, {"batches", batches}};
    if (total) out["accuracy"] = accuracy;
    std::printf("%s\n", out.dump().c_str());
  } else if (total) {
    PrintResult("accuracy", accuracy);  // over every batch file given
  }
}

}  // namespace

void AddPredictCommand(CLI::App& app) {
  auto o = std::make_shared<PredictOptions>();
  CLI::App* cmd = app.add_subcommand(
      "predict", "Classify 32x32 PNG/JPEG images (top classes) or CIFAR-10 batch files (accuracy)");
  cmd->add_option("--model", o->model, "Model file (.tmlp)")->required();
  cmd->add_option("--top", o->top, "Classes to list per image, most probable first")
      ->check(CLI::Range(1, kClasses))
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "One JSON document on stdout instead of text lines");
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 4096));
  cmd->add_option("INPUT", o->inputs, "32x32 PNG/JPEG images and/or CIFAR-10 batch files")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->callback([o] { RunPredict(*o); });
}

}  // namespace tinymlp
