// The public interface (tinymlp/tinymlp.h) on top of the engine: a Classifier is a model file's
// contents plus the network and buffers of one forward pass, built on first use; Train turns
// TrainOptions into what `tinymlp train` builds from its flags (the same network, configuration
// and schedule, so the same bits). Nothing here is on a hot path: it checks arguments, converts
// pixel layouts, and calls the engine.
#include "tinymlp/tinymlp.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "engine/base/arena.h"
#include "engine/base/image_batch.h"
#include "engine/base/parallel.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/model/mlp.h"
#include "engine/ops/kernels.h"
#include "engine/train/evaluate.h"
#include "engine/train/trainer.h"
#include "platform/error.h"
#include "platform/threads.h"

namespace tinymlp {

static_assert(Classifier::kImageBytes == kImageDim && Classifier::kImageSide == kImageSide,
              "the public image size is the engine's");

namespace {

// Images per forward pass: bounds a Classifier's memory (about 15 MB at 1,000) however many
// images one call brings.
constexpr int kMaxChunk = 1000;

// What one forward pass over up to `columns` images needs besides the weights: the network's
// buffers, the index of the images in the chunk, and the planar copy of interleaved images. The
// network reads the uint8 images itself (ImageBatch), so no float copy of the inputs is made.
// Constructors only carve from the arena, so MeasureArena<ForwardBuffers> sizes it exactly.
struct ForwardBuffers {
  ForwardBuffers(const MlpShape& shape, int columns, Arena& arena)
      : net(shape, columns, arena),
        index(arena.AllocateArray<int32_t>(columns)),
        planar(arena.AllocateArray<uint8_t>(static_cast<size_t>(columns) * kImageDim)) {}

  Mlp<float> net;
  int32_t* index;   // columns
  uint8_t* planar;  // columns images in CIFAR-10 order, converted from interleaved
};

std::vector<std::string> ClassNames() {
  return std::vector<std::string>(std::begin(kCifar10ClassNames), std::end(kCifar10ClassNames));
}

}  // namespace

struct Classifier::Impl {
  Impl(Model m, std::string from)
      : model(std::move(m)), names(ClassNames()), source(std::move(from)) {}

  // Makes the network and buffers hold at least `columns` images per pass (at most kMaxChunk).
  void Reserve(int columns) {
    columns = std::min(columns, kMaxChunk);
    if (columns <= capacity) return;
    buffers.reset();  // before the arena it lives in
    arena = std::make_unique<Arena>(MeasureArena<ForwardBuffers>(model.shape, columns));
    buffers = std::make_unique<ForwardBuffers>(model.shape, columns, *arena);
    model.CopyInto(buffers->net);
    StartWorkerThreads();  // the kernels' thread team, now rather than inside the first pass
    capacity = columns;
  }

  // Runs the network on `count` images, chunk by chunk, and calls on_image(i, p) with the K
  // probabilities of image i (valid only during the call).
  template <typename F>
  void Forward(const uint8_t* images, int count, PixelLayout layout, F on_image) {
    Reserve(count);
    for (int first = 0; first < count; first += capacity) {
      const int cols = std::min(capacity, count - first);
      const uint8_t* chunk = images + static_cast<size_t>(first) * kImageDim;
      if (layout == PixelLayout::kInterleaved) {
        for (int j = 0; j < cols; ++j) {
          InterleavedToPlanar(chunk + static_cast<size_t>(j) * kImageDim,
                              buffers->planar + static_cast<size_t>(j) * kImageDim);
        }
        chunk = buffers->planar;
      }
      for (int j = 0; j < cols; ++j) buffers->index[j] = j;
      const ImageBatch x{
          chunk, buffers->index, model.norm.mean.data(), model.norm.inv_std.data(), kImageDim,
          cols};
      buffers->net.Forward(x, nullptr);
      const Mat p = buffers->net.probabilities();
      // Probabilities are NaN only where the scores were not finite: weights that pass every
      // check of the file yet overflow float arithmetic (a crafted or diverged model).
      for (int j = 0; j < cols; ++j) {
        for (int k = 0; k < p.rows; ++k) {
          if (std::isnan(p.col(j)[k])) {
            throw NonFiniteScoresError(source, "image " + std::to_string(first + j));
          }
        }
      }
      for (int j = 0; j < cols; ++j) on_image(first + j, p.col(j));
    }
  }

