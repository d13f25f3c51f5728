// The .tmlp format: a round trip keeps every weight, and each kind of damage is refused with a
// message naming the file.
#include "engine/io/model_file.h"

#include <gtest/gtest.h>

#include "engine/base/crc32.h"
#include "engine/model/init.h"
#include "platform/error.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

Model SmallModel() {
  MlpShape shape;
  shape.input = 12;
  shape.hidden = {5, 4};
  Arena arena(MeasureArena<Mlp<float>>(shape, 2));
  Mlp<float> net(shape, 2, arena);
  InitWeights(net, 7);
  for (int l = 0; l < shape.layers(); ++l)
    for (int i = 0; i < shape.out(l); ++i) net.params().b[l][i] = 0.1f * (i + l);
  Normalization norm;
  for (int i = 0; i < shape.input; ++i) {
    norm.mean.push_back(i * 1.5f);
    norm.inv_std.push_back(1.0f / (i + 1));
  }
  return Model::FromNetwork(net, norm);
}

std::string DecodeError(const std::vector<uint8_t>& bytes) {
  try {
    DecodeModel(bytes, "model.tmlp");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    EXPECT_EQ(message.rfind("model.tmlp: ", 0), 0u) << "names the file: " << message;
    return message;
  }
  ADD_FAILURE() << "decoded damaged bytes without an error";
  return "";
}

TEST(ModelFile, Crc32KnownValue) {
  const uint8_t text[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(Crc32(text, sizeof(text)), 0xCBF43926u);  // the standard check value
}

TEST(ModelFile, RoundTripKeepsEverything) {
  const Model model = SmallModel();
  const Model back = DecodeModel(EncodeModel(model), "m");
  EXPECT_EQ(back.shape.input, 12);
  EXPECT_EQ(back.shape.hidden, (std::vector<int>{5, 4}));
  EXPECT_EQ(back.shape.classes, 10);
  EXPECT_EQ(back.norm.mean, model.norm.mean);
  EXPECT_EQ(back.norm.inv_std, model.norm.inv_std);
  EXPECT_EQ(back.w, model.w);
  EXPECT_EQ(back.b, model.b);
}

TEST(ModelFile, LittleEndianLayout) {
  const std::vector<uint8_t> bytes = EncodeModel(SmallModel());
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "TMLP");
  EXPECT_EQ(bytes[4], 1);  // version 1, least significant byte first
  EXPECT_EQ(bytes[5] | bytes[6] | bytes[7], 0);
  EXPECT_EQ(bytes[8], 12);  // input dimension
}

TEST(ModelFile, WrongMagic) {
  std::vector<uint8_t> bytes = EncodeModel(SmallModel());
  bytes[0] = 'X';
  EXPECT_NE(DecodeError(bytes).find("bad magic"), std::string::npos);
}

TEST(ModelFile, UnknownVersion) {
  std::vector<uint8_t> bytes = EncodeModel(SmallModel());
  bytes[4] = 99;
  EXPECT_NE(DecodeError(bytes).find("version 99"), std::string::npos);
}

TEST(ModelFile, CrcMismatch) {
  std::vector<uint8_t> bytes = EncodeModel(SmallModel());
  bytes[bytes.size() / 2] ^= 0x40;  // one flipped bit in the weights
  EXPECT_NE(DecodeError(bytes).find("CRC"), std::string::npos);
}

TEST(ModelFile, CutShortAnywhere) {
  const std::vector<uint8_t> bytes = EncodeModel(SmallModel());
  for (size_t keep :
       {size_t{0}, size_t{3}, size_t{10}, size_t{30}, bytes.size() / 2, bytes.size() - 1}) {
    SCOPED_TRACE(keep);
    DecodeError(std::vector<uint8_t>(bytes.begin(), bytes.begin() + keep));
  }
}

TEST(ModelFile, SaveIsAtomicAndLoadNamesMissingFile) {
  testing::TempDir dir;
  const std::string path = dir.File("m.tmlp");
  SaveModel(path, SmallModel());
  EXPECT_EQ(LoadModel(path).w, SmallModel().w);
  // Only the final file remains: the temporary was renamed over it.
  EXPECT_EQ(std::system(("test $(ls '" + dir.path() + "' | wc -l) -eq 1").c_str()), 0);
  EXPECT_THROW(LoadModel(dir.File("missing.tmlp")), Error);
}

}  // namespace
}  // namespace tinymlp
