// A λ search: one training run per λ, recorded in a results file as each ends (see
// apps/lab/search_results.h), several runs at a time when asked (apps/lab/job_pool.h). Used by
// `tinymlp search` and the report.
#pragma once

#include <string>
#include <vector>

#include "apps/lab/search_results.h"
#include "apps/lab/training_run.h"
#include "engine/io/cifar10.h"

namespace tinymlp {

struct SearchSettings {
  RunSettings run;  // everything but lambda (n_s already resolved) is shared by all runs
  std::string split = "45k";
  double log_min = -5, log_max = -1;
  int count = 8;
  bool grid = false;
  std::string results;  // the results file; required
  int jobs = 1;         // runs trained at the same time
  int threads = 0;      // threads per run; 0: max(1, cores / jobs)
};

struct SearchOutcome {
  std::vector<SearchRow> rows;  // one per requested λ (finished now or found in the file)
  int ran = 0, skipped = 0;
};

// "auto" -> 2 * floor(n_train / batch) (the course's choice: two epochs per half cycle);
// otherwise a whole number from 1 to 1e8. Throws UsageError saying what is wrong with `text`.
long ParseNs(const std::string& text, long n_train, int batch);

// The rows this search will record, in λ order, without their outcome; validates the λ range and
// count (UsageError) so callers can check flags before loading data.
std::vector<SearchRow> PlanSearch(const SearchSettings& settings);

// Trains every planned setting that the results file does not hold yet and appends each result
// as it finishes. Progress lines go to stderr. Same settings and seed -> the same numbers,
// whatever `jobs` is (each run owns its arena and RNG; the threads only share the data).
SearchOutcome RunSearch(const SearchSettings& settings, const Cifar10& data);

// The two halves of RunSearch, which the distributed search (apps/lab/search_mpi.h) runs in
// different processes: the results file's side on the coordinator, the training on the workers.

// Trains one planned setting on the calling thread's threads and returns the row with its
// outcome filled in. Depends only on the settings, the row and the data (and the thread count).
SearchRow TrainSetting(const SearchSettings& settings, const SearchRow& planned,
                       const Cifar10& data);

// The results file's side of a search: which planned settings are still to run, and recording
// each finished one (appended, the file rewritten atomically, a progress line on stderr). Other
// processes may write the same file at the same time: each read-and-rewrite holds a lock on
// RESULTS.lock, so no row is lost. Not thread-safe within a process: callers serialize Record.
class SearchLedger {
 public:
  // Reads the results file, creating it (and its folder) with just the header when missing.
  SearchLedger(const SearchSettings& settings, std::vector<SearchRow> plan);
  const std::vector<SearchRow>& plan() const { return plan_; }
  const std::vector<size_t>& todo() const { return todo_; }  // indices into plan(), in λ order
  // `row` is a finished plan row; `where` is appended to its progress line (" on rank 2").
  void Record(const SearchRow& row, const std::string& where = "");
  SearchOutcome Outcome() const;  // every planned row found or recorded, in λ order

 private:
  std::string results_;
  std::vector<SearchRow> plan_;
  std::vector<size_t> todo_;
  SearchOutcome out_;
};

}  // namespace tinymlp
