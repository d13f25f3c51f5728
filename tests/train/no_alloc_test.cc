// A training step allocates nothing: every buffer comes from the arena before the first step.
// This binary replaces the global operator new with a counting one, so it holds only this test.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

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
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace tinymlp {
namespace {

TEST(NoAlloc, TrainingStepsAllocateNothing) {
  const Dataset train = RandomDataset(1000, 3);
  const Normalization norm = Normalization::FromData(train);
  for (std::vector<int> hidden :
       {std::vector<int>{}, std::vector<int>{50}, std::vector<int>{40, 30}}) {
    MlpShape shape;
    shape.hidden = hidden;
    TrainConfig config;
    config.batch = 100;
    Arena arena(Trainer::ArenaBytes(shape, config.batch, train.count()));
    Trainer trainer(shape, config, train, norm, arena);
    const size_t arena_used = arena.used();
    const long before = g_allocations.load();
    // 25 steps cross two epoch boundaries (10 batches per epoch), so reshuffles are covered.
    for (int t = 0; t < 25; ++t) trainer.Step(0.01f);
    EXPECT_EQ(g_allocations.load() - before, 0) << hidden.size() << " hidden layers";
    EXPECT_EQ(arena.used(), arena_used);
    EXPECT_EQ(arena.HighWater(), arena_used);
  }
}

TEST(NoAlloc, CounterSeesAllocations) {
  // The counter is live: a vector's growth is seen (so the test above can fail).
  const long before = g_allocations.load();
  std::vector<int>* v = new std::vector<int>(100);
  EXPECT_GT(g_allocations.load() - before, 0);
  delete v;
}

}  // namespace
}  // namespace tinymlp
