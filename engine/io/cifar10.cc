#include "engine/io/cifar10.h"

#include <cmath>
#include <sstream>

#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {

void Dataset::Append(const Dataset& other, int first, int n) {
  pixels.insert(pixels.end(), other.image(first),
                other.image(first) + static_cast<size_t>(n) * kImageDim);
  labels.insert(labels.end(), other.labels.begin() + first, other.labels.begin() + first + n);
}

void InterleavedToPlanar(const uint8_t* rgb, uint8_t* planar) {
  constexpr int kPlane = kImageSide * kImageSide;
  for (int p = 0; p < kPlane; ++p) {
    for (int c = 0; c < 3; ++c) planar[c * kPlane + p] = rgb[p * 3 + c];
  }
}

Normalization Normalization::FromData(const Dataset& train) {
  Normalization norm;
  norm.mean.assign(kImageDim, 0.0f);
  norm.inv_std.assign(kImageDim, 1.0f);
  const int n = train.count();
  if (n == 0) return norm;
  std::vector<double> sum(kImageDim, 0.0), sum_sq(kImageDim, 0.0);
  for (int i = 0; i < n; ++i) {
    const uint8_t* image = train.image(i);
    for (int k = 0; k < kImageDim; ++k) {
      sum[k] += image[k];
      sum_sq[k] += double(image[k]) * image[k];
    }
  }
  for (int k = 0; k < kImageDim; ++k) {
    const double mean = sum[k] / n;
    const double var = std::max(0.0, sum_sq[k] / n - mean * mean);
    norm.mean[k] = static_cast<float>(mean);
    norm.inv_std[k] = static_cast<float>(1.0 / std::max(std::sqrt(var), 1e-3));
  }
  return norm;
}

Split ParseSplit(const std::string& name) {
  if (name == "10k") return Split::k10k;
  if (name == "45k") return Split::k45k;
  if (name == "49k") return Split::k49k;
  throw UsageError("'" + name + "' is not one of 10k, 45k, 49k");
}

Dataset ParseBatch(const std::vector<uint8_t>& bytes, const std::string& name) {
  if (bytes.empty() || bytes.size() % kRecordBytes != 0) {
    throw DataError(name + ": size " + std::to_string(bytes.size()) +
                    " bytes is not a positive multiple of the 3073-byte CIFAR-10 record "
                    "(truncated or not a CIFAR-10 binary batch?)");
  }
  if (bytes.size() > uint64_t{kMaxImagesPerBatchFile} * kRecordBytes) {
    throw DataError(name + ": " + std::to_string(bytes.size() / kRecordBytes) +
                    " records, more than the " + std::to_string(kMaxImagesPerBatchFile) +
                    " a CIFAR-10 batch file may hold");
  }
  const size_t count = bytes.size() / kRecordBytes;
  Dataset data;
  data.labels.resize(count);
  data.pixels.resize(count * kImageDim);
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* record = bytes.data() + i * kRecordBytes;
    if (record[0] >= kClasses) {
      throw DataError(name + ": record " + std::to_string(i) + " has label " +
                      std::to_string(record[0]) + ", expected 0-9 (corrupt file?)");
    }
    data.labels[i] = record[0];
    std::copy(record + 1, record + kRecordBytes, data.pixels.begin() + i * kImageDim);
  }
  return data;
}

Dataset ReadBatchFile(const std::string& path) {
  return ParseBatch(
      ReadFileBytes(path, uint64_t{kMaxImagesPerBatchFile} * kRecordBytes, "CIFAR-10 batch file"),
      path);
}

std::string ResolveCifarDir(const std::string& dir, const std::string& needed) {
  if (!IsDirectory(dir)) throw DataError(dir + ": data folder not found");
  if (PathExists(JoinPath(dir, needed))) return dir;
  const std::string nested = JoinPath(dir, "cifar-10-batches-bin");
  if (PathExists(JoinPath(nested, needed))) return nested;
  throw DataError(dir + ": no " + needed +
                  " here or in cifar-10-batches-bin/ (not a CIFAR-10 binary folder)");
}

std::vector<std::string> ReadClassNames(const std::string& dir) {
  std::vector<std::string> names;
  const std::string path = JoinPath(dir, "batches.meta.txt");
  if (PathExists(path)) {
    // Ten short names: 64 KiB is far more than any real list.
    const std::vector<uint8_t> bytes = ReadFileBytes(path, 64 * 1024, "class-name list");
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string line;
    while (std::getline(in, line) && names.size() < kClasses) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) names.push_back(line);
    }
  }
  if (names.size() != kClasses) {
    names.clear();
    for (int k = 0; k < kClasses; ++k) names.push_back("class" + std::to_string(k));
  }
  return names;
}

Cifar10 LoadCifar10(const std::string& dir_in, Split split, bool with_test) {
  const std::string dir = ResolveCifarDir(dir_in);
  Cifar10 data;
  auto batch = [&](int i) {
    return ReadBatchFile(JoinPath(dir, "data_batch_" + std::to_string(i) + ".bin"));
  };
  if (split == Split::k10k) {
    data.train = batch(1);
    data.validation = batch(2);
  } else {
    Dataset all;
    for (int i = 1; i <= 5; ++i) {
      const Dataset b = batch(i);
      all.Append(b, 0, b.count());
    }
    const int held_out = split == Split::k45k ? 5000 : 1000;
    if (all.count() <= held_out) {
      throw DataError(dir + ": only " + std::to_string(all.count()) +
                      " training images, too few for the split");
    }
    const int n_train = all.count() - held_out;
    data.train.Append(all, 0, n_train);
    data.validation.Append(all, n_train, held_out);
  }
  if (with_test) data.test = ReadBatchFile(JoinPath(dir, "test_batch.bin"));
  data.class_names = ReadClassNames(dir);
  return data;
}

}  // namespace tinymlp
