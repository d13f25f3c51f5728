// tinymlp.h: the public interface of the tinymlp engine, a small library that trains and runs
// fully connected classifiers of 32x32 RGB images into the ten CIFAR-10 classes (airplane,
// automobile, bird, cat, deer, dog, frog, horse, ship, truck). It is the one header a program
// needs; it includes only the standard library and tinymlp/error.h, and the engine's internals
// stay behind it (link tinymlp::engine with CMake, or `pkg-config --libs tinymlp`).
//
// ---- Walkthrough -------------------------------------------------------------------------------
//
// An image is 32 x 32 pixels of uint8 RGB, row after row from the top, each pixel r, g, b
// (Classifier::kImageBytes = 3072 bytes): what an image decoder or a PPM file gives you.
//
//   #include <tinymlp/tinymlp.h>
//
//   // Load a model written by `tinymlp train` or Classifier::Save.
//   tinymlp::Classifier classifier = tinymlp::Classifier::Load("model.tmlp");
//
//   // Classify one image: the most probable class first.
//   std::vector<uint8_t> rgb = ...;  // 3072 bytes
//   tinymlp::Prediction best = classifier.Classify(rgb.data())[0];
//   std::printf("%s %.4f\n", best.name.c_str(), best.probability);  // "cat 0.6123"
//
//   // The three most probable classes, most probable first (ties: lower label first).
//   for (const tinymlp::Prediction& p : classifier.Classify(rgb.data(), 3))
//     std::printf("%d %s %.4f\n", p.label, p.name.c_str(), p.probability);
//
//   // Many images at once (faster per image): all the probabilities, image after image.
//   std::vector<float> probs(count * classifier.classes());
//   classifier.Probabilities(pixels, count, probs.data());
//   // probs[i * classes() + k]: probability that image i is of class k (class_names()[k]).
//
//   // Train from images and labels in memory (labels 0-9 in the order of class_names()).
//   tinymlp::ImageSet train{train_pixels, train_labels, train_count};
//   tinymlp::ImageSet validation{val_pixels, val_labels, val_count};
//   tinymlp::TrainOptions options;   // the defaults of `tinymlp train`
//   options.hidden = {50};           // one hidden layer of 50 ReLU units
//   options.lambda = 0.00115f;       // L2 regularization
//   options.n_s = 980;               // cyclic learning rate: 2 * n_s updates per cycle ...
//   options.cycles = 3;              // ... 3 cycles
//   tinymlp::Classifier trained = tinymlp::Classifier::Train(train, options);
//   std::printf("validation accuracy %.4f\n", trained.Accuracy(validation));
//   trained.Save("model.tmlp");
//
//   tinymlp::SetThreads(2);          // optional: threads for everything above (0: all cores)
//
// Errors: every function reports failure by throwing tinymlp::Error (tinymlp/error.h), a
// std::runtime_error whose what() is one line naming the file or the option and what is wrong.
// error.kind() is ErrorKind::kData for bad data (a missing, unreadable or corrupt model file, a
// label out of range) and ErrorKind::kUsage for a bad argument (top_k out of range, a training
// option out of range, training in an inference-only build).
//
//   try {
//     tinymlp::Classifier c = tinymlp::Classifier::Load(path);
//   } catch (const tinymlp::Error& e) {
//     std::fprintf(stderr, "%s\n", e.what());  // "model.tmlp: CRC mismatch (the model ...)"
//     return e.exit_code();                    // 1 for kData, 2 for kUsage
//   }
//
// Inference-only builds (-DTINYMLP_INFERENCE_ONLY=ON, for deployment on a Raspberry Pi) declare
// the same header; Classifier::Train throws an Error of kind kUsage saying so.
//
// Threads and memory: a Classifier owns its weights and the buffers one forward pass needs,
// allocated once and grown only when a call brings more images than before (at most 1,000 images
// per forward pass). Its calls are not safe to make from two threads at once on the same
// Classifier; use one Classifier per thread. The engine's kernels use up to SetThreads() threads
// inside each call. Pixel, label and output pointers belong to the caller and are only used
// during the call.
//
// Determinism: the same images, options, seed and thread count give the same model, bit for
// bit, and the same model as `tinymlp train` given the same images and flags.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tinymlp/error.h"

namespace tinymlp {

// How the bytes of one image are ordered.
enum class PixelLayout {
  kInterleaved,  // rows from the top, each pixel r, g, b (image decoders, PPM files)
  kPlanar,       // the CIFAR-10 record layout: 1024 red, 1024 green, then 1024 blue bytes
};

// One class of a classification result.
struct Prediction {
  int label = 0;          // 0-9
  std::string name;       // "airplane", "automobile", ...
  float probability = 0;  // softmax output, in [0, 1]
};

// Images and their labels, owned by the caller: `count` images of Classifier::kImageBytes each,
// one after another, and `count` labels (0-9), for Classifier::Train and Accuracy.
struct ImageSet {
  const uint8_t* pixels = nullptr;
  const uint8_t* labels = nullptr;
  int count = 0;
  PixelLayout layout = PixelLayout::kInterleaved;
};

// The settings of a training run. The defaults are those of `tinymlp train`.
struct TrainOptions {
  // The network: 3072 inputs -> hidden[0] ReLU -> ... -> 10 softmax. Empty: the one-layer
  // softmax classifier.
  std::vector<int> hidden = {50};
  bool batch_norm = false;  // batch normalization after each hidden linear layer, before its ReLU
  float bn_alpha = 0.9f;    // its running averages: new = alpha * old + (1 - alpha) * batch
  float dropout = 0;        // probability of dropping a hidden unit while training, in [0, 1)

