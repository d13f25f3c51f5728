#include "apps/tinymlp/image_header.h"

#include <cstdio>
#include <cstring>

#include "platform/error.h"

namespace tinymlp {
namespace {

uint32_t Big32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
int Big16(const uint8_t* p) { return p[0] << 8 | p[1]; }

std::string Hex(int marker) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%02X", marker & 0xFF);
  return text;
}

// PNG: the signature, then chunks of (u32 length, 4-byte type, data, u32 CRC), IHDR first.
ImageHeader ReadPng(const std::vector<uint8_t>& bytes, const std::string& name) {
  auto bad = [&](const std::string& what) { return DataError(name + ": PNG " + what); };
  ImageHeader header;
  header.format = ImageFormat::kPng;
  bool empty_idat = false, seen_iend = false;
  size_t pos = 8;
  for (int chunk = 0; pos < bytes.size() && !seen_iend; ++chunk) {
    if (bytes.size() - pos < 12) throw bad("cut short in a chunk header");
    const uint32_t length = Big32(&bytes[pos]);
    const char* type = reinterpret_cast<const char*>(&bytes[pos + 4]);
    if (length > bytes.size() - pos - 12) {
      throw bad("cut short: a chunk of " + std::to_string(length) + " bytes at byte " +
                std::to_string(pos) + " runs past the end of the file");
    }
    if (chunk == 0) {
      if (std::memcmp(type, "IHDR", 4) != 0 || length != 13) throw bad("without its IHDR header");
      const uint32_t w = Big32(&bytes[pos + 8]), h = Big32(&bytes[pos + 12]);
      if (w == 0 || h == 0 || w > (1u << 24) || h > (1u << 24)) {
        throw bad("size " + std::to_string(w) + "x" + std::to_string(h) + " is not plausible");
      }
      header.width = static_cast<int>(w);
      header.height = static_cast<int>(h);
    }
    empty_idat |= length == 0 && std::memcmp(type, "IDAT", 4) == 0;
    seen_iend = std::memcmp(type, "IEND", 4) == 0;
    pos += 12 + length;
  }
  if (header.width == 0) throw bad("cut short before its IHDR header");
  if (!seen_iend) throw bad("cut short (no IEND chunk)");
  if (empty_idat) {  // copy every chunk but the empty IDATs
    header.cleaned.assign(bytes.begin(), bytes.begin() + 8);
    for (size_t at = 8; at < pos;) {
      const uint32_t length = Big32(&bytes[at]);
      if (length != 0 || std::memcmp(&bytes[at + 4], "IDAT", 4) != 0) {
        header.cleaned.insert(header.cleaned.end(), bytes.begin() + at,
                              bytes.begin() + at + 12 + length);
      }
      at += 12 + length;
    }
  }
  return header;
}

// A DHT segment's tables: class and id, 16 code counts, then that many symbols. The JPEG
// standard allows at most 256 codes a table; stb_image 2.27 writes past its tables when the
// counts add up to more.
void CheckHuffmanTables(const uint8_t* p, int length, const std::string& name) {
  while (length > 0) {
    if (length < 17) throw DataError(name + ": JPEG Huffman table cut short");
    const int table_class = p[0] >> 4, id = p[0] & 15;
    if (table_class > 1 || id > 3) {
      throw DataError(name + ": JPEG Huffman table of class " + std::to_string(table_class) +
                      " and id " + std::to_string(id) + " (class 0-1, id 0-3 expected)");
    }
    int codes = 0;
    for (int i = 1; i <= 16; ++i) codes += p[i];
    if (codes > 256) {
      throw DataError(name + ": JPEG Huffman table of " + std::to_string(codes) +
                      " codes, more than the 256 the format allows (a corrupt file)");
    }
    if (17 + codes > length) throw DataError(name + ": JPEG Huffman table cut short");
    p += 17 + codes;
    length -= 17 + codes;
  }
}

// JPEG: SOI, then segments (0xFF, marker, u16 length counting itself, data); after each SOS
// (start of scan) come entropy-coded bytes up to the next marker that is not a restart marker
// or a stuffed 0xFF 0x00. The size is in the frame header (SOF).
ImageHeader ReadJpeg(const std::vector<uint8_t>& bytes, const std::string& name) {
  auto bad = [&](const std::string& what) { return DataError(name + ": JPEG " + what); };
  ImageHeader header;
  header.format = ImageFormat::kJpeg;
  const size_t n = bytes.size();
  size_t pos = 2;
  while (true) {
    if (pos >= n) throw bad("cut short (no end-of-image marker)");
    if (bytes[pos] != 0xFF) throw bad("damaged: no marker at byte " + std::to_string(pos));
    while (pos < n && bytes[pos] == 0xFF) ++pos;  // fill bytes
    if (pos >= n) throw bad("cut short (no end-of-image marker)");
    const int marker = bytes[pos++];
    if (marker == 0xD9) break;                                           // EOI
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length
    if (n - pos < 2) throw bad("cut short in segment " + Hex(marker));
    const int length = Big16(&bytes[pos]);
    if (length < 2 || static_cast<size_t>(length) > n - pos) {
      throw bad("cut short in segment " + Hex(marker) + " (" + std::to_string(length) + " bytes, " +
                std::to_string(n - pos) + " left)");
    }
    const uint8_t* data = &bytes[pos + 2];
    if (marker == 0xC4) CheckHuffmanTables(data, length - 2, name);
    // Baseline, extended and progressive frames, the kinds stb_image decodes; others it
    // refuses with its own message.
    if ((marker == 0xC0 || marker == 0xC1 || marker == 0xC2) && header.width == 0) {
      if (length < 8) throw bad("frame header cut short");
      header.height = Big16(data + 1);
      header.width = Big16(data + 3);
      if (header.width == 0 || header.height == 0) {
        throw bad("size " + std::to_string(header.width) + "x" + std::to_string(header.height) +
                  " (a size given later, in a DNL segment, is not supported)");
      }
    }
    pos += length;
    if (marker == 0xDA) {  // SOS: skip the entropy-coded data
      while (pos + 1 < n && !(bytes[pos] == 0xFF && bytes[pos + 1] != 0 &&
                              !(bytes[pos + 1] >= 0xD0 && bytes[pos + 1] <= 0xD7))) {
        ++pos;
      }
      if (pos + 1 >= n) throw bad("cut short in the image data (no end-of-image marker)");
    }
  }
  if (header.width == 0) throw bad("without a baseline or progressive frame header");
  return header;
}

}  // namespace

ImageHeader ReadImageHeader(const std::vector<uint8_t>& bytes, const std::string& name) {
  if (bytes.size() >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8) return ReadJpeg(bytes, name);
  return ReadPng(bytes, name);
}

}  // namespace tinymlp
