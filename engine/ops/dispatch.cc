// DispatchedTarget (dispatch.h): a function compiled once per Highway target that returns its
// own target, exported and dispatched like every kernel, so the answer is whatever the kernels'
// dispatchers pick (Highway keeps one process-wide choice for all export tables).
#include <cstdint>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "engine/ops/dispatch.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace tinymlp {
namespace HWY_NAMESPACE {

int64_t DispatchedTargetTarget() { return HWY_TARGET; }

}  // namespace HWY_NAMESPACE
}  // namespace tinymlp
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "engine/ops/dispatch.h"

namespace tinymlp {

HWY_EXPORT(DispatchedTargetTarget);

int64_t DispatchedTarget() { return HWY_DYNAMIC_DISPATCH(DispatchedTargetTarget)(); }

}  // namespace tinymlp
#endif  // HWY_ONCE
