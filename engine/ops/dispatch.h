// Which Highway target the ops' dispatchers run on, and the one correction we make to Highway's
// choice. Every family (gemm.h, elementwise.h, gather.h) dispatches through Highway's one
// process-wide choice, so one question answers for all of them; `tinymlp info`, the benchmarks
// and the tests (tests/util/for_each_target.h, to confirm a forced target) ask it.
#pragma once

#include <cstdint>

namespace tinymlp {

// The Highway target (HWY_AVX3, HWY_NEON, ...) the dispatched kernels run on right now: the best
// that is compiled and supported, or the static target where none is (armhf). Asked of a
// dispatcher itself (dispatch.cc), not computed from the CPU's flags, so it follows
// hwy::SetSupportedTargetsForTest.
int64_t DispatchedTarget();

namespace internal {

// Makes the first dispatch quiet and right on an aarch64 CPU without the AES extension (a
// Raspberry Pi 3/4): there, Highway 1.0.3 counts NEON as unsupported and prints
// "WARNING: CPU supports ... but software requires ..." on stderr at the first dispatch. This
// sets Highway's chosen target from the CPU's flags without that requirement (our kernels use no
// AES instructions); anywhere else it does nothing and Highway chooses as usual. Returns whether
// it set the choice. Why and how: dispatch.cc.
bool ChooseTargetBeforeFirstDispatch();

// Runs ChooseTargetBeforeFirstDispatch once per program, before main, in every program that links
// a kernel: each kernel family's .cc includes this header, and a C++17 inline variable is
// initialized once however many files define it. (Static initialization rather than a call in
// main, so library users get it too.)
inline const bool kTargetChosenBeforeFirstDispatch = ChooseTargetBeforeFirstDispatch();

}  // namespace internal
}  // namespace tinymlp
