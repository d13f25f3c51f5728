// Model files with batch normalization: gamma, beta and the running averages round-trip, the
// decoded network computes what the trained one did, and a file whose flags announce batch norm
// but whose section is missing is a clear DataError.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/base/rng.h"
#include "engine/io/model_file.h"
#include "engine/model/init.h"
#include "platform/error.h"

namespace tinymlp {
namespace {

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

TEST(DeepModelFile, BatchNormRoundTrips) {
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

TEST(DeepModelFile, PlainFilesKeepFlagsZero) {
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

TEST(DeepModelFile, MissingBatchNormSectionIsADataError) {
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

}  // namespace
}  // namespace tinymlp
