// Monotonic wall-clock time for progress lines and benchmarks, and the calendar time runs record.
#pragma once

#include <string>

namespace tinymlp {

// Seconds since an arbitrary fixed point; only differences mean anything.
double NowSeconds();

// The current UTC time in ISO 8601 to the second, as "2026-11-29T17:10:50Z".
std::string UtcTimestamp();

}  // namespace tinymlp
