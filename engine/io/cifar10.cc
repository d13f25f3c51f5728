#include "engine/io/cifar10.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>

#include "engine/base/parallel.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/memory.h"

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

namespace {

// Per-dimension sums of the pixels and of their squares, in integers: exact, so the order does
// not matter and threads may split the work. A chunk is a block of whole images (read front to
// back, as they lie in memory; chunks of 256 dimensions striding over every image ran at a
// fraction of the memory's speed) summed into the chunk's own row of partial sums; a uint32
// square sum holds 65,536 images of 255^2, far more than a chunk's kImages.
struct PixelSums {
  const Dataset* data;
  uint32_t* partial;  // chunk c's sums at [c * 2D, c * 2D + D), its square sums after them
  static constexpr int kImages = 2048;

  static void Chunk(const void* ctx, int chunk) {
    const PixelSums& p = *static_cast<const PixelSums*>(ctx);
    uint32_t* __restrict s = p.partial + size_t{2} * kImageDim * chunk;
    uint32_t* __restrict q = s + kImageDim;
    const int end = std::min(p.data->count(), (chunk + 1) * kImages);
    for (int i = chunk * kImages; i < end; ++i) {
      const uint8_t* __restrict x = p.data->image(i);
      for (int k = 0; k < kImageDim; ++k) {
        const uint32_t v = x[k];
        s[k] += v;
        q[k] += v * v;
      }
    }
  }
};

}  // namespace

