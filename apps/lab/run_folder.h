// A training run's output folder: the files a run writes there, the refusal to train into a
// folder that holds another run, and --force's clearing of exactly those files (never another).
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

// model.tmlp, model_best.tmlp, metrics.csv, run.json, checkpoint and the charts (run_plots.h).
const std::vector<std::string>& RunOutputNames();

// The first of RunOutputNames() that `out` holds (run.json first), or "" when none.
std::string RunFolderOccupant(const std::string& out);

// Throws UsageError "OUT already holds a run (run.json); use --force to replace it or --resume
// to continue it" when `out` holds one.
void RefuseOccupiedFolder(const std::string& out);

// Removes what an earlier run wrote into `out`: the regular files of RunOutputNames() and their
// leftover temporaries (NAME.tmp.PID), run.json last (so a clearing cut short still reads as a
// run), then flushes the folder. Anything else in the folder is left alone. Throws DataError
// naming a file it cannot remove.
void ClearRunFolder(const std::string& out);

}  // namespace tinymlp
