// Flags that would have no effect in the mode the other flags choose are refused rather than
// ignored: `--eta 0.01 --cycles 3` (a constant rate has no cycles), `--momentum` with adam,
// `--bn-alpha` without --batch-norm ... One table (flag_modes.cc) lists each such flag with the
// mode it needs; every subcommand that has the flag is checked against it once its flags are
// parsed, so train, search, gradcheck and bench-train share the rule and its wording.
#pragma once

#include <CLI/CLI.hpp>

namespace tinymlp {

// Throws UsageError naming the first flag given on `cmd` that has no effect with the values of
// the others ("--cycles has no effect with a constant learning rate (--eta) ...").
void CheckFlagsTakeEffect(const CLI::App& cmd);

// Runs CheckFlagsTakeEffect on each subcommand of `app` when its flags are parsed (before it
// runs). Call once, after adding every subcommand.
void AddFlagModeChecks(CLI::App& app);

}  // namespace tinymlp
