#include "platform/cpu.h"

#include <hwy/highway.h>
#include <hwy/targets.h>

namespace tinymlp {

std::vector<std::string> CompiledTargetNames() {
  std::vector<std::string> names;
  for (int64_t targets = HWY_TARGETS; targets != 0; targets &= targets - 1) {
    names.push_back(hwy::TargetName(targets & (~targets + 1)));
  }
  return names;
}

}  // namespace tinymlp
