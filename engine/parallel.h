// ParallelFor: the engine's own worker threads, for kernels that split work into chunks.
//
// Why not an OpenMP parallel region: a region ends in a barrier that waits for every thread of
// the team, so when the machine is busy and a worker is not scheduled, the caller waits for it
// (milliseconds per call; a training step makes several). Here the caller claims chunks itself
// and waits only for chunks a worker has actually started: a late worker finds nothing left
// and goes back to sleep, so a busy machine costs at most the speed of one thread.
//
// Determinism: a chunk's result must not depend on which thread runs it (every caller computes
// each output element inside one chunk, in a fixed order), so results are the same whatever
// the thread count and scheduling.
//
// Threads: up to ThreadCount() (platform/threads.h) take part; the workers are started once,
// by StartWorkerThreads() or else on first use, and then live for the whole process.
// ParallelFor is meant to be called from one thread at a time; a call made while another is
// running runs its chunks on the calling thread alone.
#pragma once

namespace tinymlp {

// Calls fn(ctx, i) for every i in [0, chunks), each exactly once, on the calling thread and the
// workers; returns when all have finished. chunks < 2^20.
void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx);

// Starts the workers now, so that no later call allocates (a training step allocates nothing).
void StartWorkerThreads();

}  // namespace tinymlp
