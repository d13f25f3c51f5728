// The .tmlp format: a round trip keeps every weight, and with batch normalization gamma, beta and
// the running averages too, so the decoded network computes what the trained one did, bit for
// bit; each kind of damage, a missing batch-norm section included, is refused with a message
// naming the file.
#include "engine/io/model_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/base/rng.h"
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

// ---- batch normalization ---------------------------------------------------------------------

MlpShape BnShape() {
  MlpShape shape;
  shape.input = 12;
  shape.hidden = {9, 7};
  shape.classes = 4;
  shape.batch_norm = true;
  return shape;
}

// A network with every parameter and running average set to distinct random values.
struct Net {
  Arena arena;
  Mlp<float> mlp;
  explicit Net(const MlpShape& shape)
      : arena(MeasureArena<Mlp<float>>(shape, 8) + Arena::MatBytes<float>(shape.input, 8)),
        mlp(shape, 8, arena) {}
  void Randomize(uint64_t seed) {
    InitWeights(mlp, seed);
    Rng rng(seed + 1);
    for (size_t k = 0; k < mlp.params().flat_size; ++k)
      mlp.params().flat[k] += static_cast<float>(0.1 * rng.Normal());
    for (int l = 0; mlp.shape().batch_norm && l + 1 < mlp.shape().layers(); ++l) {
      for (int i = 0; i < mlp.shape().out(l); ++i) {
        mlp.running_mean(l)[i] = static_cast<float>(rng.Normal());
        mlp.running_var(l)[i] = static_cast<float>(0.5 + rng.Uniform());
      }
    }
  }
  std::vector<float> Probabilities() {
    MatView<float> x = arena.AllocateMat<float>(mlp.shape().input, 8);
    Rng rng(42);
    for (int j = 0; j < 8; ++j)
      for (int i = 0; i < x.rows; ++i) x(i, j) = static_cast<float>(rng.Normal());
    mlp.Forward(x, nullptr);
    std::vector<float> p;
    for (int j = 0; j < 8; ++j)
      for (int i = 0; i < mlp.shape().classes; ++i) p.push_back(mlp.probabilities()(i, j));
    return p;
  }
};

Normalization SomeNorm(int dim) {
  Normalization norm;
  norm.mean.assign(dim, 0.5f);
  norm.inv_std.assign(dim, 2.0f);
  return norm;
}

TEST(ModelFile, BatchNormRoundTrips) {
  Net trained(BnShape());
  trained.Randomize(3);
  const Model model = Model::FromNetwork(trained.mlp, SomeNorm(12));
  const Model back = DecodeModel(EncodeModel(model), "mem");
  ASSERT_TRUE(back.shape.batch_norm);
  EXPECT_EQ(back.gamma, model.gamma);
  EXPECT_EQ(back.beta, model.beta);
  EXPECT_EQ(back.running_mean, model.running_mean);
  EXPECT_EQ(back.running_var, model.running_var);
  Net loaded(back.shape);
  back.CopyInto(loaded.mlp);
  // Inference uses the running averages: same inputs, same outputs, bit for bit.
  EXPECT_EQ(loaded.Probabilities(), trained.Probabilities());
}

TEST(ModelFile, PlainFilesKeepFlagsZero) {
  MlpShape shape = BnShape();
  shape.batch_norm = false;
  Net net(shape);
  net.Randomize(1);
  const std::vector<uint8_t> bytes = EncodeModel(Model::FromNetwork(net.mlp, SomeNorm(12)));
  // magic, version, D, K, h, 2 widths, then the flags word.
  const size_t flags_at = 4 * 7;
  EXPECT_EQ(bytes[flags_at] | bytes[flags_at + 1] | bytes[flags_at + 2] | bytes[flags_at + 3], 0);
  EXPECT_FALSE(DecodeModel(bytes, "mem").shape.batch_norm);
}

TEST(ModelFile, MissingBatchNormSectionIsADataError) {
  Net net(BnShape());
  net.Randomize(2);
  const Model model = Model::FromNetwork(net.mlp, SomeNorm(12));
  Model plain = model;  // the same bytes without the section, but the flag still set
  plain.shape.batch_norm = false;
  std::vector<uint8_t> bytes = EncodeModel(plain);
  bytes[4 * 7] = 1;  // flags: batch norm
  try {
    DecodeModel(bytes, "cut.tmlp");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(std::string(e.what()).find("cut.tmlp"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("batch-norm section"), std::string::npos) << e.what();
  }
  // A section cut short is an error too.
  std::vector<uint8_t> full = EncodeModel(model);
  full.erase(full.end() - 12, full.end() - 4);
  EXPECT_THROW(DecodeModel(full, "short.tmlp"), Error);
}

// ---- streaming save (issue 13) ----------------------------------------------------------------

// SaveModel writes the file piece by piece from where the values sit; the bytes are exactly
// EncodeModel's, from a Model and straight from a network (padded columns included), for a
// file larger than the writer's 64 KiB buffer.
TEST(ModelFile, StreamedSaveWritesTheEncodedBytes) {
  for (bool batch_norm : {false, true}) {
    MlpShape shape;
    shape.input = 300;
    shape.hidden = {70, 9};
    shape.classes = 7;
    shape.batch_norm = batch_norm;
    Net net(shape);
    net.Randomize(5);
    const Normalization norm = SomeNorm(shape.input);
    const Model model = Model::FromNetwork(net.mlp, norm);
    const std::vector<uint8_t> encoded = EncodeModel(model);
    ASSERT_GT(encoded.size(), 64u * 1024);
    testing::TempDir dir;
    SaveModel(dir.File("model.tmlp"), model);
    SaveModel(dir.File("net.tmlp"), net.mlp, norm);
    EXPECT_EQ(testing::ReadBytes(dir.File("model.tmlp")), encoded) << batch_norm;
    EXPECT_EQ(testing::ReadBytes(dir.File("net.tmlp")), encoded) << batch_norm;
    EXPECT_EQ(std::system(("test $(ls '" + dir.path() + "' | wc -l) -eq 2").c_str()), 0)
        << "no temporary left";
  }
}

// A model the writer refuses (a NaN weight) leaves neither the file nor a temporary behind.
TEST(ModelFile, RefusedSaveLeavesNothing) {
  Model model = SmallModel();
  model.w[1][3] = std::nanf("");
  testing::TempDir dir;
  try {
    SaveModel(dir.File("m.tmlp"), model);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("NaN or infinite weights"), std::string::npos) << e.what();
  }
  EXPECT_EQ(std::system(("test -z \"$(ls -A '" + dir.path() + "')\"").c_str()), 0);
  // A model whose vectors do not match its shape is refused, not read past their ends.
  Model short_b = SmallModel();
  short_b.b[0].pop_back();
  EXPECT_THROW(EncodeModel(short_b), Error);
}

TEST(ModelFile, Crc32UpdateInPiecesEqualsTheWhole) {
  const std::string text = "123456789 and some more bytes";
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    EXPECT_EQ(Crc32Update(Crc32Update(0, p, cut), p + cut, text.size() - cut),
              Crc32(p, text.size()));
  }
}

}  // namespace
}  // namespace tinymlp
