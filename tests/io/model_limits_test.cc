// The model format's limits (model_file.h) hold on both sides: the writer refuses what the
// reader would reject, and the reader checks every size in 64 bits against explicit bounds
// before it allocates, so a crafted header with a valid CRC cannot make a 32-bit size_t wrap.
// NaN or infinite values inside a CRC-valid file are bad data too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/io/model_file.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

Model ModelOf(int input, std::vector<int> hidden, int classes) {
  Model model;
  model.shape.input = input;
  model.shape.hidden = std::move(hidden);
  model.shape.classes = classes;
  model.norm.mean.assign(input, 0.5f);
  model.norm.inv_std.assign(input, 2.0f);
  for (int l = 0; l < model.shape.layers(); ++l) {
    model.w.emplace_back(static_cast<size_t>(model.shape.in(l)) * model.shape.out(l), 0.25f);
    model.b.emplace_back(model.shape.out(l), 0.0f);
  }
  return model;
}

void PutU32(std::vector<uint8_t>& bytes, uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A header for input-hidden...-classes, `floats` zero floats after it, and a valid CRC.
std::vector<uint8_t> Crafted(uint32_t input, const std::vector<uint32_t>& hidden, uint32_t classes,
                             size_t floats) {
  std::vector<uint8_t> bytes = {'T', 'M', 'L', 'P'};
  PutU32(bytes, kModelFormatVersion);
  PutU32(bytes, input);
  PutU32(bytes, classes);
  PutU32(bytes, static_cast<uint32_t>(hidden.size()));
  for (uint32_t h : hidden) PutU32(bytes, h);
  PutU32(bytes, 0);  // flags
  bytes.resize(bytes.size() + 4 * floats, 0);
  PutU32(bytes, Crc32(bytes.data(), bytes.size()));
  return bytes;
}

std::string DecodeError(const std::vector<uint8_t>& bytes) {
  try {
    DecodeModel(bytes, "m.tmlp");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    return e.what();
  }
  ADD_FAILURE() << "decoded without an error";
  return "";
}

std::string EncodeError(const Model& model) {
  try {
    EncodeModel(model);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "encoded without an error";
  return "";
}

TEST(ModelLimits, WriterAndReaderAgreeOnTheLayerCount) {
  const std::vector<int> deepest(kModelMaxHiddenLayers, 2);
  const Model ok = DecodeModel(EncodeModel(ModelOf(4, deepest, 3)), "m");
  EXPECT_EQ(ok.shape.hidden.size(), deepest.size());
  std::vector<int> too_deep = deepest;
  too_deep.push_back(2);
  EXPECT_NE(EncodeError(ModelOf(4, too_deep, 3)).find("65 hidden layers"), std::string::npos);
}

// 65536 x 65536 weights = 2^32 floats: the size product wraps a 32-bit size_t to a small number.
TEST(ModelLimits, SizeProductsPastTheLimitAreRefusedBeforeAllocating) {
  const std::string message = DecodeError(Crafted(65536, {65536}, 10, 0));
  EXPECT_NE(message.find("parameters, more than the 268435456"), std::string::npos) << message;
  EXPECT_EQ(message.rfind("m.tmlp: ", 0), 0u) << message;
  // Each field alone beyond its bound.
  EXPECT_NE(DecodeError(Crafted(65537, {}, 10, 0)).find("implausible"), std::string::npos);
  EXPECT_NE(DecodeError(Crafted(8, {65537}, 10, 0)).find("implausible"), std::string::npos);
  MlpShape wide;
  wide.input = 65536;
  wide.hidden = {65536};
  EXPECT_NE(CheckModelShape(wide).find("parameters"), std::string::npos);
  EXPECT_EQ(ModelFileBytes(wide),
            4 * (8 + 2 * uint64_t{65536} + (uint64_t{65536} << 16) + 65536 + 65536 * 10 + 10));
}

TEST(ModelLimits, NonFiniteValuesInACrcValidFileAreBadData) {
  const Model model = ModelOf(4, {3}, 2);
  const std::vector<uint8_t> good = EncodeModel(model);
  const size_t header = 4 * 7;
  const struct {
    size_t float_index;
    const char* part;
  } cases[] = {{1, "normalization"}, {4 + 2, "normalization"}, {8 + 5, "weights"}};
  for (const auto& c : cases) {
    for (float bad :
         {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      std::vector<uint8_t> bytes = good;
      std::memcpy(&bytes[header + 4 * c.float_index], &bad, 4);
      const uint32_t crc = Crc32(bytes.data(), bytes.size() - 4);
      for (int i = 0; i < 4; ++i)
        bytes[bytes.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
      const std::string message = DecodeError(bytes);
      EXPECT_NE(message.find(std::string("NaN or infinite ") + c.part), std::string::npos)
          << message;
    }
  }
  Model nan = model;
  nan.w[1][0] = std::nanf("");
  EXPECT_NE(EncodeError(nan).find("NaN or infinite weights"), std::string::npos);
}

}  // namespace
}  // namespace tinymlp
