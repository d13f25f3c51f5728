// The SIMD targets compiled into this binary, in Highway's terms. (Which one runs is the
// dispatcher's answer: DispatchedTarget() in engine/ops/dispatch.h.)
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

// Names of every target compiled into the binary (dynamic dispatch list plus the static one).
std::vector<std::string> CompiledTargetNames();

}  // namespace tinymlp
