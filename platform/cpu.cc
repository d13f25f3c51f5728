#include "platform/cpu.h"

#include <hwy/highway.h>
#include <hwy/targets.h>

#include "platform/threads.h"

namespace tinymlp {

std::vector<std::string> CompiledTargetNames() {
  std::vector<std::string> names;
  for (int64_t targets = HWY_TARGETS; targets != 0; targets &= targets - 1) {
    names.push_back(hwy::TargetName(targets & (~targets + 1)));
  }
  return names;
}

std::string ChosenTargetName() {
  // The dispatcher takes the best target that is both compiled and supported. Where the
  // supported set is empty (Highway 1.0.3 on armhf, or aarch64 without AES), the calls fall back
  // to the static target, which is what runs.
  const int64_t usable = hwy::SupportedTargets() & HWY_TARGETS;
  const int64_t best = usable & (~usable + 1);
  return hwy::TargetName(best != 0 ? best : HWY_STATIC_TARGET);
}

std::string CpuSummary() {
#if HWY_ARCH_X86_64
  std::string line = "arch=x86_64";
#elif HWY_ARCH_ARM_A64
  std::string line = "arch=aarch64";
#elif HWY_ARCH_ARM_V7
  std::string line = "arch=armv7";
#else
  std::string line = "arch=other";
#endif
  line += " target=" + ChosenTargetName() + " compiled=";
  const auto names = CompiledTargetNames();
  for (size_t i = 0; i < names.size(); ++i) line += (i ? "," : "") + names[i];
  line += " threads=" + std::to_string(ThreadCount());
  return line;
}

}  // namespace tinymlp
