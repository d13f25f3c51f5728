// The CIFAR-10 reader on synthetic files: splits, and every kind of bad file.
#include "engine/io/cifar10.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "platform/error.h"
#include "platform/threads.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

std::string LoadError(const std::string& dir) {
  try {
    LoadCifar10(dir, Split::k10k);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    return e.what();
  }
  ADD_FAILURE() << "loaded bad data without an error";
  return "";
}

TEST(Cifar10, ParsesRecords) {
  const std::vector<uint8_t> bytes = testing::RandomBatchBytes(3, 1);
  const Dataset d = ParseBatch(bytes, "x");
  ASSERT_EQ(d.count(), 3);
  EXPECT_EQ(d.labels[2], bytes[2 * 3073]);
  EXPECT_EQ(d.image(1)[0], bytes[3073 + 1]);
  EXPECT_EQ(d.image(2)[3071], bytes[3 * 3073 - 1]);
}

TEST(Cifar10, SplitsHoldOutTheLastImages) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 400);
  const Cifar10 d10 = LoadCifar10(dir.path(), Split::k10k);
  EXPECT_EQ(d10.train.count(), 400);
  EXPECT_EQ(d10.validation.count(), 400);
  EXPECT_EQ(d10.test.count(), 400);
  const Dataset batch5 = ReadBatchFile(dir.File("data_batch_5.bin"));
  const Cifar10 d49 = LoadCifar10(dir.path(), Split::k49k);  // 2000 images: hold out 1000
  EXPECT_EQ(d49.train.count(), 1000);
  EXPECT_EQ(d49.validation.count(), 1000);
  EXPECT_EQ(d49.validation.labels.back(), batch5.labels.back());
}

TEST(Cifar10, TooFewImagesForSplit) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 400);
  EXPECT_THROW(LoadCifar10(dir.path(), Split::k45k), Error);
}

TEST(Cifar10, AcceptsTheParentFolder) {
  testing::TempDir dir;
  ASSERT_EQ(std::system(("mkdir '" + dir.File("cifar-10-batches-bin") + "'").c_str()), 0);
  testing::WriteRandomCifarDir(dir.File("cifar-10-batches-bin"), 10);
  EXPECT_EQ(LoadCifar10(dir.path(), Split::k10k).train.count(), 10);
}

TEST(Cifar10, MissingFolder) {
  EXPECT_NE(LoadError("/nonexistent/cifar").find("/nonexistent/cifar: data folder not found"),
            std::string::npos);
}

TEST(Cifar10, FolderWithoutBatches) {
  testing::TempDir dir;
  EXPECT_NE(LoadError(dir.path()).find("no data_batch_1.bin"), std::string::npos);
}

TEST(Cifar10, SizeNotAMultipleOfTheRecord) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 20);
  std::vector<uint8_t> bytes = testing::RandomBatchBytes(20, 1);
  bytes.resize(bytes.size() - 100);
  testing::WriteBytes(dir.File("data_batch_2.bin"), bytes);
  const std::string message = LoadError(dir.path());
  EXPECT_NE(message.find("data_batch_2.bin"), std::string::npos) << message;
  EXPECT_NE(message.find("not a positive multiple of the 3073-byte"), std::string::npos) << message;
}

TEST(Cifar10, LabelAboveNine) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 20);
  std::vector<uint8_t> bytes = testing::RandomBatchBytes(20, 1);
  bytes[5 * 3073] = 10;
  testing::WriteBytes(dir.File("data_batch_1.bin"), bytes);
  const std::string message = LoadError(dir.path());
  EXPECT_NE(message.find("data_batch_1.bin: record 5 has label 10"), std::string::npos) << message;
}

TEST(Cifar10, EmptyFile) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 20);
  testing::WriteBytes(dir.File("test_batch.bin"), {});
  EXPECT_NE(LoadError(dir.path()).find("test_batch.bin: size 0"), std::string::npos);
}

TEST(Cifar10, NormalizationIsPerDimension) {
  Dataset d = ParseBatch(testing::RandomBatchBytes(50, 3), "x");
  for (int i = 0; i < d.count(); ++i) d.pixels[static_cast<size_t>(i) * kImageDim] = 7;  // constant
  const Normalization n = Normalization::FromData(d);
  EXPECT_FLOAT_EQ(n.mean[0], 7.0f);
  EXPECT_GT(n.inv_std[0], 0.0f);  // std floored, no division by zero
  double mean = 0;
  for (int i = 0; i < d.count(); ++i) mean += d.image(i)[100];
  EXPECT_NEAR(n.mean[100], mean / d.count(), 1e-3);
}

// Over several chunks of images (the last one partial) and on two threads, the integer sums
// give exactly the doubles of a plain double loop over every pixel.
TEST(Cifar10, NormalizationEqualsADoubleLoopAtAnyThreadCount) {
  const Dataset d = ParseBatch(testing::RandomBatchBytes(5000, 11), "x");
  for (int threads : {1, 2}) {
    SetThreadCount(threads);
    const Normalization n = Normalization::FromData(d);
    for (int k : {0, 1, 1023, 2047, 3071}) {
      double sum = 0, sum_sq = 0;
      for (int i = 0; i < d.count(); ++i) {
        const double v = d.image(i)[k];
        sum += v, sum_sq += v * v;
      }
      const double mean = sum / d.count();
      const double var = std::max(0.0, sum_sq / d.count() - mean * mean);
      EXPECT_EQ(n.mean[k], static_cast<float>(mean))
          << "dimension " << k << ", threads " << threads;
      EXPECT_EQ(n.inv_std[k], static_cast<float>(1.0 / std::max(std::sqrt(var), 1e-3)))
          << "dimension " << k << ", threads " << threads;
    }
  }
  SetThreadCount(0);
}

}  // namespace
}  // namespace tinymlp
