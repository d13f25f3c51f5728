#include "platform/threads.h"

#include <thread>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace tinymlp {

int HardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void SetThreadCount(int n) {
#ifdef _OPENMP
  omp_set_num_threads(n > 0 ? n : HardwareThreads());
#else
  (void)n;
#endif
}

int ThreadCount() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

}  // namespace tinymlp
