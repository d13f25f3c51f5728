// What predict checks in a PNG or JPEG file before stb_image decodes it. stb_image 2.27 (Debian's)
// trusts a few fields it should not: a JPEG Huffman table with more than 256 codes overruns its
// tables, and a PNG whose first IDAT chunk is empty makes it do arithmetic on a null pointer
// (both undefined behaviour, found by tests/fuzz/image_input_fuzz.cc under UBSan). So the file's
// structure is walked here first, every JPEG segment and PNG chunk, with the fields stb would
// trust checked; this walk also gives the image's size before anything is allocated, and says
// which format failed (stbi_info tries every format and reports the last: "Not a PNG" for a
// damaged JPEG).
//
// It is a check of structure, not a decoder: the pixels are left to stb_image.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp {

enum class ImageFormat { kPng, kJpeg };

struct ImageHeader {
  ImageFormat format = ImageFormat::kPng;
  int width = 0, height = 0;
  // PNG: the file without its empty IDAT chunks, which carry no data (stb_image 2.27 mishandles
  // a leading one); stb_image reads these bytes. Empty when the file needs no change.
  std::vector<uint8_t> cleaned;
};

// `bytes` start with the PNG or the JPEG signature (LooksLikeImage). Throws DataError naming
// `name` and what is wrong ("JPEG cut short in segment 0xC4 (DHT)", "a JPEG Huffman table of 300
// codes, more than 256").
ImageHeader ReadImageHeader(const std::vector<uint8_t>& bytes, const std::string& name);

}  // namespace tinymlp
