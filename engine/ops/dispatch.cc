// DispatchedTarget (dispatch.h): a function compiled once per Highway target that returns its
// own target, exported and dispatched like every kernel, so the answer is whatever the kernels'
// dispatchers pick (Highway keeps one process-wide choice for all export tables). And
// ChooseTargetBeforeFirstDispatch, the one place we correct that choice.
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
#include <hwy/targets.h>

#include "engine/ops/dispatch.h"

#if HWY_ARCH_ARM_A64 && HWY_OS_LINUX
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace tinymlp {

HWY_EXPORT(DispatchedTargetTarget);

int64_t DispatchedTarget() { return HWY_DYNAMIC_DISPATCH(DispatchedTargetTarget)(); }

namespace internal {

// Highway 1.0.3 (Debian's libhwy1) on aarch64 counts its NEON target as supported only when
// AT_HWCAP has AES (hwy/targets.cc, arm::DetectTargets), because that target may use the AES
// instructions. A Pi 3/4's Cortex-A53/A72 has no crypto extension, so there the library's
// DetectTargets finds less than its own baseline (NEON) and prints
//   WARNING: CPU supports 6000000000000000 but software requires 4000000010000000
// on stderr from SupportedTargets(), which the first HWY_DYNAMIC_DISPATCH calls (through
// FunctionCache::ChooseAndCall) whenever the chosen target is not yet set. The warning is
// printed inside libhwy, so no flag of ours silences it; the kernels then fall back to the
// static NEON code, which is right. Our kernels use no AES instructions, so NEON is supported on
// every aarch64 CPU. So on such a CPU we set the chosen target ourselves before the first
// dispatch, from the same flags Highway reads minus the AES requirement (SVE and SVE2 as
// Highway tests them; the 128/256-bit SVE variants need Highway's vector-length probe and are
// left to the generic SVE targets): the dispatchers then never ask SupportedTargets(). Where the
// CPU has AES, Highway's own detection is quiet and right, and we leave it alone. After
// hwy::SetSupportedTargetsForTest or DisableTargets (tests only), Highway detects again itself.
bool ChooseTargetBeforeFirstDispatch() {
#if HWY_ARCH_ARM_A64 && HWY_OS_LINUX && defined(HWCAP_AES)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  if ((hwcap & HWCAP_AES) != 0) return false;
  int64_t targets = HWY_NEON | HWY_SCALAR | HWY_EMU128;
#if defined(HWCAP_SVE)
  if ((hwcap & HWCAP_SVE) != 0) targets |= HWY_SVE;
#endif
#if defined(HWCAP2_SVE2) && defined(HWCAP2_SVEAES)
  const unsigned long hwcap2 = getauxval(AT_HWCAP2);
  if ((hwcap2 & HWCAP2_SVE2) != 0 && (hwcap2 & HWCAP2_SVEAES) != 0) targets |= HWY_SVE2;
#endif
  hwy::GetChosenTarget().Update(targets);
  return true;
#else
  return false;
#endif
}

}  // namespace internal
}  // namespace tinymlp
#endif  // HWY_ONCE
