// DispatchedTarget (engine/ops/dispatch.h): the dispatcher names a real target. That it follows
// a forced target is checked by every kernel test, through tests/util/for_each_target.h.
#include "engine/ops/dispatch.h"

#include <gtest/gtest.h>

namespace tinymlp {
namespace {

TEST(DispatchedTarget, ReportsATarget) { EXPECT_NE(DispatchedTarget(), 0); }

}  // namespace
}  // namespace tinymlp
