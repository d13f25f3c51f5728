// ParallelFor: how the kernels split work across threads (OpenMP underneath).
//
// A kernel cuts its output into chunks and hands them here; threads take chunks one at a time
// (dynamic schedule), so a thread that starts late simply takes fewer. Chunk boundaries are the
// kernel's, never the thread count's.
//
// Determinism: a chunk's result must not depend on which thread runs it (every caller computes
// each output element inside one chunk, in a fixed order), so results are the same whatever the
// thread count and scheduling.
//
// Threads: ThreadCount() of them (platform/threads.h). Without OpenMP everything runs on the
// calling thread.
#pragma once

namespace tinymlp {

// Calls fn(ctx, i) for every i in [0, chunks), each exactly once, on the calling thread and the
// team's other threads; returns when all have finished. Call it from one thread at a time.
void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx);

// Creates the thread team now, so that no later call allocates (a training step allocates
// nothing; the OpenMP runtime builds its team on the first parallel region).
void StartWorkerThreads();

}  // namespace tinymlp
