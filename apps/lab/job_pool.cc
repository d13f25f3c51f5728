#include "apps/lab/job_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "platform/threads.h"

namespace tinymlp {

void RunJobs(size_t count, int jobs, int threads_per_job, const std::function<void(size_t)>& job) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards first_error
  std::exception_ptr first_error;
  auto worker = [&] {
    SetThreadCount(threads_per_job);
    while (!failed) {
      const size_t i = next++;
      if (i >= count) break;
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  const size_t threads = std::max<size_t>(1, std::min<size_t>(std::max(jobs, 1), count));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace tinymlp
