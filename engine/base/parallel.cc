#include "engine/base/parallel.h"

#include "platform/threads.h"

namespace tinymlp {

void StartWorkerThreads() {
#pragma omp parallel
  {}
}

void ParallelFor(int chunks, void (*fn)(const void* ctx, int i), const void* ctx) {
  if (chunks <= 1 || ThreadCount() <= 1) {
    for (int i = 0; i < chunks; ++i) fn(ctx, i);
    return;
  }
#pragma omp parallel for schedule(dynamic, 1)
  for (int i = 0; i < chunks; ++i) fn(ctx, i);
}

}  // namespace tinymlp
