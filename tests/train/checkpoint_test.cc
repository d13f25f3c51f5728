// Checkpoints (engine/train/checkpoint.h): a run stopped at any step, its state encoded, decoded
// and restored into a fresh trainer, ends with the same model bytes and metrics as the run that
// never stopped, for plain SGD (the fused step), Adam, and momentum with batch norm, dropout and
// augmentation, stopped once or several times (mid-epoch, on both sides of a reshuffle, on an
// evaluation step, at the last step). And the decoder refuses every damaged or inconsistent
// file it is given, with a DataError.
#include "engine/train/checkpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/base/crc32.h"
#include "engine/io/model_file.h"
#include "engine/train/gradcheck.h"  // RandomDataset
#include "platform/error.h"

namespace tinymlp {
namespace {

// 230 images in batches of 20: 11 steps per epoch, so step 11 ends an epoch and step 12 starts
// the next after a reshuffle.
struct RunSetup {
  Dataset train = RandomDataset(230, 5);
  Dataset validation = RandomDataset(40, 6);
  Normalization norm = Normalization::FromData(train);
  MlpShape shape;
  TrainConfig config;
  LearningRateSchedule schedule = LearningRateSchedule::Cyclic(1e-4f, 0.05f, 10);
};

enum class Kind { kFusedSgd, kAdam, kBatchNormDropoutAugment };

RunSetup MakeSetup(Kind kind) {
  RunSetup s;
  s.shape.hidden = {12, 8};
  s.config.batch = 20;
  s.config.steps = 40;
  s.config.eval_every = 7;
  s.config.lambda = 0.001f;
  if (kind == Kind::kAdam) {
    s.config.optimizer.kind = OptimizerKind::kAdam;
    s.schedule = LearningRateSchedule::Cyclic(1e-5f, 0.003f, 10);
  }
  if (kind == Kind::kBatchNormDropoutAugment) {
    s.shape.batch_norm = true;
    s.shape.dropout = 0.2f;
    s.config.optimizer.kind = OptimizerKind::kMomentum;
    s.config.augment = ParseAugment("flip,translate:2");
  }
  return s;
}

struct Outcome {
  std::vector<uint8_t> model;  // the model file's bytes
  std::vector<MetricsRow> metrics;
};

bool SameRows(const std::vector<MetricsRow>& a, const std::vector<MetricsRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].step != b[i].step || a[i].eta != b[i].eta || a[i].train.loss != b[i].train.loss ||
        a[i].validation.accuracy != b[i].validation.accuracy)
      return false;
  }
  return true;
}

// Trains from the start, stopping after each step in `stops` to go through a checkpoint's bytes
// into a new trainer (a new arena, as a new process would have).
Outcome TrainWithStops(const RunSetup& s, const std::vector<long>& stops) {
  std::vector<MetricsRow> metrics;
  std::vector<uint8_t> bytes;
  bool have_checkpoint = false;
  for (size_t session = 0; session <= stops.size(); ++session) {
    Arena arena(MeasureArena<Trainer>(s.shape, s.config, s.train, s.norm));
    Trainer trainer(s.shape, s.config, s.train, s.norm, arena);
    if (have_checkpoint) {
      const Checkpoint c = DecodeCheckpoint(bytes.data(), bytes.size(), "test checkpoint");
      trainer.RestoreState(c.trainer, "test checkpoint");
      metrics = c.metrics;
    }
    const long stop = session < stops.size() ? stops[session] : -1;
    trainer.Run(
        s.schedule, s.validation, [&](const MetricsRow& row) { metrics.push_back(row); },
        [&](long step, float, double) {
          if (step == stop) trainer.Stop();
        });
    if (session == stops.size()) {
      return {EncodeModel(Model::FromNetwork(trainer.network(), s.norm)), metrics};
    }
    EXPECT_EQ(trainer.steps_done(), stop);
    Checkpoint c;
    c.total_steps = s.config.steps;
    c.batch = s.config.batch;
    c.shape = s.shape;
    c.optimizer = s.config.optimizer.kind;
    trainer.CaptureState(&c.trainer);
    c.metrics = metrics;
    EncodeCheckpoint(c, &bytes);
    have_checkpoint = true;
  }
  return {};
}

