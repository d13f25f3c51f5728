// Monotonic wall-clock time for progress lines and benchmarks, the calling thread's CPU time (for
// the worker team's policy), and the calendar time runs record.
#pragma once

#include <cstdint>
#include <string>

namespace tinymlp {

// Seconds since an arbitrary fixed point; only differences mean anything.
double NowSeconds();
// The same clock in nanoseconds.
int64_t NowNanoseconds();
// CPU time the calling thread has used, in nanoseconds (a system call: for timing jobs of many
// microseconds, not inner loops). 0 where the system has no such clock.
int64_t ThreadCpuNanoseconds();

// The current UTC time in ISO 8601 to the second, as "2026-11-29T17:10:50Z".
std::string UtcTimestamp();

}  // namespace tinymlp
