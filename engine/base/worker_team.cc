#include "engine/base/worker_team.h"

#include <chrono>

#include "engine/base/check.h"
#include "platform/clock.h"
#include "platform/threads.h"

namespace tinymlp {
namespace {

// A hint to the core that this thread is spinning (lets the sibling hyperthread run).
inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield");
#endif
}

// How long an idle worker keeps polling before it sleeps: longer than the gaps between the
// parallel regions of a training step (tens of microseconds), short enough that an idle
// program stops using the core at once.
constexpr auto kSpinTime = std::chrono::microseconds(300);

}  // namespace

WorkerTeam::WorkerTeam(int threads) {
  workers_.reserve(threads > 1 ? threads - 1 : 0);
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerTeam::~WorkerTeam() {
  stop_.store(true);
  { std::lock_guard<std::mutex> lock(mutex_); }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

bool WorkerTeam::RunOneChunk(bool from_back) {
  uint64_t s = state_.load(std::memory_order_acquire);
  while (HasWork(s)) {
    // Claims the chunk only if the word is unchanged: same job, chunk still unclaimed.
    const uint64_t claimed = from_back ? s - (uint64_t{1} << kChunkBits) : s + 1;
    if (state_.compare_exchange_weak(s, claimed, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
      fn_(ctx_, from_back ? Back(s) - 1 : Front(s));
      finished_.fetch_add(1, std::memory_order_release);
      return true;
    }
  }
  return false;
}

void WorkerTeam::Run(int chunks, ChunkFn fn, const void* ctx) {
  TINYMLP_CHECK(chunks >= 0 && chunks <= kMaxChunks, "WorkerTeam::Run: %d chunks", chunks);
  if (chunks == 0) return;
  ++jobs_run_;
  const int64_t start_ns = NowNanoseconds();
  if (!policy_.OfferNext(start_ns)) {
    ++solo_run_;
    for (int i = 0; i < chunks; ++i) fn(ctx, i);
    return;
  }
  // No worker is inside a chunk here (the previous Run waited for all of them), so the job's
  // fields can be rewritten before the job is published.
  fn_ = fn;
  ctx_ = ctx;
  finished_.store(0, std::memory_order_relaxed);
  const uint64_t generation = ((state_.load(std::memory_order_relaxed) >> (2 * kChunkBits)) + 1) &
                              ((uint64_t{1} << 24) - 1);
  state_.store((generation << (2 * kChunkBits)) | (uint64_t(chunks) << kChunkBits));
  // A worker that went to sleep counted itself first, under the mutex: it either sees the new
  // job when it checks, or is counted here and woken (both sides use sequentially consistent
  // operations, so one of them sees the other).
  if (sleepers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    wake_.notify_all();
  }
  const int64_t cpu_start_ns = ThreadCpuNanoseconds();
  int mine = 0;
  while (RunOneChunk(false)) ++mine;
  const int64_t cpu_ns = ThreadCpuNanoseconds() - cpu_start_ns;
  // Every chunk is claimed: wait only for those still running on a worker.
  for (int spins = 0; finished_.load(std::memory_order_acquire) < chunks; ++spins) {
    if (spins < 2000) {
      CpuRelax();
    } else {
      std::this_thread::yield();  // the worker may be waiting for this core
    }
  }
  // Alone, the caller would have run every chunk at the pace of its own CPU time on these.
  if (mine > 0) {
    const int64_t end_ns = NowNanoseconds();
    policy_.Record(end_ns - start_ns, cpu_ns * chunks / mine, end_ns);
  }
}

void WorkerTeam::WorkerLoop() {
  SetThreadCount(1);  // a kernel called from inside a chunk runs on this thread alone
  using Clock = std::chrono::steady_clock;
  while (!stop_.load(std::memory_order_relaxed)) {
    if (RunOneChunk(true)) continue;
    // Poll for the next job for a while.
    const Clock::time_point idle_since = Clock::now();
    bool work = false;
    for (int round = 1; !work; ++round) {
      for (int i = 0; i < 16; ++i) CpuRelax();
      work =
          HasWork(state_.load(std::memory_order_acquire)) || stop_.load(std::memory_order_relaxed);
      if (work) break;
      // No yield while polling: a yielding worker goes to the back of the run queue and, on a
      // busy machine, misses the next region by a whole time slice (measured: 2 threads then
      // ran no faster than 1 beside a build). The caller never waits for it, so polling costs
      // only this core, for at most kSpinTime.
      if (round % 8 == 0 && Clock::now() - idle_since > kSpinTime) break;
    }
    if (work) continue;
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1);
    wake_.wait(lock, [this] { return stop_.load() || HasWork(state_.load()); });
    sleepers_.fetch_sub(1);
  }
}

}  // namespace tinymlp
