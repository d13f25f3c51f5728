#include "engine/parallel.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/threads.h"

namespace tinymlp {
namespace {

// The current job in one atomic word, so a claim is one compare-and-swap that also checks the
// job is still the one the claimer saw: bits 0-19 total chunks, 20-39 next chunk, 40-63 job
// generation.
constexpr int kNextShift = 20, kGenShift = 40;
constexpr uint64_t kCountMask = (uint64_t{1} << 20) - 1;
uint64_t Total(uint64_t s) { return s & kCountMask; }
uint64_t Next(uint64_t s) { return (s >> kNextShift) & kCountMask; }
uint64_t Gen(uint64_t s) { return s >> kGenShift; }

inline void Pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class Pool {
 public:
  explicit Pool(int workers) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([this, w] { WorkerLoop(w); });
  }
  int workers() const { return static_cast<int>(threads_.size()); }

  // Runs the job on the caller and the first `helpers` workers.
  void Run(int chunks, int helpers, void (*fn)(const void*, int), const void* ctx) {
    bool expected = false;
    if (!busy_.compare_exchange_strong(expected, true)) {  // another caller is running a job
      for (int i = 0; i < chunks; ++i) fn(ctx, i);
      return;
    }
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    helpers_.store(helpers, std::memory_order_relaxed);
    const uint64_t gen = (++gen_) & ((uint64_t{1} << 24) - 1);
    state_.store((gen << kGenShift) | static_cast<uint64_t>(chunks));  // seq_cst: see WorkerLoop
    if (sleepers_.load() > 0) {
      { std::lock_guard<std::mutex> lock(mu_); }
      cv_.notify_all();
    }
    int i;
    while (Claim(gen, &i)) {
      fn(ctx, i);
      done_.fetch_add(1, std::memory_order_release);
    }
    // Only chunks a worker has claimed are left; wait for them.
    for (int spins = 0; done_.load(std::memory_order_acquire) < chunks; ++spins) {
      if (spins < 4096) {
        Pause();
      } else {
        std::this_thread::yield();
      }
    }
    busy_.store(false, std::memory_order_release);
  }

 private:
  bool Claim(uint64_t gen, int* i) {
    uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      if (Gen(s) != gen || Next(s) >= Total(s)) return false;
      if (state_.compare_exchange_weak(s, s + (uint64_t{1} << kNextShift),
                                       std::memory_order_acq_rel)) {
        *i = static_cast<int>(Next(s));
        return true;
      }
    }
  }

  void WorkerLoop(int index) {
    uint64_t seen = 0;
    for (;;) {
      // Spin a little (a training step calls again within microseconds), then sleep.
      uint64_t gen = Gen(state_.load(std::memory_order_acquire));
      for (int spins = 0; gen == seen && spins < 20000; ++spins) {
        Pause();
        gen = Gen(state_.load(std::memory_order_acquire));
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mu_);
        sleepers_.fetch_add(1);  // seq_cst, paired with Run's store then load of sleepers_
        cv_.wait(lock, [&] { return Gen(state_.load()) != seen; });
        sleepers_.fetch_sub(1);
        gen = Gen(state_.load());
      }
      seen = gen;
      if (index >= helpers_.load(std::memory_order_relaxed)) continue;  // fewer threads asked
      int i;
      while (Claim(gen, &i)) {
        // A successful claim means the job is still running, so fn_ and ctx_ are its own.
        fn_.load(std::memory_order_relaxed)(ctx_.load(std::memory_order_relaxed), i);
        done_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  std::vector<std::thread> threads_;
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<void (*)(const void*, int)> fn_{nullptr};
  std::atomic<const void*> ctx_{nullptr};
  std::atomic<int> helpers_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> busy_{false};
  uint64_t gen_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
};

// Never destroyed: the workers sleep until the process exits.
Pool& GetPool() {
  static Pool* pool = new Pool(HardwareThreads() - 1);
  return *pool;
}

}  // namespace

void StartWorkerThreads() { GetPool(); }

void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx) {
  const int threads = ThreadCount();
  if (chunks <= 1 || threads <= 1 || HardwareThreads() <= 1) {
    for (int i = 0; i < chunks; ++i) fn(ctx, i);
    return;
  }
  Pool& pool = GetPool();
  pool.Run(chunks, std::min(threads - 1, pool.workers()), fn, ctx);
}

}  // namespace tinymlp
