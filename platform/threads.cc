#include "platform/threads.h"

#include <thread>

namespace tinymlp {
namespace {

// Per calling thread, as OpenMP's thread count was: each job thread of a search sets its own.
thread_local int t_threads = 0;  // 0: all cores

}  // namespace

int HardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void SetThreadCount(int n) { t_threads = n > 0 ? n : 0; }

int ThreadCount() { return t_threads > 0 ? t_threads : HardwareThreads(); }

}  // namespace tinymlp
