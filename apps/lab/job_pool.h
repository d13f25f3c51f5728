// The lab's one way of running independent jobs (training runs) side by side: `jobs` threads
// take job indices from a shared counter until none are left. Used by the λ search and by the
// report's chapters. Not a general thread pool: no queue, no futures; each call starts its
// threads and joins them before it returns.
#pragma once

#include <cstddef>
#include <functional>

namespace tinymlp {

// Runs job(0) .. job(count - 1), each exactly once, on min(jobs, count) threads, the calling
// thread being one of them. Each of those threads first sets its thread count to
// `threads_per_job` (SetThreadCount keeps the count per calling thread, so the calling thread
// keeps that count afterwards). The order in which jobs start and end is not fixed, so a
// job writes its result to its own slot and locks whatever it shares. After a job throws, no new
// job starts; the running ones finish and the first exception is rethrown here.
void RunJobs(size_t count, int jobs, int threads_per_job, const std::function<void(size_t)>& job);

}  // namespace tinymlp
