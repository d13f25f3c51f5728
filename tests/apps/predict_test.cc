// tinymlp predict, run as a subprocess (under qemu in the cross builds): its predictions match
// the engine run in this process, and bad input (a non-image, an image of the wrong size, a
// truncated model, a model of an unknown version, ...) gives one line on stderr naming the file
// and a non-zero exit, never a crash. The model and the images are made here, at test time: a
// random network (the numbers are recomputed, not remembered) and PNG/JPEG files written with
// stb_image_write.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/model/init.h"
#include "engine/model/mlp.h"
#include "engine/ops/kernels.h"
#include "engine/train/evaluate.h"
#include "tests/util/test_util.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace tinymlp {
namespace {

const char* const kNames[kClasses] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                      "dog",      "frog",       "horse", "ship", "truck"};

using testing::RunOutput;
using testing::RunTinymlp;
using testing::WriteBytes;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A fresh directory with a random 3072-8-10 model.
class PredictTest : public ::testing::Test {
 protected:
  static constexpr int kHidden = 8;

  void SetUp() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/predict_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "mkdtemp " << pattern;
    dir_ = pattern;
    model_path_ = dir_ + "/model.tmlp";

    MlpShape shape;
    shape.hidden = {kHidden};
    arena_ = std::make_unique<Arena>(MeasureArena<Mlp<float>>(shape, kMaxImages) +
                                     MeasureArena<BatchBuffers>(kMaxImages, kImageDim));
    net_ = std::make_unique<Mlp<float>>(shape, kMaxImages, *arena_);
    InitWeights(*net_, 1234);
    buffers_ = BatchBuffers(kMaxImages, kImageDim, *arena_);
    norm_.mean.assign(kImageDim, 120.0f);
    norm_.inv_std.assign(kImageDim, 1.0f / 64);
    SaveModel(model_path_, Model::FromNetwork(*net_, norm_));
  }

  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
  }

  // Expects a failure with exit code `code` and one stderr line holding every one of `words`.
  void ExpectOneLineError(const RunOutput& r, int code, const std::vector<std::string>& words) {
    EXPECT_EQ(r.exit_code, code) << r.err;
    ASSERT_FALSE(r.err.empty());
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
    for (const std::string& w : words) EXPECT_NE(r.err.find(w), std::string::npos) << r.err;
  }

  // Random pixels for `count` images in CIFAR-10 order.
  static std::vector<uint8_t> RandomPixels(int count, unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> pixels(static_cast<size_t>(count) * kImageDim);
    for (uint8_t& p : pixels) p = static_cast<uint8_t>(rng() & 0xff);
    return pixels;
  }

  // Writes image `pixels` (CIFAR-10 order, width x height) as a PNG; returns the path.
  std::string WritePng(const std::string& name, const std::vector<uint8_t>& planar, int width,
                       int height) {
    const int plane = width * height;
    std::vector<uint8_t> rgb(static_cast<size_t>(plane) * 3);
    for (int p = 0; p < plane; ++p)
      for (int c = 0; c < 3; ++c) rgb[p * 3 + c] = planar[c * plane + p];
    const std::string path = dir_ + "/" + name;
    EXPECT_NE(stbi_write_png(path.c_str(), width, height, 3, rgb.data(), width * 3), 0) << path;
    return path;
  }

  // The engine's probabilities for `count` images, in this process: K x count, column-major.
  std::vector<float> Probabilities(const std::vector<uint8_t>& pixels, int count) {
    for (int j = 0; j < count; ++j) buffers_.index[j] = j;
    const Mat x = buffers_.x.cols_block(0, count);
    GatherNormalize(pixels.data(), buffers_.index, norm_.mean.data(), norm_.inv_std.data(), x);
    net_->Forward(x, nullptr);
    std::vector<float> p;
    for (int j = 0; j < count; ++j)
      p.insert(p.end(), net_->probabilities().col(j), net_->probabilities().col(j) + kClasses);
    return p;
  }

  static constexpr int kMaxImages = 64;
  std::string dir_, model_path_;
  std::unique_ptr<Arena> arena_;
  std::unique_ptr<Mlp<float>> net_;
  BatchBuffers buffers_;
  Normalization norm_;
};