class ResumeIsExact : public ::testing::TestWithParam<Kind> {};

TEST_P(ResumeIsExact, AtEveryKindOfStep) {
  const RunSetup s = MakeSetup(GetParam());
  const Outcome whole = TrainWithStops(s, {});
  ASSERT_EQ(whole.metrics.size(), 7u);  // steps 0, 7, ..., 35 and 40
  // 1: the first step; 7: an evaluation step; 11: the last step of the first epoch; 12: the
  // first after the reshuffle; 25: mid-epoch; 39: the step before the end; 40: the end (the
  // final evaluation still to come).
  for (long stop : {1L, 7L, 11L, 12L, 25L, 39L, 40L}) {
    const Outcome resumed = TrainWithStops(s, {stop});
    EXPECT_EQ(resumed.model, whole.model) << "stopped after step " << stop;
    EXPECT_TRUE(SameRows(resumed.metrics, whole.metrics)) << "stopped after step " << stop;
  }
  const Outcome thrice = TrainWithStops(s, {5, 18, 33});
  EXPECT_EQ(thrice.model, whole.model) << "stopped after steps 5, 18 and 33";
  EXPECT_TRUE(SameRows(thrice.metrics, whole.metrics));
}

INSTANTIATE_TEST_SUITE_P(Checkpoint, ResumeIsExact,
                         ::testing::Values(Kind::kFusedSgd, Kind::kAdam,
                                           Kind::kBatchNormDropoutAugment),
                         [](const ::testing::TestParamInfo<Kind>& info) -> std::string {
                           switch (info.param) {
                             case Kind::kFusedSgd:
                               return "FusedSgd";
                             case Kind::kAdam:
                               return "Adam";
                             default:
                               return "BatchNormDropoutAugment";
                           }
                         });

// A small, valid checkpoint built by hand: 4 inputs, 3 hidden units with batch norm, 2 classes.
Checkpoint SmallCheckpoint() {
  Checkpoint c;
  c.run_key = 0x1234;
  c.total_steps = 10;
  c.batch = 2;
  c.seed = 7;
  c.optimizer = OptimizerKind::kAdam;
  c.shape.input = 4;
  c.shape.hidden = {3};
  c.shape.classes = 2;
  c.shape.batch_norm = true;
  TrainerState& t = c.trainer;
  t.step = 6;
  t.cursor = 4;
  t.shuffle_rng = 11;
  t.augment_rng = 12;
  t.dropout_rng = 13;
  t.bn_started = true;
  t.optimizer.updates = 6;
  t.optimizer.beta1_power = 0.5;
  t.optimizer.beta2_power = 0.9;
  t.params.assign(30, 0.25f);
  t.moment1.assign(30, 0.5f);
  t.moment2.assign(30, 0.75f);
  t.running = {0, 0, 0, 1, 1, 1};
  t.order = {3, 1, 4, 0, 2, 5};
  MetricsRow row;
  row.step = 0;
  row.validation.accuracy = 0.5;
  c.metrics.push_back(row);
  row.step = 5;
  c.metrics.push_back(row);
  c.seconds = 1.5;
  return c;
}

std::vector<uint8_t> Encode(const Checkpoint& c) {
  std::vector<uint8_t> bytes;
  EncodeCheckpoint(c, &bytes);
  return bytes;
}

void ExpectRefused(const std::vector<uint8_t>& bytes, const std::string& needle,
                   const std::string& what) {
  try {
    DecodeCheckpoint(bytes.data(), bytes.size(), "bad.ckpt");
    ADD_FAILURE() << what << ": accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData) << what;
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << what << ": " << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << what << ": one line";
  }
}

TEST(CheckpointFile, RoundTripsEveryField) {
  const Checkpoint c = SmallCheckpoint();
  const std::vector<uint8_t> bytes = Encode(c);
  EXPECT_EQ(bytes.size(), CheckpointBytes(c));
  const Checkpoint back = DecodeCheckpoint(bytes.data(), bytes.size(), "x");
  EXPECT_EQ(Encode(back), bytes);
  EXPECT_EQ(back.trainer.order, c.trainer.order);
  EXPECT_EQ(back.trainer.moment2, c.trainer.moment2);
  EXPECT_EQ(back.shape.hidden, c.shape.hidden);
  EXPECT_EQ(back.seconds, 1.5);
}

