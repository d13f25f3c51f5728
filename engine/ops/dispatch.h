// Which Highway target the ops' dispatchers run on. Every family (gemm.h, elementwise.h,
// gather.h) dispatches through Highway's one process-wide choice, so one question answers for
// all of them; `tinymlp info`, the benchmarks and the tests (tests/util/for_each_target.h, to
// confirm a forced target) ask it.
#pragma once

#include <cstdint>

namespace tinymlp {

// The Highway target (HWY_AVX3, HWY_NEON, ...) the dispatched kernels run on right now: the best
// that is compiled and supported, or the static target where none is (armhf, aarch64 without AES
// under Highway 1.0.3). Asked of a dispatcher itself (dispatch.cc), not computed from the CPU's
// flags, so it follows hwy::SetSupportedTargetsForTest.
int64_t DispatchedTarget();

}  // namespace tinymlp
