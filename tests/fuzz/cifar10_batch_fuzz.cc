// Fuzz target: the CIFAR-10 batch parser (engine/io/cifar10.h). A batch that parses must hold
// every record of the input, and the statistics training computes from it must be finite.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "engine/io/cifar10.h"
#include "platform/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  tinymlp::Dataset batch;
  try {
    batch = tinymlp::ParseBatch(bytes, "fuzz.bin");
  } catch (const tinymlp::Error&) {
    return 0;
  }
  if (static_cast<size_t>(batch.count()) * tinymlp::kRecordBytes != size) std::abort();
  const tinymlp::Normalization norm = tinymlp::Normalization::FromData(batch);
  for (float v : norm.inv_std) {
    if (!std::isfinite(v)) std::abort();
  }
  return 0;
}
