// Runs a test body once per Highway target compiled into the binary and supported by this CPU,
// forcing the kernels' dispatcher onto each in turn. Where the dispatch list is empty (Highway
// 1.0.3 on armhf, or aarch64 without AES) the calls take the static path: that is what runs.
#pragma once

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <functional>
#include <vector>

#include "engine/ops/dispatch.h"

namespace tinymlp::testing {

inline void ForEachTarget(const std::function<void()>& body) {
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  if (targets.empty()) {
    SCOPED_TRACE("static target");
    body();
    return;
  }
  for (int64_t target : targets) {
    hwy::SetSupportedTargetsForTest(target);
    SCOPED_TRACE(hwy::TargetName(target));
    EXPECT_EQ(DispatchedTarget(), target) << "the dispatcher did not switch to the forced target";
    body();
  }
  hwy::SetSupportedTargetsForTest(0);
}

}  // namespace tinymlp::testing