  Model model;
  std::vector<std::string> names;
  std::string source;  // what error messages call the model: its file, or "the trained model"
  // The forward pass, built on first use (Reserve). The buffers live in the arena: they are
  // declared after it, so they are destroyed first.
  int capacity = 0;
  std::unique_ptr<Arena> arena;
  std::unique_ptr<ForwardBuffers> buffers;
};

Classifier::Classifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Classifier::Classifier(Classifier&&) noexcept = default;
Classifier& Classifier::operator=(Classifier&&) noexcept = default;
Classifier::~Classifier() = default;

Classifier Classifier::Load(const std::string& path) {
  Model model = LoadModel(path);
  if (model.shape.input != kImageDim || model.shape.classes != kClasses) {
    throw DataError(path + ": model is " + std::to_string(model.shape.input) + " -> " +
                    std::to_string(model.shape.classes) +
                    ", not a CIFAR-10 classifier (3072 -> 10)");
  }
  return Classifier(std::make_unique<Impl>(std::move(model), path));
}

std::vector<Prediction> Classifier::Classify(const uint8_t* image, int top_k, PixelLayout layout) {
  if (top_k < 1 || top_k > classes()) {  // before any work
    throw UsageError("Classify: top_k " + std::to_string(top_k) + " is not in 1.." +
                     std::to_string(classes()));
  }
  if (image == nullptr) throw UsageError("Classify: image is null");
  std::vector<Prediction> top;
  impl_->Forward(image, 1, layout, [&](int, const float* p) { top = Top(p, top_k); });
  return top;
}

void Classifier::Probabilities(const uint8_t* images, int count, float* out, PixelLayout layout) {
  if (count < 0) throw UsageError("Probabilities: count " + std::to_string(count) + " < 0");
  if (count == 0) return;
  if (images == nullptr || out == nullptr) throw UsageError("Probabilities: null pointer");
  const int k = classes();
  impl_->Forward(images, count, layout, [&](int i, const float* p) {
    std::copy(p, p + k, out + static_cast<size_t>(i) * k);
  });
}

std::vector<Prediction> Classifier::Top(const float* p, int top_k) const {
  const int k = classes();
  if (top_k < 1 || top_k > k) {
    throw UsageError("top_k " + std::to_string(top_k) + " is not in 1.." + std::to_string(k));
  }
  std::vector<int> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + top_k, order.end(),
                    [p](int a, int b) { return p[a] > p[b] || (p[a] == p[b] && a < b); });
  std::vector<Prediction> top;
  for (int r = 0; r < top_k; ++r) top.push_back({order[r], impl_->names[order[r]], p[order[r]]});
  return top;
}

double Classifier::Accuracy(const ImageSet& images) {
  if (images.count <= 0) return 0;
  if (images.pixels == nullptr || images.labels == nullptr) {
    throw UsageError("Accuracy: the ImageSet needs pixels and labels");
  }
  long correct = 0;
  impl_->Forward(images.pixels, images.count, images.layout, [&](int i, const float* p) {
    correct += ArgMax(p, kClasses) == images.labels[i];
  });
  return static_cast<double>(correct) / images.count;
}

int Classifier::classes() const { return impl_->model.shape.classes; }

const std::vector<std::string>& Classifier::class_names() const { return impl_->names; }

void Classifier::Save(const std::string& path) const { SaveModel(path, impl_->model); }

void SetThreads(int n) { SetThreadCount(n); }

#ifdef TINYMLP_INFERENCE_ONLY

Classifier Classifier::Train(const ImageSet&, const TrainOptions&) {
  throw UsageError(
      "Classifier::Train: this tinymlp is an inference-only build (TINYMLP_INFERENCE_ONLY), "
      "without the training code");
}

#else

