// The public interface (tinymlp/tinymlp.h) against the engine it wraps: Load reports bad files as
// data errors naming them; Classify and Probabilities give the engine's own forward pass in both
// pixel layouts; top-k is sorted with ties to the lower label; Train is reproducible, learns an
// easy problem, checks its options, and builds the model `tinymlp train` builds from the same
// images and flags, byte for byte.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/model/init.h"
#include "engine/model/mlp.h"
#include "tests/util/test_util.h"
#include "tinymlp/tinymlp.h"

namespace tinymlp {
namespace {

using testing::ReadBytes;
using testing::RunTinymlp;
using testing::TempDir;
using testing::WriteBytes;

constexpr int kBytes = Classifier::kImageBytes;

std::vector<uint8_t> RandomBytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (uint8_t& b : v) b = static_cast<uint8_t>(rng() & 0xff);
  return v;
}

// Planar (CIFAR-10 order) to interleaved, written here rather than taken from the engine.
std::vector<uint8_t> ToInterleaved(const std::vector<uint8_t>& planar) {
  std::vector<uint8_t> rgb(planar.size());
  for (size_t image = 0; image < planar.size() / kBytes; ++image) {
    const uint8_t* in = planar.data() + image * kBytes;
    uint8_t* out = rgb.data() + image * kBytes;
    for (int p = 0; p < 1024; ++p)
      for (int c = 0; c < 3; ++c) out[p * 3 + c] = in[c * 1024 + p];
  }
  return rgb;
}

// Expects `body` to throw an Error of `kind` whose message holds `words`.
template <typename F>
void ExpectError(F body, ErrorKind kind, const std::vector<std::string>& words) {
  try {
    body();
    ADD_FAILURE() << "no Error thrown";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const std::string& w : words)
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos)
          << "'" << w << "' not in: " << e.what();
  }
}

// A random 3072-12-10 network saved as a model file, and the engine's own forward pass over it.
class ApiModelTest : public ::testing::Test {
 protected:
  static constexpr int kImages = 37;

  void SetUp() override {
    MlpShape shape;
    shape.hidden = {12};
    arena_ = std::make_unique<Arena>(MeasureArena<Mlp<float>>(shape, kImages));
    net_ = std::make_unique<Mlp<float>>(shape, kImages, *arena_);
    InitWeights(*net_, 77);
    std::mt19937 rng(5);
    for (int i = 0; i < kImageDim; ++i) {
      norm_.mean.push_back(100.0f + static_cast<float>(rng() % 50));
      norm_.inv_std.push_back(1.0f / (40.0f + static_cast<float>(rng() % 30)));
    }
    path_ = dir_.File("model.tmlp");
    SaveModel(path_, Model::FromNetwork(*net_, norm_));
  }

