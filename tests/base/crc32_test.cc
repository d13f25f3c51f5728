// CRC-32: the standard check value, slicing-by-8 against the bit-by-bit definition at every
// length and alignment, and pieces that add up to the CRC of the whole.
#include "engine/base/crc32.h"

#include <gtest/gtest.h>

#include <vector>

#include "engine/base/rng.h"

namespace tinymlp {
namespace {

// The definition, one bit at a time (reflected polynomial 0xEDB88320).
uint32_t BitwiseCrc32(const uint8_t* data, size_t size) {
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) {
    c ^= data[i];
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
  }
  return c ^ 0xFFFFFFFFu;
}

std::vector<uint8_t> RandomBytes(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> bytes(n);
  for (uint8_t& b : bytes) b = static_cast<uint8_t>(rng.Below(256));
  return bytes;
}

TEST(Crc32, StandardCheckValue) {
  const uint8_t text[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(Crc32(text, sizeof(text)), 0xCBF43926u);
}

TEST(Crc32, MatchesTheDefinitionAtEveryLengthAndAlignment) {
  const std::vector<uint8_t> bytes = RandomBytes(200, 3);
  for (size_t offset = 0; offset < 8; ++offset) {
    for (size_t n = 0; n + offset <= bytes.size(); ++n) {
      ASSERT_EQ(Crc32(bytes.data() + offset, n), BitwiseCrc32(bytes.data() + offset, n))
          << "offset " << offset << " length " << n;
    }
  }
}

TEST(Crc32, PiecesAddUpToTheWhole) {
  const std::vector<uint8_t> bytes = RandomBytes(1000, 4);
  const uint32_t whole = Crc32(bytes.data(), bytes.size());
  for (size_t cut = 0; cut <= bytes.size(); cut += 37) {
    const uint32_t first = Crc32Update(0, bytes.data(), cut);
    EXPECT_EQ(Crc32Update(first, bytes.data() + cut, bytes.size() - cut), whole) << cut;
  }
}

}  // namespace
}  // namespace tinymlp
