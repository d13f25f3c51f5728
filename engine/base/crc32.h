// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), for detecting corrupt model files.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinymlp {

uint32_t Crc32(const uint8_t* data, size_t size);
// The CRC-32 of the bytes before plus these, from `crc`, the CRC-32 of the bytes before (0 for
// none): a file written piece by piece gets the CRC of its whole.
uint32_t Crc32Update(uint32_t crc, const uint8_t* data, size_t size);

}  // namespace tinymlp
