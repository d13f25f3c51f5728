// run.json, the record `tinymlp train` writes beside its model: every setting of the run
// (defaults included), where the data came from and its files' CRC-32s, the build and machine
// it ran on, when it started and ended, and what it reached. `train --config FILE` repeats a
// recorded run and `train --resume OUT` continues one (both read the settings back from here).
//
//   {
//     "format": 1, "tinymlp_version": "0.4.0", "status": "finished",
//     "started": "2026-11-29T17:10:50Z", "finished": "2026-11-29T17:13:15Z",
//     "settings": {"data": ..., "split": "49k", "threads": 2, "hidden": "50", "lambda": 0.00115,
//                  ... every RunSettings field under its flag's name, '-' written '_'},
//     "environment": {"highway_target": "AVX3", "hardware_threads": 2},
//     "data": {"folder": ..., "files": [{"name": "data_batch_1.bin", "bytes": 30730000,
//                                        "crc32": "0x..."}, ...]},
//     "results": {"steps": 5880, "steps_done": 5880, "train_seconds": 2.345,
//                 "val_accuracy": 0.526, "test_accuracy": 0.5167, "best_val_accuracy": 0.53,
//                 "best_step": 4900}
//   }
//
// status: "running" (written at the start, and what a killed run leaves), "interrupted"
// (stopped by SIGINT/SIGTERM after saving a checkpoint), "diverged" (the loss turned NaN or
// infinite), "stopped early" (--early-stop) or "finished". results is absent while running.
//
// The reader (ParseRunRecord) takes bytes, so a fuzzer can call it; it refuses, with one line
// naming the file and the key, anything but this shape: a key it does not know, a value of the
// wrong type, an integer out of its type's range, a float setting no float can hold.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "apps/lab/data_checksums.h"
#include "apps/lab/training_run.h"

namespace tinymlp {

constexpr int kRunRecordFormat = 1;
constexpr uint64_t kRunRecordMaxBytes = uint64_t{1} << 20;

// Everything that decides a run of `tinymlp train`: its RunSettings (out included, progress
// not), the data folder and split, and the thread count (the one the run used: the same seed
// gives the same bits only with the same count).
struct RunConfig {
  RunSettings run;
  std::string data;
  std::string split = "10k";
  int threads = 0;
};

struct RunFigures {
  long steps = 0;       // planned
  long steps_done = 0;  // done (fewer when stopped early or interrupted)
  double train_seconds = 0;
  double val_accuracy = -1, test_accuracy = -1;  // -1: not evaluated (interrupted)
  double best_val_accuracy = 0;
  long best_step = -1;  // -1: no evaluation (--evals-per-cycle 0)
};

struct RunRecord {
  RunConfig config;
  std::string tinymlp_version;
  std::string status = "running";
  std::string started, finished;  // UTC ISO 8601; finished empty while running
  std::string highway_target;
  int hardware_threads = 0;
  std::string data_folder;  // the resolved folder that holds the .bin files
  std::vector<DataFileSum> data_files;
  bool has_results = false;
  RunFigures results;
};

// The settings' names in run.json, in the order they are written: "data", "split", "threads",
// then RunSettings' fields ("hidden", "lambda", ..., "out"). The flag of each is "--" + the name
// with '_' as '-'.
std::vector<std::string> RunSettingNames();
std::string FlagOfSetting(const std::string& name);

// Copies into `to` every setting of `from` whose name `take` accepts.
void CopySettingsIf(const RunConfig& from, RunConfig& to,
                    const std::function<bool(const std::string& name)>& take);

// The settings that differ from a default RunConfig's (with `defaults` as the defaults), as
// command-line arguments: {"--lambda", "0.00115", "--batch-norm", ...}. Floats are written with
// the digits that give back the same float.
std::vector<std::string> SettingsAsFlags(const RunConfig& config, const RunConfig& defaults);

// A fingerprint of the settings that decide the run's numbers (all but data, out and
// checkpoint_every): a checkpoint carries it, so that it is never resumed under other settings.
uint64_t SettingsKey(const RunConfig& config);

std::string RunRecordJson(const RunRecord& record);
// Throws DataError naming `name` (and the key) when the bytes are not a run record as above.
RunRecord ParseRunRecord(const uint8_t* data, size_t size, const std::string& name);
RunRecord ReadRunRecord(const std::string& path);
// Writes RunRecordJson atomically to `path`.
void WriteRunRecord(const std::string& path, const RunRecord& record);

}  // namespace tinymlp
