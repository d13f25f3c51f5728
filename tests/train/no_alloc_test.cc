// Every arena is sized by measuring, and a training step allocates nothing. For every
// combination of optimizer (fused SGD, SGD with a batch too large to fuse, momentum, Nesterov,
// Adam), batch norm, dropout and augmentation: the measured size is exactly what the trainer's
// construction takes, the arena is exactly that size, and steps across epoch reshuffles allocate
// neither from the system nor from the arena. This binary replaces the global operator new with
// a counting one, so it holds only these tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <tuple>

#include "engine/ops/kernels.h"
#include "engine/train/gradcheck.h"
#include "engine/train/trainer.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// GCC sees free() on what it takes for operator new's memory once these are inlined; here that
// memory does come from malloc.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace tinymlp {
namespace {

// The optimizers, and for plain SGD the two ways its step runs.
enum class Update { kFusedSgd, kSgdLargeBatch, kMomentum, kNesterov, kAdam, kAdamLargeBatch };

const char* Name(Update u) {
  switch (u) {
    case Update::kFusedSgd:
      return "FusedSgd";
    case Update::kSgdLargeBatch:
      return "SgdBatch400";
    case Update::kMomentum:
      return "Momentum";
    case Update::kNesterov:
      return "Nesterov";
    case Update::kAdam:
      return "Adam";
    case Update::kAdamLargeBatch:
      return "AdamBatch400";
  }
  return "?";
}

struct Data {
  Dataset train = RandomDataset(400, 3);  // the large batches' 400: one batch an epoch
  Normalization norm = Normalization::FromData(train);
};
const Data& SharedData() {
  static const Data* data = new Data;
  return *data;
}

using Combination = std::tuple<Update, bool, bool, bool>;  // update, batch norm, dropout, augment

class MeasuredArena : public ::testing::TestWithParam<Combination> {};

TEST_P(MeasuredArena, IsExactAndStepsAllocateNothing) {
  const auto [update, batch_norm, dropout, augment] = GetParam();
  const Data& data = SharedData();
  MlpShape shape;
  shape.hidden = {24, 12};
  shape.batch_norm = batch_norm;
  shape.dropout = dropout ? 0.2f : 0.0f;
  TrainConfig config;
  config.batch = update == Update::kSgdLargeBatch || update == Update::kAdamLargeBatch ? 400 : 100;
  config.optimizer.kind = update == Update::kMomentum   ? OptimizerKind::kMomentum
                          : update == Update::kNesterov ? OptimizerKind::kNesterov
                          : update == Update::kAdam || update == Update::kAdamLargeBatch
                              ? OptimizerKind::kAdam
                              : OptimizerKind::kSgd;
  if (augment) config.augment = ParseAugment("flip,translate:2");
  // SGD and Adam fuse their step into the backward GEMMs when the batch fits one K block.
  const bool fused = update == Update::kFusedSgd || update == Update::kAdam;
  ASSERT_EQ(fused, (config.optimizer.kind == OptimizerKind::kSgd ||
                    config.optimizer.kind == OptimizerKind::kAdam) &&
                       config.batch <= kGemmDescendMaxK);

  const size_t measured = MeasureArena<Trainer>(shape, config, data.train, data.norm);
  Arena arena(measured);
  EXPECT_EQ(arena.capacity(), measured);
  Trainer trainer(shape, config, data.train, data.norm, arena);
  EXPECT_EQ(arena.used(), measured);
  EXPECT_EQ(arena.HighWater(), measured);

  // Two epochs and a step: two reshuffles (4 batches of 100 per epoch, or 1 of 400).
  const int steps = 2 * trainer.batches_per_epoch() + 1;
  const long before = g_allocations.load();
  for (int t = 0; t < steps; ++t) trainer.Step(0.01f);
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(arena.used(), measured);
  EXPECT_EQ(arena.HighWater(), measured);

  // The combination ran the path it names: the fused step never writes dW.
  const Mat dw = trainer.network().grads().w[0];
  bool dw_written = false;
  for (int c = 0; c < dw.cols; ++c)
    for (int r = 0; r < dw.rows; ++r) dw_written |= dw(r, c) != 0.0f;
  EXPECT_EQ(dw_written, !fused);
}

std::string CombinationName(const ::testing::TestParamInfo<Combination>& info) {
  const auto [update, batch_norm, dropout, augment] = info.param;
  return std::string(Name(update)) + (batch_norm ? "_BatchNorm" : "") +
         (dropout ? "_Dropout" : "") + (augment ? "_Augment" : "");
}

INSTANTIATE_TEST_SUITE_P(
    EveryOption, MeasuredArena,
    ::testing::Combine(::testing::Values(Update::kFusedSgd, Update::kSgdLargeBatch,
                                         Update::kMomentum, Update::kNesterov, Update::kAdam,
                                         Update::kAdamLargeBatch),
                       ::testing::Bool(), ::testing::Bool(), ::testing::Bool()),
    CombinationName);

TEST(NoAlloc, EveryDepthAllocatesNothing) {
  const Data& data = SharedData();
  for (std::vector<int> hidden :
       {std::vector<int>{}, std::vector<int>{50}, std::vector<int>{40, 30}}) {
    MlpShape shape;
    shape.hidden = hidden;
    TrainConfig config;
    Arena arena(MeasureArena<Trainer>(shape, config, data.train, data.norm));
    Trainer trainer(shape, config, data.train, data.norm, arena);
    const long before = g_allocations.load();
    const int steps = 2 * trainer.batches_per_epoch() + 1;  // two reshuffles
    for (int t = 0; t < steps; ++t) trainer.Step(0.01f);
    EXPECT_EQ(g_allocations.load() - before, 0) << hidden.size() << " hidden layers";
    EXPECT_EQ(arena.HighWater(), arena.capacity());
  }
}

TEST(NoAlloc, CounterSeesAllocations) {
  // The counter is live: a vector's growth is seen (so the tests above can fail).
  const long before = g_allocations.load();
  std::vector<int>* v = new std::vector<int>(100);
  EXPECT_GT(g_allocations.load() - before, 0);
  delete v;
}

}  // namespace
}  // namespace tinymlp