  // The cost: mean cross-entropy + lambda * (sum of the squared weights).
  float lambda = 0.01f;

  // The learning rate eta.
  enum class Schedule {
    kCyclic,       // triangular, between eta_min and eta_max: up for n_s updates, down for n_s,
                   // `cycles` times (2 * n_s * cycles updates)
    kLinearDecay,  // from eta_max down to eta_min over `epochs` epochs (0: as many updates as
                   // the cyclic schedule would make)
    kConstant,     // `eta` for `epochs` epochs (0: 10)
  };
  Schedule schedule = Schedule::kCyclic;
  float eta_min = 1e-5f;
  float eta_max = 0.1f;
  long n_s = 500;
  int cycles = 1;
  float eta = 0;   // kConstant only, > 0
  int epochs = 0;  // kConstant and kLinearDecay

  int batch = 100;    // images per update
  uint64_t seed = 1;  // initial weights, shuffling, dropout and augmentation

  // Parameter updates: plain gradient descent, heavy-ball or Nesterov momentum, or Adam.
  enum class Optimizer { kSgd, kMomentum, kNesterov, kAdam };
  Optimizer optimizer = Optimizer::kSgd;
  float momentum = 0.9f;  // kMomentum, kNesterov
  float beta1 = 0.9f;     // kAdam
  float beta2 = 0.999f;   // kAdam
  float epsilon = 1e-8f;  // kAdam

  // Initial weights N(0, s^2): s = 1/sqrt(inputs) (kXavier), sqrt(2/inputs) (kHe), init_sigma.
  enum class Init { kXavier, kHe, kNormal };
  Init init = Init::kXavier;
  double init_sigma = 0;  // kNormal only, > 0

  // Augmentation of each training image as its mini-batch is gathered (no copy is stored).
  bool flip = false;  // mirror left-right with probability 1/2
  int translate = 0;  // shift by up to this many pixels each way, 0-8

  // Called after every update with the update count so far, the total, and the mini-batch's
  // mean cross-entropy. Optional.
  std::function<void(long step, long steps, double batch_loss)> progress;
};

class Classifier {
 public:
  static constexpr int kImageSide = 32;                            // pixels per row and column
  static constexpr int kImageBytes = 3 * kImageSide * kImageSide;  // 3072

  // Reads a .tmlp model file. Throws Error (kData) naming the file when it is missing, corrupt,
  // or not a classifier of 32x32 RGB images into 10 classes.
  static Classifier Load(const std::string& path);

  // Trains a network on `train` (pixels and labels) and returns it; see TrainOptions. Throws
  // Error (kUsage) naming the option for a setting out of range, (kData) for a label above 9,
  // and (kUsage) in an inference-only build.
  static Classifier Train(const ImageSet& train, const TrainOptions& options = TrainOptions());

  Classifier(Classifier&&) noexcept;
  Classifier& operator=(Classifier&&) noexcept;
  ~Classifier();

  // The top_k (1 to classes()) most probable classes of one image of kImageBytes, most
  // probable first; ties go to the lower label. Classify, Probabilities and Accuracy throw Error
  // (kData), naming the model and the image, when a model's scores are not finite numbers (its
  // weights overflow float arithmetic: a crafted or diverged model) instead of answering NaN.
  std::vector<Prediction> Classify(const uint8_t* image, int top_k = 1,
                                   PixelLayout layout = PixelLayout::kInterleaved);

  // The class probabilities of `count` images (count * kImageBytes bytes, image after image):
  // out[i * classes() + k] for image i and class k; out holds count * classes() floats.
  void Probabilities(const uint8_t* images, int count, float* out,
                     PixelLayout layout = PixelLayout::kInterleaved);

  // The top_k classes, as Classify returns them, of one image's classes() probabilities.
  std::vector<Prediction> Top(const float* probabilities, int top_k) const;

  // Fraction of `images` whose most probable class is its label (0 for an empty set).
  double Accuracy(const ImageSet& images);

  int classes() const;                                  // 10
  const std::vector<std::string>& class_names() const;  // in label order

  // Writes the model to `path` (through a temporary file and a rename, so a reader never sees
  // half a file). Throws Error (kData) when the file cannot be written.
  void Save(const std::string& path) const;

 private:
  struct Impl;
  explicit Classifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Threads the engine's kernels use (n <= 0: all cores), for the calling thread's calls.
void SetThreads(int n);

}  // namespace tinymlp
