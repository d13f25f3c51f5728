// predict's image reader (apps/tinymlp/image_input.h, image_header.h) on files stb_image 2.27
// mishandles or misreports: each is refused with a message naming its format, or (an empty IDAT
// chunk) decoded as if the chunk were not there, before stb_image sees it. Under the sanitize
// preset these fail if stb_image is handed the file: UBSan aborts on the undefined behaviour.
// The files are the fuzz seeds and findings in tests/fuzz/corpus/image_input.
#include "apps/tinymlp/image_input.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apps/tinymlp/image_header.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

std::vector<uint8_t> Seed(const std::string& name) {
  return ReadFileBytes(std::string(TINYMLP_SOURCE_DIR) + "/tests/fuzz/corpus/image_input/" + name);
}

std::string DecodeError(const std::vector<uint8_t>& bytes) {
  try {
    DecodeImage32(bytes, "in.img");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("in.img: ", 0), 0u) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    return message;
  }
  ADD_FAILURE() << "decoded without an error";
  return "";
}

TEST(ImageInput, SeedsDecode) {
  for (const char* name :
       {"rgb_32.png", "grey_32.png", "rgba_32.png", "rgb_32.jpg", "grey_32.jpg"}) {
    EXPECT_EQ(DecodeImage32(Seed(name), name).size(), static_cast<size_t>(kImageDim)) << name;
  }
}

// Found by the fuzzer: a DHT segment whose 16 code counts add up to more than 256 made stb_image
// write past its Huffman tables (UBSan: index 257 out of bounds for 'stbi_uc[257]').
TEST(ImageInput, HuffmanTableOfMoreThan256CodesIsRefused) {
  const std::string message = DecodeError(Seed("finding_jpeg_huffman_over_256_codes.jpg"));
  EXPECT_NE(message.find("JPEG Huffman table of"), std::string::npos) << message;
  EXPECT_NE(message.find("more than the 256 the format allows"), std::string::npos) << message;
}

// A PNG may hold empty IDAT chunks; stb_image 2.27 copies a leading one from a null buffer
// (UBSan: null pointer passed to memcpy). They carry no data, so they are left out.
TEST(ImageInput, EmptyIdatChunkDecodesAsWithoutIt) {
  const std::vector<uint8_t> with = Seed("finding_png_empty_first_idat.png");
  EXPECT_FALSE(ReadImageHeader(with, "e.png").cleaned.empty());
  EXPECT_TRUE(ReadImageHeader(Seed("rgb_32.png"), "p.png").cleaned.empty());
  EXPECT_EQ(DecodeImage32(with, "e.png"), DecodeImage32(Seed("rgb_32.png"), "p.png"));
}

// A damaged JPEG used to be reported as "Not a PNG" (stbi_info tries PNG last); each message
// now names the format the file is.
TEST(ImageInput, DamagedFilesAreNamedByTheirFormat) {
  std::vector<uint8_t> jpeg = Seed("rgb_32.jpg");
  jpeg.resize(jpeg.size() / 2);
  std::string message = DecodeError(jpeg);
  EXPECT_NE(message.find("JPEG cut short"), std::string::npos) << message;
  EXPECT_EQ(message.find("PNG"), std::string::npos) << message;
  jpeg.resize(100);
  EXPECT_NE(DecodeError(jpeg).find("JPEG cut short in segment"), std::string::npos);

  std::vector<uint8_t> png = Seed("rgb_32.png");
  png.resize(png.size() - 20);
  message = DecodeError(png);
  EXPECT_NE(message.find("PNG cut short"), std::string::npos) << message;
  EXPECT_EQ(message.find("JPEG"), std::string::npos) << message;
}

TEST(ImageInput, SizeIsCheckedBeforeDecoding) {
  EXPECT_NE(DecodeError(Seed("rgb_4x3.png")).find("image is 4x3 pixels; predict needs 32x32"),
            std::string::npos);
  EXPECT_NE(DecodeError(Seed("rgb_5x7.jpg")).find("image is 5x7 pixels"), std::string::npos);
}

}  // namespace
}  // namespace tinymlp
