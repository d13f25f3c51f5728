// ParallelFor: how the kernels split work across threads (the calling thread's WorkerTeam,
// engine/base/worker_team.h, underneath).
//
// A kernel cuts its output into chunks and hands them here; threads take chunks one at a time,
// so a thread that starts late simply takes fewer, and one that never turns up (descheduled on
// a busy machine) takes none and is not waited for. Chunk boundaries are the kernel's, never
// the thread count's.
//
// Determinism: a chunk's result must not depend on which thread runs it (every caller computes
// each output element inside one chunk, in a fixed order), so results are the same whatever the
// thread count and scheduling.
//
// Threads: ThreadCount() of them (platform/threads.h), the calling thread included. A
// ParallelFor inside a chunk runs serially on the thread running that chunk.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace tinymlp {

// Calls fn(ctx, i) for every i in [0, chunks), each exactly once, on the calling thread and the
// team's other threads; returns when all have finished. Call it from one thread at a time.
void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx);

// Calls body(begin, end) for consecutive pieces of [0, n), each at most `grain` long, through
// ParallelFor: for element-wise loops (each element is computed by one call, so the result does
// not depend on the threads).
template <typename Body>
void ParallelRanges(size_t n, size_t grain, const Body& body) {
  struct Ranges {
    const Body* body;
    size_t n, grain;
  };
  const Ranges ranges{&body, n, grain};
  const int chunks = static_cast<int>((n + grain - 1) / grain);
  ParallelFor(
      chunks,
      [](const void* ctx, int i) {
        const Ranges& r = *static_cast<const Ranges*>(ctx);
        const size_t begin = static_cast<size_t>(i) * r.grain;
        (*r.body)(begin, std::min(r.n, begin + r.grain));
      },
      &ranges);
}

// The calling thread's team so far: jobs handed to it, and those it ran on the calling thread
// alone because workers had been holding jobs up (WorkerTeam's backing off). Zeros without a
// team (one thread).
struct TeamCounts {
  int64_t jobs = 0, solo_jobs = 0;
};
TeamCounts CallingTeamCounts();

// Creates the calling thread's team now, so that no later call allocates (a training step
// allocates nothing; otherwise the first ParallelFor would start the threads).
void StartWorkerThreads();

}  // namespace tinymlp
