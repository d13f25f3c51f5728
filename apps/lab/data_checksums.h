// Which CIFAR-10 files a run read, with their sizes and CRC-32s: what run.json records so that a
// repeated or resumed run can tell whether its data is the data of the original run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/cifar10.h"

namespace tinymlp {

struct DataFileSum {
  std::string name;  // file name inside the data folder, e.g. "data_batch_1.bin"
  uint64_t bytes = 0;
  uint32_t crc32 = 0;
};

// The files LoadCifar10(dir, split) reads (the split's training files, then test_batch.bin), in
// that order. Each file is read and summed once per process (the sums are kept by path), so a
// report's many runs pay once. Throws DataError naming a file that cannot be read.
std::vector<DataFileSum> ChecksumDataFiles(const std::string& dir, Split split);

// "0x1234abcd".
std::string Crc32Text(uint32_t crc);

// Empty when `now` holds the same files with the same sizes and sums as `recorded`; otherwise
// one phrase naming the first difference ("data_batch_3.bin has CRC-32 0x... where the run
// read 0x...").
std::string CompareDataFiles(const std::vector<DataFileSum>& recorded,
                             const std::vector<DataFileSum>& now);

}  // namespace tinymlp