  // The engine's probabilities (K x count, column-major) for planar images, through the
  // uint8 path the trainer's evaluation uses (not the one the Classifier takes).
  std::vector<float> EngineProbabilities(const std::vector<uint8_t>& planar, int count) {
    std::vector<int32_t> index(count);
    for (int j = 0; j < count; ++j) index[j] = j;
    const ImageBatch batch{planar.data(),        index.data(), norm_.mean.data(),
                           norm_.inv_std.data(), kImageDim,    count};
    net_->Forward(batch, nullptr);
    std::vector<float> p;
    for (int j = 0; j < count; ++j)
      p.insert(p.end(), net_->probabilities().col(j), net_->probabilities().col(j) + kClasses);
    return p;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Arena> arena_;
  std::unique_ptr<Mlp<float>> net_;
  Normalization norm_;
};

TEST_F(ApiModelTest, ProbabilitiesAreTheEnginesInBothLayouts) {
  const std::vector<uint8_t> planar = RandomBytes(static_cast<size_t>(kImages) * kBytes, 3);
  const std::vector<float> expected = EngineProbabilities(planar, kImages);
  Classifier classifier = Classifier::Load(path_);
  ASSERT_EQ(classifier.classes(), 10);
  std::vector<float> got(kImages * 10, -1.0f);
  classifier.Probabilities(ToInterleaved(planar).data(), kImages, got.data());
  EXPECT_EQ(got, expected) << "interleaved";
  std::vector<float> got_planar(kImages * 10, -1.0f);
  classifier.Probabilities(planar.data(), kImages, got_planar.data(), PixelLayout::kPlanar);
  EXPECT_EQ(got_planar, expected) << "planar";
  // Fewer images after more (the buffers stay), then one at a time.
  std::vector<float> three(30);
  classifier.Probabilities(ToInterleaved(planar).data(), 3, three.data());
  EXPECT_EQ(three, std::vector<float>(expected.begin(), expected.begin() + 30));
}

TEST_F(ApiModelTest, ClassifyIsTheEnginesForwardPassSorted) {
  const std::vector<uint8_t> planar = RandomBytes(static_cast<size_t>(kImages) * kBytes, 4);
  const std::vector<uint8_t> rgb = ToInterleaved(planar);
  const std::vector<float> p = EngineProbabilities(planar, kImages);
  Classifier classifier = Classifier::Load(path_);
  for (int i = 0; i < kImages; ++i) {
    const std::vector<Prediction> top = classifier.Classify(rgb.data() + i * kBytes, 10);
    ASSERT_EQ(top.size(), 10u);
    std::vector<bool> seen(10, false);
    for (int r = 0; r < 10; ++r) {
      const Prediction& pr = top[r];
      ASSERT_GE(pr.label, 0);
      ASSERT_LT(pr.label, 10);
      EXPECT_FALSE(seen[pr.label]);
      seen[pr.label] = true;
      EXPECT_EQ(pr.probability, p[i * 10 + pr.label]) << "image " << i << " rank " << r;
      EXPECT_EQ(pr.name, kCifar10ClassNames[pr.label]);
      if (r > 0) {
        EXPECT_GE(top[r - 1].probability, pr.probability) << "not sorted";
      }
    }
    const std::vector<Prediction> best = classifier.Classify(rgb.data() + i * kBytes);
    ASSERT_EQ(best.size(), 1u);
    EXPECT_EQ(best[0].label, top[0].label);
  }
}

TEST_F(ApiModelTest, TopBreaksTiesTowardTheLowerLabel) {
  Classifier classifier = Classifier::Load(path_);
  const float p[10] = {0.05f, 0.2f, 0.05f, 0.2f, 0.1f, 0.1f, 0.05f, 0.15f, 0.05f, 0.05f};
  const std::vector<Prediction> top = classifier.Top(p, 6);
  const int expected[6] = {1, 3, 7, 4, 5, 0};
  ASSERT_EQ(top.size(), 6u);
  for (int r = 0; r < 6; ++r) {
    EXPECT_EQ(top[r].label, expected[r]) << "rank " << r;
    EXPECT_EQ(top[r].probability, p[expected[r]]);
  }
  EXPECT_EQ(classifier.class_names().size(), 10u);
  EXPECT_EQ(classifier.class_names()[3], "cat");
}

TEST_F(ApiModelTest, BadArgumentsAreUsageErrors) {
  Classifier classifier = Classifier::Load(path_);
  const std::vector<uint8_t> rgb(kBytes, 128);
  ExpectError([&] { classifier.Classify(rgb.data(), 0); }, ErrorKind::kUsage, {"top_k 0"});
  ExpectError([&] { classifier.Classify(rgb.data(), 11); }, ErrorKind::kUsage, {"top_k 11"});
  float out[10];
  ExpectError([&] { classifier.Probabilities(rgb.data(), -1, out); }, ErrorKind::kUsage,
              {"count -1"});
}

TEST_F(ApiModelTest, SaveWritesTheModelItLoaded) {
  Classifier classifier = Classifier::Load(path_);
  const std::string copy = dir_.File("copy.tmlp");
  classifier.Save(copy);
  EXPECT_EQ(ReadBytes(copy), ReadBytes(path_));
}

TEST(ApiLoad, BadFilesAreDataErrorsNamingTheFile) {
  TempDir dir;
  const std::string missing = dir.File("missing.tmlp");
  ExpectError([&] { Classifier::Load(missing); }, ErrorKind::kData, {missing});
  const std::string text = dir.File("notes.tmlp");
  WriteBytes(text, {'h', 'e', 'l', 'l', 'o', '\n', 0, 0, 0, 0, 0, 0});
  ExpectError([&] { Classifier::Load(text); }, ErrorKind::kData, {text, "not a tinymlp model"});

  // A valid model file of another shape: not an image classifier this interface serves.
  MlpShape shape;
  shape.input = 20;
  shape.hidden = {4};
  Arena arena(MeasureArena<Mlp<float>>(shape, 1));
  Mlp<float> net(shape, 1, arena);
  Normalization norm;
  norm.mean.assign(20, 0.0f);
  norm.inv_std.assign(20, 1.0f);
  const std::string small = dir.File("small.tmlp");
  SaveModel(small, Model::FromNetwork(net, norm));
  ExpectError([&] { Classifier::Load(small); }, ErrorKind::kData, {small, "20 -> 10"});

  // A model cut short.
  std::vector<uint8_t> bytes = ReadBytes(small);
  bytes.resize(bytes.size() - 9);
  const std::string cut = dir.File("cut.tmlp");
  WriteBytes(cut, bytes);
  ExpectError([&] { Classifier::Load(cut); }, ErrorKind::kData, {cut, "cut short"});
}

#ifdef TINYMLP_INFERENCE_ONLY

TEST(ApiTrain, SaysItIsNotInThisBuild) {
  std::vector<uint8_t> pixels(kBytes * 2), labels(2);
  ExpectError(
      [&] {
        Classifier::Train({pixels.data(), labels.data(), 2});
      },
      ErrorKind::kUsage, {"inference-only"});
}

#else

// `count` images of an easy problem: class k is a noisy image whose red channel is bright in
// horizontal band k of 10 (interleaved layout).
void EasyImages(int count, unsigned seed, std::vector<uint8_t>& pixels,
                std::vector<uint8_t>& labels) {
  std::mt19937 rng(seed);
  pixels.assign(static_cast<size_t>(count) * kBytes, 0);
  labels.assign(count, 0);
  for (int i = 0; i < count; ++i) {
    const int k = static_cast<int>(rng() % 10);
    labels[i] = static_cast<uint8_t>(k);
    uint8_t* image = pixels.data() + static_cast<size_t>(i) * kBytes;
    for (int row = 0; row < 32; ++row) {
      for (int col = 0; col < 32; ++col) {
        for (int c = 0; c < 3; ++c) {
          const bool band = c == 0 && row * 10 / 32 == k;
          image[(row * 32 + col) * 3 + c] = static_cast<uint8_t>((band ? 128 : 0) + rng() % 128);
        }
      }
    }
  }
}

TrainOptions SmallRun() {
  TrainOptions o;
  o.hidden = {16};
  o.batch = 50;
  o.n_s = 20;
  o.cycles = 2;
  o.lambda = 0.001f;
  return o;
}

TEST(ApiTrain, LearnsAnEasyProblem) {
  std::vector<uint8_t> train_pixels, train_labels, val_pixels, val_labels;
  EasyImages(500, 1, train_pixels, train_labels);
  EasyImages(300, 2, val_pixels, val_labels);
  long calls = 0, last = 0;
  TrainOptions o = SmallRun();
  o.progress = [&](long step, long steps, double loss) {
    ++calls;
    last = step;
    EXPECT_EQ(steps, 80);
    EXPECT_GT(loss, 0);
  };
  Classifier c = Classifier::Train({train_pixels.data(), train_labels.data(), 500}, o);
  EXPECT_EQ(calls, 80);
  EXPECT_EQ(last, 80);
  const double accuracy = c.Accuracy({val_pixels.data(), val_labels.data(), 300});
  EXPECT_GT(accuracy, 0.8) << "chance is 0.1";
}

TEST(ApiTrain, SameSeedSameBitsOtherSeedOtherBits) {
  std::vector<uint8_t> pixels = RandomBytes(300 * static_cast<size_t>(kBytes), 8), labels(300);
  for (int i = 0; i < 300; ++i) labels[i] = static_cast<uint8_t>(i % 10);
  const ImageSet set{pixels.data(), labels.data(), 300};
  TrainOptions o = SmallRun();
  o.dropout = 0.2f;  // draws from the seeded stream too
  TempDir dir;
  Classifier::Train(set, o).Save(dir.File("a.tmlp"));
  Classifier::Train(set, o).Save(dir.File("b.tmlp"));
  o.seed = 2;
  Classifier::Train(set, o).Save(dir.File("c.tmlp"));
  const std::vector<uint8_t> a = ReadBytes(dir.File("a.tmlp"));
  ASSERT_GT(a.size(), 100000u);
  EXPECT_TRUE(a == ReadBytes(dir.File("b.tmlp"))) << "same seed, different model";
  EXPECT_FALSE(a == ReadBytes(dir.File("c.tmlp"))) << "the seed changed nothing";
}

TEST(ApiTrain, BadOptionsAndLabelsAreReported) {
  std::vector<uint8_t> pixels(static_cast<size_t>(100) * kBytes, 7), labels(100, 1);
  const ImageSet set{pixels.data(), labels.data(), 100};
  TrainOptions o = SmallRun();
  o.dropout = 1;
  ExpectError([&] { Classifier::Train(set, o); }, ErrorKind::kUsage, {"TrainOptions.dropout"});
  o = SmallRun();
  o.batch = 101;
  ExpectError([&] { Classifier::Train(set, o); }, ErrorKind::kUsage, {"batch 101", "100 images"});
  o = SmallRun();
  o.hidden = {16, 0};
  ExpectError([&] { Classifier::Train(set, o); }, ErrorKind::kUsage, {"hidden", "width 0"});
  o = SmallRun();
  o.schedule = TrainOptions::Schedule::kConstant;
  ExpectError([&] { Classifier::Train(set, o); }, ErrorKind::kUsage, {"eta"});
  labels[42] = 10;
  ExpectError([&] { Classifier::Train(set, SmallRun()); }, ErrorKind::kData,
              {"label 10", "image 42"});
}

// The same images and settings through the library and through `tinymlp train --split 10k`
// (which trains on data_batch_1.bin): the same model file, byte for byte.
TEST(ApiTrain, SameModelAsTheCommandLine) {
  TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 400);
  for (const bool deep : {false, true}) {
    SCOPED_TRACE(deep ? "two hidden layers, batch norm, momentum" : "the default network");
    const std::string out = dir.File(deep ? "deep" : "default");
    // No evaluations: they change no weight, and under qemu-arm they were nine tenths of the
    // test's 26 s.
    std::string flags = "--n-s 6 --cycles 2 --batch 40 --seed 9 --evals-per-cycle 0";
    if (deep) flags += " --hidden 20,10 --batch-norm --optimizer momentum --lambda 0.003";
    const testing::RunOutput r = RunTinymlp("train --data '" + dir.path() + "' --split 10k " +
                                            flags + " --out '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;

    const std::vector<uint8_t> records = ReadBytes(dir.File("data_batch_1.bin"));
    ASSERT_EQ(records.size(), 400u * 3073);
    std::vector<uint8_t> pixels, labels;
    for (size_t i = 0; i < 400; ++i) {
      labels.push_back(records[i * 3073]);
      pixels.insert(pixels.end(), records.begin() + i * 3073 + 1, records.begin() + (i + 1) * 3073);
    }
    TrainOptions o;
    o.n_s = 6;
    o.cycles = 2;
    o.batch = 40;
    o.seed = 9;
    if (deep) {
      o.hidden = {20, 10};
      o.batch_norm = true;
      o.optimizer = TrainOptions::Optimizer::kMomentum;
      o.lambda = 0.003f;
    }
    Classifier c = Classifier::Train({pixels.data(), labels.data(), 400, PixelLayout::kPlanar}, o);
    c.Save(out + "/api.tmlp");
    const std::vector<uint8_t> cli = ReadBytes(out + "/model.tmlp");
    ASSERT_FALSE(cli.empty());
    EXPECT_TRUE(cli == ReadBytes(out + "/api.tmlp")) << "the library trained another model";
  }
}

#endif  // TINYMLP_INFERENCE_ONLY

}  // namespace
}  // namespace tinymlp
