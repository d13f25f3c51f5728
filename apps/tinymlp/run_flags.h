// The flags of the training subcommands declared once: the split (train, search, bench-train)
// and the network and its cyclic schedule (train, search).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "apps/lab/training_run.h"

namespace tinymlp {

// --split: 10k, 45k or 49k (ParseSplit), default whatever `split` holds.
void AddSplitFlag(CLI::App* cmd, std::string& split);

// The flags that say which network a run trains and how its cyclic schedule goes, shared by
// `train` and `search` (a search's results file tells runs apart by them): --hidden, --batch,
// --eta-min, --eta-max, --cycles, --batch-norm, --init, --init-sigma.
void AddNetworkFlags(CLI::App* cmd, RunSettings& run);

}  // namespace tinymlp
