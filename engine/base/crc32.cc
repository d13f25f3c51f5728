#include "engine/base/crc32.h"

namespace tinymlp {
namespace {

// Slicing-by-8 (Intel's method, as zlib does it): table[k][b] is the CRC contribution of byte b
// followed by k zero bytes, so eight bytes are folded per step with eight independent lookups
// instead of one dependent lookup per byte; about 4x the byte-at-a-time speed here, which is what
// checksumming the 180 MB of training data for a run record costs.
struct Tables {
  uint32_t t[8][256];
  Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (int k = 1; k < 8; ++k) {
      for (int i = 0; i < 256; ++i) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
    }
  }
};

// Little-endian on every host (the compiler turns this into one load where it can).
inline uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

}  // namespace

uint32_t Crc32(const uint8_t* data, size_t size) { return Crc32Update(0, data, size); }

uint32_t Crc32Update(uint32_t crc, const uint8_t* data, size_t size) {
  static const Tables tables;
  const auto& t = tables.t;
  uint32_t c = crc ^ 0xFFFFFFFFu;
  for (; size >= 8; data += 8, size -= 8) {
    const uint32_t lo = LoadLe32(data) ^ c, hi = LoadLe32(data + 4);
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
  }
  for (; size > 0; ++data, --size) c = t[0][(c ^ *data) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

}  // namespace tinymlp
