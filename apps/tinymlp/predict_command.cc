// tinymlp predict: runs a saved model on 32x32 PNG/JPEG images (top-K classes with their
// probabilities) and on CIFAR-10 batch files (accuracy against the file's labels; the last line
// is accuracy=0.xxxx; --per-image lists each image's top classes too). This is the command a
// Raspberry Pi runs, so it is in the inference-only build. It runs on the public interface
// (tinymlp/tinymlp.h), as any program using the library would: the Classifier holds the network and
// the buffers of a forward pass.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/tinymlp/commands.h"
#include "apps/tinymlp/image_input.h"
#include "apps/tinymlp/options.h"
#include "apps/tinymlp/results.h"
#include "tinymlp/tinymlp.h"

namespace tinymlp {
namespace {

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs;
  int top = 3;
  bool per_image = false;
  int decimals = 4;
  bool json = false;
  int threads = 0;
};

// The top classes as rows: class, index, probability (text: "cat:3:0.6123,dog:5:0.2000").
std::vector<Results> TopRows(const std::vector<Prediction>& top, int decimals) {
  std::vector<Results> rows(top.size());
  for (size_t r = 0; r < top.size(); ++r) {
    rows[r].Add("class", top[r].name).Add("index", top[r].label);
    rows[r].Add("probability", top[r].probability, decimals);
  }
  return rows;
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
  std::vector<Results> images, batches, predictions;
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
      Results row;
      row.Add("file", in.path)
          .AddRows("top", TopRows(classifier.Top(probabilities_of(0), o.top), o.decimals));
      images.push_back(std::move(row));
      continue;
    }
    long correct = 0;
    for (int i = 0; i < count; ++i) {
      const std::vector<Prediction> top = classifier.Top(probabilities_of(i), o.top);
      correct += top[0].label == in.data.labels[i];
      if (!o.per_image) continue;
      Results row;
      row.Add("file", in.path).Add("image", i).Add("label", in.data.labels[i]);
      row.AddRows("top", TopRows(top, o.decimals));
      predictions.push_back(std::move(row));
    }
    total += count;
    total_correct += correct;
    Results row;
    row.Add("file", in.path).Add("images", count).Add("correct", correct);
    row.Add("accuracy", static_cast<double>(correct) / count, 4);
    batches.push_back(std::move(row));
  }
  Results results;
  results.Add("model", o.model);
  if (!images.empty()) results.AddRows("images", images);
  if (!predictions.empty()) results.AddRows("predictions", predictions);
  if (!batches.empty()) {
    results.AddRows("batches", batches);
    // Over every batch file given: the accuracy on files the user names, not a named split.
    results.Add("images", total).Add("correct", total_correct);
    results.Add("accuracy", static_cast<double>(total_correct) / total, 4);
  }
  results.Print(o.json);
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
  cmd->add_flag("--per-image", o->per_image,
                "For batch files: every image's top classes too, not only the accuracy");
  cmd->add_option("--decimals", o->decimals, "Decimals of the probabilities (9: a float's all)")
      ->check(CLI::Range(1, 9))
      ->capture_default_str();
  AddJsonFlag(cmd, o->json);
  cmd->add_option("--threads", o->threads, "Threads (0 = all cores)")->check(CLI::Range(0, 4096));
  cmd->add_option("INPUT", o->inputs, "32x32 PNG/JPEG images and/or CIFAR-10 batch files")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->callback([o] { RunPredict(*o); });
}

}  // namespace tinymlp