namespace {

void Check(bool ok, const std::string& message) {
  if (!ok) throw UsageError("TrainOptions." + message);
}

// The checks `tinymlp train` makes of its flags, with the same ranges.
void Validate(const TrainOptions& o, int count) {
  using S = TrainOptions::Schedule;
  for (int width : o.hidden) {
    Check(width >= 1 && width <= 65536,
          "hidden: width " + std::to_string(width) + " is not in 1..65536");
  }
  Check(o.bn_alpha >= 0 && o.bn_alpha < 1,
        "bn_alpha " + std::to_string(o.bn_alpha) + " is not in [0, 1)");
  Check(o.dropout >= 0 && o.dropout < 1,
        "dropout " + std::to_string(o.dropout) + " is not a probability in [0, 1)");
  Check(o.lambda >= 0, "lambda " + std::to_string(o.lambda) + " is negative");
  Check(o.eta_min >= 0 && o.eta_max >= 0, "eta_min and eta_max must not be negative");
  Check(o.eta_min <= o.eta_max, "eta_min " + std::to_string(o.eta_min) +
                                    " is larger than eta_max " + std::to_string(o.eta_max));
  Check(o.n_s >= 1, "n_s " + std::to_string(o.n_s) + " is not at least 1");
  Check(o.cycles >= 1, "cycles " + std::to_string(o.cycles) + " is not at least 1");
  Check(o.epochs >= 0, "epochs " + std::to_string(o.epochs) + " is negative");
  Check(o.schedule != S::kConstant || o.eta > 0, "eta: the constant schedule needs eta > 0");
  Check(o.schedule == S::kConstant || o.eta == 0,
        "eta is the rate of the constant schedule; the others use eta_min and eta_max");
  Check(o.schedule != S::kCyclic || o.epochs == 0,
        "epochs goes with the constant and linear-decay schedules; the cyclic one runs "
        "2 * n_s * cycles updates");
  Check(o.batch >= 1, "batch " + std::to_string(o.batch) + " is not at least 1");
  Check(o.batch <= count, "batch " + std::to_string(o.batch) +
                              " is larger than the training set (" + std::to_string(count) +
                              " images)");
  Check(o.momentum >= 0 && o.momentum < 1, "momentum is not in [0, 1)");
  Check(o.beta1 >= 0 && o.beta1 < 1 && o.beta2 >= 0 && o.beta2 < 1, "beta1, beta2 not in [0, 1)");
  Check(o.epsilon > 0, "epsilon is not positive");
  Check(o.init != TrainOptions::Init::kNormal || o.init_sigma > 0,
        "init_sigma: Init::kNormal needs init_sigma > 0");
  Check(o.init == TrainOptions::Init::kNormal || o.init_sigma == 0,
        "init_sigma goes with Init::kNormal");
  Check(o.translate >= 0 && o.translate <= 8,
        "translate " + std::to_string(o.translate) + " is not in 0..8");
}

OptimizerKind EngineOptimizer(TrainOptions::Optimizer o) {
  switch (o) {
    case TrainOptions::Optimizer::kMomentum:
      return OptimizerKind::kMomentum;
    case TrainOptions::Optimizer::kNesterov:
      return OptimizerKind::kNesterov;
    case TrainOptions::Optimizer::kAdam:
      return OptimizerKind::kAdam;
    case TrainOptions::Optimizer::kSgd:
      break;
  }
  return OptimizerKind::kSgd;
}

WeightInit EngineInit(TrainOptions::Init init) {
  switch (init) {
    case TrainOptions::Init::kHe:
      return WeightInit::kHe;
    case TrainOptions::Init::kNormal:
      return WeightInit::kNormal;
    case TrainOptions::Init::kXavier:
      break;
  }
  return WeightInit::kXavier;
}

// The images in the engine's layout (planar), with every label checked.
Dataset ToDataset(const ImageSet& set) {
  if (set.count <= 0 || set.pixels == nullptr || set.labels == nullptr) {
    throw UsageError("Train: the training ImageSet needs count > 0, pixels and labels");
  }
  Dataset data;
  data.labels.assign(set.labels, set.labels + set.count);
  for (int i = 0; i < set.count; ++i) {
    if (data.labels[i] >= kClasses) {
      throw DataError("Train: label " + std::to_string(data.labels[i]) + " of image " +
                      std::to_string(i) + " is not a class 0-9");
    }
  }
  const size_t bytes = static_cast<size_t>(set.count) * kImageDim;
  if (set.layout == PixelLayout::kPlanar) {
    data.pixels.assign(set.pixels, set.pixels + bytes);
  } else {
    data.pixels.resize(bytes);
    for (int i = 0; i < set.count; ++i) {
      InterleavedToPlanar(set.pixels + static_cast<size_t>(i) * kImageDim,
                          data.pixels.data() + static_cast<size_t>(i) * kImageDim);
    }
  }
  return data;
}

}  // namespace

Classifier Classifier::Train(const ImageSet& train_set, const TrainOptions& o) {
  using S = TrainOptions::Schedule;
  Validate(o, train_set.count);
  const Dataset train = ToDataset(train_set);
  const Normalization norm = Normalization::FromData(train);

  MlpShape shape;
  shape.hidden = o.hidden;
  shape.batch_norm = o.batch_norm;
  shape.dropout = o.dropout;
  TrainConfig config;
  config.lambda = o.lambda;
  config.batch = o.batch;
  config.seed = o.seed;
  config.optimizer.kind = EngineOptimizer(o.optimizer);
  config.optimizer.momentum = o.momentum;
  config.optimizer.beta1 = o.beta1;
  config.optimizer.beta2 = o.beta2;
  config.optimizer.epsilon = o.epsilon;
  config.augment.flip = o.flip;
  config.augment.translate = o.translate;
  config.init = EngineInit(o.init);
  config.init_sigma = o.init_sigma;
  config.bn_alpha = o.bn_alpha;
  config.eval_every = 0;  // no metrics curve: evaluations do not change the weights

  // The schedule as `tinymlp train` builds it from the same flags.
  ScheduleSettings timing;
  timing.kind = o.schedule == S::kCyclic        ? ScheduleKind::kCyclic
                : o.schedule == S::kLinearDecay ? ScheduleKind::kLinearDecay
                                                : ScheduleKind::kConstant;
  timing.eta_min = o.eta_min;
  timing.eta_max = o.eta_max;
  timing.n_s = o.n_s;
  timing.cycles = o.cycles;
  timing.eta = o.eta;
  timing.epochs = o.epochs;
  const long batches_per_epoch = train.count() / o.batch;
  config.steps = timing.Steps(batches_per_epoch);
  const LearningRateSchedule schedule = timing.Make(batches_per_epoch);

  Arena arena(MeasureArena<Trainer>(shape, config, train, norm));
  Trainer trainer(shape, config, train, norm, arena);
  const long steps = config.steps;
  Trainer::ProgressFn progress;
  if (o.progress) {
    progress = [&](long step, float, double loss) { o.progress(step, steps, loss); };
  }
  trainer.Run(schedule, Dataset(), nullptr, progress);
  return Classifier(
      std::make_unique<Impl>(Model::FromNetwork(trainer.network(), norm), "the trained model"));
}

#endif  // TINYMLP_INFERENCE_ONLY

}  // namespace tinymlp
