// CRC-32 (IEEE 802.3, the zlib/PNG polynomial), for detecting corrupt model files.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tinymlp {

uint32_t Crc32(const uint8_t* data, size_t size);

}  // namespace tinymlp