TEST_F(PredictTest, PngGivesTheEnginesClassesAndProbabilities) {
  const std::vector<uint8_t> pixels = RandomPixels(2, 7);
  const std::vector<uint8_t> first(pixels.begin(), pixels.begin() + kImageDim);
  const std::vector<uint8_t> second(pixels.begin() + kImageDim, pixels.end());
  const std::string a = WritePng("a.png", first, 32, 32), b = WritePng("b.png", second, 32, 32);
  const std::vector<float> p = Probabilities(pixels, 2);

  const RunOutput r =
      RunTinymlp("predict --model '" + model_path_ + "' --top 10 '" + a + "' '" + b + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // "model=...", then per image "images: file=A top=name:index:probability,..." (results.h).
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  for (int i = 0; i < 2; ++i) {
    const std::string& line = lines[i + 1];
    const std::string prefix = "images: file=" + (i == 0 ? a : b) + " top=";
    ASSERT_EQ(line.rfind(prefix, 0), 0u) << line;
    std::istringstream in(line.substr(prefix.size()));
    float previous = 2;
    std::vector<bool> seen(kClasses, false);
    for (int rank = 0; rank < kClasses; ++rank) {
      std::string name, index, prob_text;
      std::getline(in, name, ':');
      std::getline(in, index, ':');
      std::getline(in, prob_text, ',');
      ASSERT_FALSE(in.fail()) << "rank " << rank << " of " << line;
      const float prob = std::stof(prob_text);
      int k = 0;
      while (k < kClasses && name != kNames[k]) ++k;
      ASSERT_LT(k, kClasses) << "unknown class " << name;
      EXPECT_EQ(index, std::to_string(k)) << name;
      EXPECT_FALSE(seen[k]) << name << " listed twice";
      seen[k] = true;
      EXPECT_NEAR(prob, p[i * kClasses + k], 6e-5) << name;  // printed with 4 decimals
      EXPECT_LE(prob, previous) << "not sorted: " << line;
      previous = prob;
    }
  }
}

TEST_F(PredictTest, JpegIsAccepted) {
  const std::vector<uint8_t> planar = RandomPixels(1, 9);
  std::vector<uint8_t> rgb(kImageDim);
  for (int q = 0; q < 1024; ++q)
    for (int c = 0; c < 3; ++c) rgb[q * 3 + c] = planar[c * 1024 + q];
  const std::string path = dir_ + "/photo.jpg";
  ASSERT_NE(stbi_write_jpg(path.c_str(), 32, 32, 3, rgb.data(), 95), 0);
  const RunOutput r = RunTinymlp("predict --model '" + model_path_ + "' --top 2 '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[1].rfind("images: file=" + path + " top=", 0), 0u) << r.out;
  EXPECT_EQ(std::count(lines[1].begin(), lines[1].end(), ','), 1) << "two classes: " << r.out;
}

TEST_F(PredictTest, BatchFileEndsWithItsAccuracy) {
  constexpr int kCount = 30;
  Dataset data;
  data.pixels = RandomPixels(kCount, 11);
  const std::vector<float> p = Probabilities(data.pixels, kCount);
  // Label the first third with the network's own answer and the rest with another class, so
  // the expected accuracy comes from the engine and not from this file.
  std::vector<uint8_t> bytes;
  int correct = 0;
  for (int j = 0; j < kCount; ++j) {
    const int predicted = ArgMax(&p[j * kClasses], kClasses);
    const int label = j < kCount / 3 ? predicted : (predicted + 1 + j % 9) % kClasses;
    correct += label == predicted;
    bytes.push_back(static_cast<uint8_t>(label));
    bytes.insert(bytes.end(), data.pixels.begin() + j * kImageDim,
                 data.pixels.begin() + (j + 1) * kImageDim);
  }
  const std::string path = dir_ + "/batch.bin";
  WriteBytes(path, bytes);
  const RunOutput r = RunTinymlp("predict --model '" + model_path_ + "' '" + path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_FALSE(lines.empty());
  char expected[32];
  std::snprintf(expected, sizeof(expected), "accuracy=%.4f", static_cast<double>(correct) / kCount);
  EXPECT_EQ(lines.back(), expected) << r.out;

  const RunOutput json = RunTinymlp("predict --json --model '" + model_path_ + "' '" + path + "'");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(Lines(json.out).size(), 1u);
  EXPECT_EQ(json.out.front(), '{');
  EXPECT_NE(json.out.find("\"correct\":" + std::to_string(correct) + ","), std::string::npos)
      << json.out.substr(0, 200);
}

TEST_F(PredictTest, NonImageIsAOneLineDataError) {
  const std::string path = dir_ + "/notes.txt";
  WriteBytes(path, std::vector<uint8_t>(100, 'x'));
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' '" + path + "'"), 1,
                     {path, "neither a PNG/JPEG image nor a CIFAR-10 batch file"});
}

TEST_F(PredictTest, CorruptPngIsAOneLineDataError) {
  const std::string good = WritePng("good.png", RandomPixels(1, 3), 32, 32);
  std::vector<uint8_t> bytes;
  const std::string text = ReadText(good);
  bytes.assign(text.begin(), text.begin() + text.size() / 2);  // header intact, data cut
  const std::string path = dir_ + "/cut.png";
  WriteBytes(path, bytes);
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' '" + path + "'"), 1, {path});
}

TEST_F(PredictTest, WrongSizeImageIsAOneLineDataError) {
  // 64 x 48 x 3 bytes = exactly three 32 x 32 images of pixels.
  const std::string path = WritePng("big.png", RandomPixels(3, 5), 64, 48);
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' '" + path + "'"), 1,
                     {path, "64x48", "32x32"});
}

TEST_F(PredictTest, TruncatedModelIsAOneLineDataError) {
  const std::string image = WritePng("a.png", RandomPixels(1, 1), 32, 32);
  const std::string text = ReadText(model_path_);
  for (size_t keep : {size_t{6}, size_t{20}, text.size() / 2, text.size() - 1}) {
    const std::string cut = dir_ + "/cut" + std::to_string(keep) + ".tmlp";
    WriteBytes(cut, std::vector<uint8_t>(text.begin(), text.begin() + keep));
    SCOPED_TRACE("kept " + std::to_string(keep) + " bytes");
    ExpectOneLineError(RunTinymlp("predict --model '" + cut + "' '" + image + "'"), 1, {cut});
  }
}

TEST_F(PredictTest, UnknownModelVersionIsAOneLineDataError) {
  const std::string image = WritePng("a.png", RandomPixels(1, 1), 32, 32);
  const std::string text = ReadText(model_path_);
  std::vector<uint8_t> bytes(text.begin(), text.end());
  bytes[4] = static_cast<uint8_t>(kModelFormatVersion + 98);  // u32 version, little-endian
  const std::string path = dir_ + "/future.tmlp";
  WriteBytes(path, bytes);
  ExpectOneLineError(RunTinymlp("predict --model '" + path + "' '" + image + "'"), 1,
                     {path, "version " + std::to_string(kModelFormatVersion + 98)});
}

TEST_F(PredictTest, ModelWhoseScoresOverflowIsAOneLineDataError) {
  // Finite weights (the file's checks pass) so large that the scores overflow to infinity and
  // softmax would answer NaN: predict and eval refuse, naming the model.
  for (int l = 0; l < net_->shape().layers(); ++l) {
    const Mat w = net_->params().w[l];
    for (int j = 0; j < w.cols; ++j)
      for (int i = 0; i < w.rows; ++i) w.col(j)[i] *= 1e30f;
  }
  const std::string path = dir_ + "/overflow.tmlp";
  SaveModel(path, Model::FromNetwork(*net_, norm_));
  const std::string image = WritePng("a.png", RandomPixels(1, 1), 32, 32);
  ExpectOneLineError(RunTinymlp("predict --model '" + path + "' '" + image + "'"), 1,
                     {path, "not finite"});
  // eval on a test_batch.bin of three images.
  std::vector<uint8_t> batch;
  const std::vector<uint8_t> pixels = RandomPixels(3, 7);
  for (int i = 0; i < 3; ++i) {
    batch.push_back(static_cast<uint8_t>(i));
    batch.insert(batch.end(), pixels.begin() + i * kImageDim, pixels.begin() + (i + 1) * kImageDim);
  }
  WriteBytes(dir_ + "/test_batch.bin", batch);
  ExpectOneLineError(RunTinymlp("eval --model '" + path + "' --data '" + dir_ + "'"), 1,
                     {path, "not finite"});
  // The same model with its weights as they were answers both.
  EXPECT_EQ(RunTinymlp("predict --model '" + model_path_ + "' '" + image + "'").exit_code, 0);
  EXPECT_EQ(RunTinymlp("eval --model '" + model_path_ + "' --data '" + dir_ + "'").exit_code, 0);
}

TEST_F(PredictTest, MissingInputIsAOneLineDataError) {
  const std::string path = dir_ + "/nowhere.png";
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' '" + path + "'"), 1, {path});
}

TEST_F(PredictTest, BadFlagsAreUsageErrors) {
  const std::string image = WritePng("a.png", RandomPixels(1, 1), 32, 32);
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' --top 0 '" + image + "'"), 2,
                     {"--top"});
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "' --top 11 '" + image + "'"),
                     2, {"--top"});
  ExpectOneLineError(RunTinymlp("predict '" + image + "'"), 2, {"--model"});
  ExpectOneLineError(RunTinymlp("predict --model '" + model_path_ + "'"), 2, {"INPUT"});
}

}  // namespace
}  // namespace tinymlp
