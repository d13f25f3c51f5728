// What the CPU offers, in Highway's terms: the SIMD targets compiled into this binary, and the
// one the run-time dispatcher picks on this machine.
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

// Names of every target compiled into the binary (dynamic dispatch list plus the static one).
std::vector<std::string> CompiledTargetNames();
// Name of the target HWY_DYNAMIC_DISPATCH uses here, e.g. "AVX3" or "NEON".
std::string ChosenTargetName();
// One line: architecture, chosen target, compiled targets, threads.
std::string CpuSummary();

}  // namespace tinymlp
