// The thread count tinymlp runs with, per calling thread (each job thread of a search sets its
// own). engine/base/parallel.h runs the kernels' chunks on that many threads.
#pragma once

namespace tinymlp {

// Sets the number of threads parallel regions use; n <= 0 means "all cores".
void SetThreadCount(int n);
int ThreadCount();
int HardwareThreads();

}  // namespace tinymlp
