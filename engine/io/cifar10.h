// CIFAR-10 in its official binary layout: each record is 1 label byte (0-9) then 3072 pixel
// bytes (1024 red, 1024 green, 1024 blue, each plane row-major 32x32). Images stay uint8 in
// memory (150 MB for all 60,000 as float would be 737 MB); mini-batches are normalized on the
// fly (ImageBatch, GatherNormalize) with the per-dimension mean and standard deviation of the
// training split.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

constexpr int kImageSide = 32;
constexpr int kImageDim = 3 * kImageSide * kImageSide;  // D = 3072
constexpr int kClasses = 10;                            // K
constexpr int kRecordBytes = 1 + kImageDim;             // 3073
constexpr int kImagesPerBatchFile = 10000;
// The most records a batch file may hold: the official files hold 10,000, and 50,000 (the whole
// training set in one file) leaves room for any concatenation of them while refusing a huge or
// sparse file before it is read (154 MB at most; counts stay far inside an int).
constexpr int kMaxImagesPerBatchFile = 50000;

// The ten classes in label order. A model file holds no names: every tinymlp model is a CIFAR-10
// classifier, so these are its names.
inline constexpr const char* kCifar10ClassNames[kClasses] = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

// One 32x32 image from interleaved RGB (rows top to bottom, each pixel r, g, b: the layout of
// image decoders and of PPM files) to the CIFAR-10 record layout above (three planes). `rgb` and
// `planar` are kImageDim bytes each and must not overlap.
void InterleavedToPlanar(const uint8_t* rgb, uint8_t* planar);

// A set of images: pixels is count x kImageDim bytes, image i at pixels[i * kImageDim].
struct Dataset {
  std::vector<uint8_t> pixels;
  std::vector<uint8_t> labels;
  int count() const { return static_cast<int>(labels.size()); }
  const uint8_t* image(int i) const { return pixels.data() + static_cast<size_t>(i) * kImageDim; }
  void Append(const Dataset& other, int first, int n);
};

// Per-dimension statistics used to normalize inputs: x = (pixel - mean) * inv_std.
struct Normalization {
  std::vector<float> mean;     // D
  std::vector<float> inv_std;  // D; 1/std, with std floored so constant pixels don't divide by 0
  static Normalization FromData(const Dataset& train);
};

enum class Split { k10k, k45k, k49k };
// Parses "10k", "45k", "49k"; otherwise throws a UsageError that says what is wrong with the name
// (the command line adds the flag that carried it).
Split ParseSplit(const std::string& name);

struct Cifar10 {
  Dataset train, validation, test;
  std::vector<std::string> class_names;  // K names from batches.meta.txt, or "class0".. if absent
};

// Parses one batch file's bytes (1 to kMaxImagesPerBatchFile whole records). `name` is used in
// errors. Throws DataError when the size is not such a multiple of 3073 or a label byte is
// above 9.
Dataset ParseBatch(const std::vector<uint8_t>& bytes, const std::string& name);
Dataset ReadBatchFile(const std::string& path);

// Resolves the folder holding the .bin files: `dir` itself or `dir/cifar-10-batches-bin`,
// whichever holds `needed` (the file the caller reads first: `eval` needs only test_batch.bin).
std::string ResolveCifarDir(const std::string& dir, const std::string& needed = "data_batch_1.bin");

// Loads the split (10k: data_batch_1 for training, data_batch_2 for validation; 45k/49k: all five
// training files with the last 5,000/1,000 images held out) and test_batch.bin.
Cifar10 LoadCifar10(const std::string& dir, Split split, bool with_test = true);
std::vector<std::string> ReadClassNames(const std::string& dir);

}  // namespace tinymlp
