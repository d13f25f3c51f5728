// Monotonic wall-clock time for progress lines and benchmarks.
#pragma once

namespace tinymlp {

// Seconds since an arbitrary fixed point; only differences mean anything.
double NowSeconds();

}  // namespace tinymlp
