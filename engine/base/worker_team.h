// WorkerTeam: the threads that help one calling thread run ParallelFor's chunks.
//
// Why not an OpenMP team: an OpenMP parallel region ends at a barrier that every thread of the
// team must reach, so on a busy desktop, where the OS often deschedules one of our threads for a
// whole time slice, each of the several regions of a training step waits milliseconds for a
// thread that has not even started (measured: 16 ms a step at 2 threads beside a process-spawning
// loop, 0.65 ms at 1 thread). Here the calling thread takes chunks too, and a chunk belongs to
// whoever claims it first: when the caller has claimed or finished every chunk it waits only for
// chunks another thread is running, never for a thread that has not turned up. A late worker
// finds nothing left and goes back to waiting, so the team is as fast as one thread at worst
// (plus a chunk), and uses the second core whenever the OS gives it.
//
// Waiting: a worker polls for 300 us after its last chunk (the next region of a step follows
// within microseconds), then sleeps on a condition variable until the next job is published.
//
// Backing off: a second thread does not always pay (a loaded machine, engine/base/team_policy.h),
// so each job asks the team's TeamPolicy first and runs on the caller alone when the policy has
// measured that to be faster just now. The workers are then not offered it, poll out and sleep,
// and their core goes to whoever needs it.
//
// Determinism is the callers' (engine/base/parallel.h): a chunk's result never depends on which
// thread runs it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/base/team_policy.h"

namespace tinymlp {

class WorkerTeam {
 public:
  using ChunkFn = void (*)(const void* ctx, int i);

  // `threads` in all, the calling thread included: threads - 1 workers are started.
  explicit WorkerTeam(int threads);
  ~WorkerTeam();
  WorkerTeam(const WorkerTeam&) = delete;
  WorkerTeam& operator=(const WorkerTeam&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(ctx, i) for every i in [0, chunks) once, on this thread and whichever workers
  // arrive in time, and returns when all calls have returned. One calling thread only (the
  // thread that owns the team); allocates nothing.
  void Run(int chunks, ChunkFn fn, const void* ctx);

  // Since the team started: every job with chunks, and those the caller ran alone because the
  // policy had found that faster.
  int64_t jobs_run() const { return jobs_run_; }
  int64_t solo_jobs_run() const { return solo_run_; }

 private:
  // The job's claim state in one word, so a claim is one compare-and-swap that also proves the
  // job is still the current one: generation (24 bits) | back (20) | front (20), the unclaimed
  // chunks being [front, back). The caller claims from the front, workers from the back, so
  // with two threads each keeps about the same half of every job from one step to the next:
  // the caller the first chunks, the worker the last. A GEMM's chunk is the same columns each
  // step (the backward product's are the same pixels, whose weights it updates), so the weights
  // a thread updates stay in its core's caches instead of crossing to the other core every
  // step (on a host whose two cores share no cache, 200 ns a line).
  static constexpr int kChunkBits = 20;
  static constexpr uint64_t kChunkMask = (uint64_t{1} << kChunkBits) - 1;
  static constexpr int kMaxChunks = static_cast<int>(kChunkMask);

  static int Back(uint64_t s) { return static_cast<int>((s >> kChunkBits) & kChunkMask); }
  static int Front(uint64_t s) { return static_cast<int>(s & kChunkMask); }
  static bool HasWork(uint64_t s) { return Front(s) < Back(s); }

  // Claims one chunk of the current job, the first unclaimed one (the caller) or the last (a
  // worker), and runs it; false when none is left to claim.
  bool RunOneChunk(bool from_back);
  void WorkerLoop();

  std::atomic<uint64_t> state_{0};
  std::atomic<int> finished_{0};  // chunks of the current job that have returned
  // The current job's function: written before the job is published and read only after a
  // successful claim, which proves the job is still current (it cannot end before the claimed
  // chunk has run), so a worker never runs one job's chunk with another's function.
  ChunkFn fn_ = nullptr;
  const void* ctx_ = nullptr;

  TeamPolicy policy_;  // the caller's alone: no worker reads it
  int64_t jobs_run_ = 0, solo_run_ = 0;

  std::atomic<bool> stop_{false};
  std::atomic<int> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
};

}  // namespace tinymlp