TEST(CheckpointFile, RefusesEveryCutAndEveryFlippedBit) {
  const std::vector<uint8_t> bytes = Encode(SmallCheckpoint());
  for (size_t size = 0; size < bytes.size(); ++size) {
    EXPECT_THROW(DecodeCheckpoint(bytes.data(), size, "cut"), Error) << "cut to " << size;
  }
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> flipped = bytes;
    flipped[i] ^= 0x10;
    EXPECT_THROW(DecodeCheckpoint(flipped.data(), flipped.size(), "flip"), Error) << "byte " << i;
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_THROW(DecodeCheckpoint(longer.data(), longer.size(), "long"), Error);
}

// Inconsistent contents under a valid CRC: what a fuzzer (or a bug) could hand the reader.
TEST(CheckpointFile, RefusesInconsistentContentsWithAValidCrc) {
  struct Case {
    std::string what, needle;
    void (*damage)(Checkpoint&);
  };
  const Case cases[] = {
      {"order not a permutation", "permutation", [](Checkpoint& c) { c.trainer.order[0] = 1; }},
      {"order index out of range", "permutation", [](Checkpoint& c) { c.trainer.order[2] = 6; }},
      {"cursor past the data", "cursor", [](Checkpoint& c) { c.trainer.cursor = 7; }},
      {"step past the end", "step", [](Checkpoint& c) { c.trainer.step = 11; }},
      {"NaN parameter", "NaN",
       [](Checkpoint& c) { c.trainer.params[3] = std::numeric_limits<float>::quiet_NaN(); }},
      {"moments of another size", "moments", [](Checkpoint& c) { c.trainer.moment1.pop_back(); }},
      {"running statistics of another network", "running",
       [](Checkpoint& c) { c.trainer.running.push_back(1); }},
      {"metrics out of order", "order", [](Checkpoint& c) { c.metrics[1].step = 0; }},
      {"metrics after the step", "metrics step", [](Checkpoint& c) { c.metrics[1].step = 9; }},
      {"zero batch", "batch", [](Checkpoint& c) { c.batch = 0; }},
      {"too many hidden layers", "hidden-layer count",
       [](Checkpoint& c) { c.shape.hidden.assign(65, 1); }},
      {"infinite seconds", "seconds",
       [](Checkpoint& c) { c.seconds = std::numeric_limits<double>::infinity(); }},
  };
  for (const Case& k : cases) {
    Checkpoint c = SmallCheckpoint();
    k.damage(c);
    ExpectRefused(Encode(c), k.needle, k.what);
  }
  // A count far beyond the file (2^62 parameters) is refused before anything is allocated.
  std::vector<uint8_t> bytes = Encode(SmallCheckpoint());
  const size_t params_count = 8 + 8 * 9 + 8 * 1 + 8 * 9;  // after the shape and the counters
  for (int i = 0; i < 8; ++i) bytes[params_count + i] = i == 7 ? 0x40 : 0;
  const uint32_t crc = Crc32(bytes.data(), bytes.size() - 4);
  for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  ExpectRefused(bytes, "cut short", "2^62 parameters");
  bytes = Encode(SmallCheckpoint());
  bytes[0] = 'X';
  ExpectRefused(bytes, "magic", "magic");
}

TEST(CheckpointFile, RestoreRefusesAnotherNetworksState) {
  const RunSetup s = MakeSetup(Kind::kAdam);
  Arena arena(MeasureArena<Trainer>(s.shape, s.config, s.train, s.norm));
  Trainer trainer(s.shape, s.config, s.train, s.norm, arena);
  TrainerState state;
  trainer.CaptureState(&state);
  state.params.pop_back();
  EXPECT_THROW(trainer.RestoreState(state, "other"), Error);
  trainer.CaptureState(&state);
  state.order.pop_back();
  EXPECT_THROW(trainer.RestoreState(state, "other"), Error);
  trainer.CaptureState(&state);
  EXPECT_NO_THROW(trainer.RestoreState(state, "same"));
}

}  // namespace
}  // namespace tinymlp