Normalization Normalization::FromData(const Dataset& train) {
  Normalization norm;
  norm.mean.assign(kImageDim, 0.0f);
  norm.inv_std.assign(kImageDim, 1.0f);
  const int n = train.count();
  if (n == 0) return norm;
  const int chunks = (n + PixelSums::kImages - 1) / PixelSums::kImages;
  std::vector<uint32_t> partial(size_t{2} * kImageDim * chunks, 0);
  const PixelSums sums{&train, partial.data()};
  ParallelFor(chunks, PixelSums::Chunk, &sums);
  std::vector<uint64_t> sum(kImageDim, 0), sum_sq(kImageDim, 0);
  for (int c = 0; c < chunks; ++c) {
    const uint32_t* row = partial.data() + size_t{2} * kImageDim * c;
    for (int k = 0; k < kImageDim; ++k) sum[k] += row[k], sum_sq[k] += row[kImageDim + k];
  }
  for (int k = 0; k < kImageDim; ++k) {
    // The sums are integers below 2^53, so as doubles they are the exact values a double loop
    // over the pixels gave before: the statistics (and every trained bit) are unchanged.
    const double mean = static_cast<double>(sum[k]) / n;
    const double var = std::max(0.0, static_cast<double>(sum_sq[k]) / n - mean * mean);
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

namespace {

// The number of records in a batch file of `bytes` bytes: whole records, at least one and at most
// kMaxImagesPerBatchFile. Throws DataError naming the file otherwise.
int RecordCount(uint64_t bytes, const std::string& name) {
  if (bytes == 0 || bytes % kRecordBytes != 0) {
    throw DataError(name + ": size " + std::to_string(bytes) +
                    " bytes is not a positive multiple of the 3073-byte CIFAR-10 record "
                    "(truncated or not a CIFAR-10 binary batch?)");
  }
  if (bytes > uint64_t{kMaxImagesPerBatchFile} * kRecordBytes) {
    throw DataError(name + ": " + std::to_string(bytes / kRecordBytes) +
                    " records, more than the " + std::to_string(kMaxImagesPerBatchFile) +
                    " a CIFAR-10 batch file may hold");
  }
  return static_cast<int>(bytes / kRecordBytes);
}

// A Dataset of `count` images whose bytes are all about to be overwritten, its pixels on huge
// pages where the OS gives them (reserved first, so the hint comes before the first touch).
Dataset SizedDataset(int count) {
  Dataset data;
  data.labels.resize(count);
  const size_t bytes = static_cast<size_t>(count) * kImageDim;
  data.pixels.reserve(bytes);
  AdviseHugePages(data.pixels.data(), bytes);
  data.pixels.resize(bytes);
  return data;
}

// Record `index_in_file` of the file `name` into image i of `data`, its label checked first.
void CopyRecord(const uint8_t* record, int index_in_file, const std::string& name, Dataset& data,
                int i) {
  if (record[0] >= kClasses) {
    throw DataError(name + ": record " + std::to_string(index_in_file) + " has label " +
                    std::to_string(record[0]) + ", expected 0-9 (corrupt file?)");
  }
  data.labels[i] = record[0];
  std::memcpy(data.pixels.data() + static_cast<size_t>(i) * kImageDim, record + 1, kImageDim);
}

// Fills datasets with records in file order: all of the first, then the next (the 45k/49k split
// is the five training files back to back, its last images held out for validation). Each
// record goes from the read buffer straight to its place, so the images are in memory once.
class RecordSink {
 public:
  explicit RecordSink(std::vector<Dataset*> sets) : sets_(std::move(sets)) {}

  // All of `file`'s records (the file named `name` in errors).
  void ReadFile(FileReader& file, const std::string& name) {
    const int count = RecordCount(file.size(), name);
    // 256 records (787 KB) at a time: few system calls, and the buffer stays in the caches.
    constexpr int kChunk = 256;
    buffer_.resize(static_cast<size_t>(kChunk) * kRecordBytes);
    for (int first = 0; first < count; first += kChunk) {
      const int n = std::min(kChunk, count - first);
      file.Read(buffer_.data(), static_cast<size_t>(n) * kRecordBytes);
      for (int r = 0; r < n; ++r)
        Put(buffer_.data() + static_cast<size_t>(r) * kRecordBytes, first + r, name);
    }
  }

 private:
  void Put(const uint8_t* record, int index_in_file, const std::string& name) {
    while (set_ < sets_.size() && next_ == sets_[set_]->count()) ++set_, next_ = 0;
    if (set_ == sets_.size()) throw DataError(name + ": more records than expected");
    CopyRecord(record, index_in_file, name, *sets_[set_], next_++);
  }

  std::vector<Dataset*> sets_;
  size_t set_ = 0;
  int next_ = 0;
  std::vector<uint8_t> buffer_;
};

constexpr uint64_t kMaxBatchFileBytes = uint64_t{kMaxImagesPerBatchFile} * kRecordBytes;
constexpr const char* kBatchFileKind = "CIFAR-10 batch file";

}  // namespace

Dataset ParseBatch(const std::vector<uint8_t>& bytes, const std::string& name) {
  Dataset data = SizedDataset(RecordCount(bytes.size(), name));
  for (int i = 0; i < data.count(); ++i) {
    CopyRecord(bytes.data() + static_cast<size_t>(i) * kRecordBytes, i, name, data, i);
  }
  return data;
}

Dataset ReadBatchFile(const std::string& path) {
  FileReader file(path, kMaxBatchFileBytes, kBatchFileKind);
  Dataset data = SizedDataset(RecordCount(file.size(), path));
  RecordSink({&data}).ReadFile(file, path);
  return data;
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
    // Every file is opened and sized first, so each image is copied once, into a dataset of
    // its final size (appending would copy and reallocate 150 MB several times).
    std::vector<std::unique_ptr<FileReader>> files;
    int total = 0;
    for (int i = 1; i <= 5; ++i) {
      files.push_back(
          std::make_unique<FileReader>(JoinPath(dir, "data_batch_" + std::to_string(i) + ".bin"),
                                       kMaxBatchFileBytes, kBatchFileKind));
      total += RecordCount(files.back()->size(), files.back()->path());
    }
    const int held_out = split == Split::k45k ? 5000 : 1000;
    if (total <= held_out) {
      throw DataError(dir + ": only " + std::to_string(total) +
                      " training images, too few for the split");
    }
    data.train = SizedDataset(total - held_out);
    data.validation = SizedDataset(held_out);
    RecordSink sink({&data.train, &data.validation});
    for (auto& file : files) sink.ReadFile(*file, file->path());
  }
  if (with_test) data.test = ReadBatchFile(JoinPath(dir, "test_batch.bin"));
  data.class_names = ReadClassNames(dir);
  return data;
}

}  // namespace tinymlp
