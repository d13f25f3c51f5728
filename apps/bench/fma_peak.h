// The FMA rate one core reaches with nothing to wait for: register-only multiply-adds, as many
// independent chains as hide the FMA's latency, no memory. tinymlp-bench reports it per target
// (fma_peak/<target>/t1), so that "share of the peak" is measured in the same run as the GEMMs
// it is the share of, not computed from a clock the VM may not keep.
#pragma once

#include <cstdint>

namespace tinymlp {

// Runs `rounds` rounds of kFmaPeakChains vector FMAs on the dispatched target and returns a value
// that depends on all of them (so that none is optimized away). `lanes` receives the target's
// floats per vector: a round is 2 * kFmaPeakChains * lanes flops.
float FmaPeakRounds(int64_t rounds, int* lanes);

// Independent accumulators: an FMA's latency (4 cycles on Zen 3, Zen 5 and Skylake) times the
// FMA pipes (2) is 8, and 12 leave the scheduler room.
constexpr int kFmaPeakChains = 12;

}  // namespace tinymlp
