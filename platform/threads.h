// The thread count tinymlp runs with. OpenMP is optional: without it everything runs on one
// thread and these calls report 1.
#pragma once

namespace tinymlp {

// Sets the number of threads parallel regions use; n <= 0 means "all cores".
void SetThreadCount(int n);
int ThreadCount();
int HardwareThreads();

}  // namespace tinymlp
