// WorkerTeam and ParallelFor: every chunk runs exactly once, Run returns only after the last one,
// a slow or absent worker is not waited for beyond the chunk it holds, the caller takes chunks
// from the front and the worker from the back, nested calls run serially and the thread count
// belongs to the calling thread.
#include "engine/base/worker_team.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "engine/base/parallel.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

struct Counts {
  std::vector<std::atomic<int>> runs;
  explicit Counts(int n) : runs(n) {}
  static void Chunk(const void* ctx, int i) {
    const_cast<Counts*>(static_cast<const Counts*>(ctx))->runs[i].fetch_add(1);
  }
};

TEST(WorkerTeam, EveryChunkRunsExactlyOnceAcrossManyJobs) {
  for (int threads : {2, 3, 5}) {
    WorkerTeam team(threads);
    EXPECT_EQ(team.threads(), threads);
    // Thousands of short jobs back to back: a worker arriving late for one job must never run a
    // chunk of the next with the wrong function, or run a chunk twice.
    for (int job = 0; job < 3000; ++job) {
      const int chunks = 1 + job % 13;
      Counts counts(chunks);
      team.Run(chunks, &Counts::Chunk, &counts);
      for (int i = 0; i < chunks; ++i) {
        ASSERT_EQ(counts.runs[i].load(), 1) << "threads " << threads << " job " << job;
      }
    }
  }
}

// The first chunk a worker takes holds on until the caller has run every other chunk: that can
// only end if the caller claims chunks while a worker is busy or absent, never waiting for it.
struct HeldWorker {
  static constexpr int kChunks = 64;
  std::thread::id caller;
  std::atomic<int> by_caller{0}, by_workers{0}, done{0};
  std::atomic<bool> gave_up{false};
  static void Chunk(const void* ctx, int) {
    auto& s = *const_cast<HeldWorker*>(static_cast<const HeldWorker*>(ctx));
    if (std::this_thread::get_id() == s.caller) {
      s.by_caller.fetch_add(1);
    } else if (s.by_workers.fetch_add(1) == 0) {
      // A bound instead of a hang if the team waited for this worker before taking chunks.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (s.by_caller.load() < kChunks - 1 && !s.gave_up.load()) {
        if (std::chrono::steady_clock::now() > deadline) s.gave_up = true;
        std::this_thread::yield();
      }
    }
    s.done.fetch_add(1);
  }
};

TEST(WorkerTeam, CallerRunsTheOtherChunksWhileAWorkerHoldsOne) {
  WorkerTeam team(2);
  for (int job = 0; job < 5; ++job) {
    HeldWorker s;
    s.caller = std::this_thread::get_id();
    team.Run(HeldWorker::kChunks, &HeldWorker::Chunk, &s);
    EXPECT_EQ(s.done.load(), HeldWorker::kChunks);  // Run returned after the held chunk too
    EXPECT_FALSE(s.gave_up.load());
    EXPECT_EQ(s.by_caller.load() + s.by_workers.load(), HeldWorker::kChunks);
    // Either the worker held a chunk while the caller ran all the others, or it got none.
    EXPECT_TRUE(s.by_workers.load() <= 1);
  }
}

// Who ran each chunk: the caller or a worker.
struct Owners {
  std::thread::id caller;
  std::vector<std::atomic<int>> by_caller;
  explicit Owners(int n) : by_caller(n) {}
  static void Chunk(const void* ctx, int i) {
    auto& s = *const_cast<Owners*>(static_cast<const Owners*>(ctx));
    s.by_caller[i] = std::this_thread::get_id() == s.caller ? 1 : 0;
    std::this_thread::sleep_for(std::chrono::microseconds(100));  // time for the worker to come
  }
};

TEST(WorkerTeam, CallerTakesTheFirstChunksAndTheWorkerTheLast) {
  // So that each thread keeps the same part of a job from one step to the next (worker_team.h).
  WorkerTeam team(2);
  bool worker_helped = false;
  for (int job = 0; job < 200 && !worker_helped; ++job) {
    Owners s(16);
    s.caller = std::this_thread::get_id();
    team.Run(16, &Owners::Chunk, &s);
    int first_of_worker = 16;
    while (first_of_worker > 0 && s.by_caller[first_of_worker - 1] == 0) --first_of_worker;
    for (int i = 0; i < first_of_worker; ++i) {
      ASSERT_EQ(s.by_caller[i].load(), 1) << "job " << job << ": the worker ran chunk " << i
                                          << " amid the caller's run, not from the back";
    }
    worker_helped = first_of_worker < 16;
  }
  EXPECT_TRUE(worker_helped) << "the worker ran no chunk of 200 jobs";
}

struct Nested {
  std::atomic<int> inner{0};
  static void Inner(const void* ctx, int) {
    const_cast<Nested*>(static_cast<const Nested*>(ctx))->inner.fetch_add(1);
  }
  static void Outer(const void* ctx, int) { ParallelFor(4, &Nested::Inner, ctx); }
};

TEST(ParallelFor, NestedCallsRunSeriallyAndComplete) {
  SetThreadCount(2);
  StartWorkerThreads();
  Nested n;
  ParallelFor(8, &Nested::Outer, &n);
  EXPECT_EQ(n.inner.load(), 32);
  SetThreadCount(0);
}

TEST(ParallelFor, ThreadCountBelongsToTheCallingThread) {
  SetThreadCount(3);
  int other = 0;
  std::thread t([&] {
    other = ThreadCount();  // a new thread starts with the default: every core
    SetThreadCount(1);
  });
  t.join();
  EXPECT_EQ(other, HardwareThreads());
  EXPECT_EQ(ThreadCount(), 3);  // unchanged by the other thread's SetThreadCount(1)
  Counts counts(7);
  ParallelFor(7, &Counts::Chunk, &counts);  // a team of 3 made on demand
  for (int i = 0; i < 7; ++i) EXPECT_EQ(counts.runs[i].load(), 1);
  SetThreadCount(0);
}

}  // namespace
}  // namespace tinymlp
