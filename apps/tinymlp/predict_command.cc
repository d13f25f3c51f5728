// tinymlp predict: runs a saved model on 32x32 PNG/JPEG images (top-K classes with their
// probabilities) and on CIFAR-10 batch files (accuracy against the file's labels; the last line
// is accuracy=0.xxxx). This is the command a Raspberry Pi runs, so it is in the inference-only
// build. It runs on the public interface (tinymlp/tinymlp.h), as any program using the library
// would: the Classifier holds the network and the buffers of a forward pass.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/image_input.h"
#include "apps/tinymlp/options.h"
#include "tinymlp/tinymlp.h"

namespace tinymlp {
namespace {

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs;
  int top = 3;
  bool json = false;
  int threads = 0;
};

nlohmann::json TopJson(const std::vector<Prediction>& top) {
  nlohmann::json list = nlohmann::json::array();
  for (const Prediction& p : top)
    list.push_back({{"class", p.name}, {"index", p.label}, {"probability", p.probability}});
  return list;
}

// JSON strings are UTF-8, and a file name is any bytes: a name that is not UTF-8 is refused
// before any work, rather than failing (or being altered) when the document is written.
void CheckJsonFileName(const std::string& path) {
  try {
    (void)nlohmann::json(path).dump();
  } catch (const nlohmann::json::type_error&) {
    throw UsageError("--json: the file name '" + path +
                     "' is not valid UTF-8, which a JSON document cannot hold; rename the file "
                     "or leave out --json");
  }
}

void RunPredict(const PredictOptions& o) {
  if (o.json) {
    CheckJsonFileName(o.model);
    for (const std::string& path : o.inputs) CheckJsonFileName(path);
  }
  SetThreads(o.threads);
  Classifier classifier = Classifier::Load(o.model);
  // Every input is read and checked before any work, so a bad one fails fast and alone.
  std::vector<PredictInput> inputs;
  for (const std::string& path : o.inputs) inputs.push_back(ReadPredictInput(path));

  const int classes = classifier.classes();
  nlohmann::json images = nlohmann::json::array(), batches = nlohmann::json::array();
  long total = 0, total_correct = 0;
  std::vector<float> probabilities;
  for (const PredictInput& in : inputs) {
    const int count = in.data.count();
    probabilities.resize(static_cast<size_t>(count) * classes);
    classifier.Probabilities(in.data.pixels.data(), count, probabilities.data(),
                             PixelLayout::kPlanar);  // decoded images are in CIFAR-10 order too
    auto probabilities_of = [&](int i) {
      return probabilities.data() + static_cast<size_t>(i) * classes;
    };
    if (in.is_image) {
      const std::vector<Prediction> top = classifier.Top(probabilities_of(0), o.top);
      if (o.json) {
        images.push_back({{"file", in.path}, {"top", TopJson(top)}});
        continue;
      }
      std::string line = in.path + ":";
      for (size_t r = 0; r < top.size(); ++r) {
        char prob[32];
        std::snprintf(prob, sizeof(prob), " %.4f", top[r].probability);
        line += (r ? ", " : " ") + top[r].name + prob;
      }
      std::printf("%s\n", line.c_str());
      continue;
    }
    long correct = 0;
    nlohmann::json predictions = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
      const std::vector<Prediction> top = classifier.Top(probabilities_of(i), o.json ? o.top : 1);
      correct += top[0].label == in.data.labels[i];
      if (o.json) predictions.push_back({{"label", in.data.labels[i]}, {"top", TopJson(top)}});
    }
    const double accuracy = static_cast<double>(correct) / count;
    total += count;
    total_correct += correct;
    if (o.json) {
      batches.push_back({{"file", in.path},
                         {"count", count},
                         {"correct", correct},
                         {"accuracy", accuracy},
                         {"predictions", std::move(predictions)}});
    } else {
      std::printf("%s: %d images, accuracy %.4f\n", in.path.c_str(), count, accuracy);
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
