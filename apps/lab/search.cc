#include "apps/lab/search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <utility>

#include "apps/lab/format.h"
#include "apps/lab/job_pool.h"
#include "platform/error.h"
#include "platform/files.h"
#include "platform/interrupt.h"
#include "platform/threads.h"

namespace tinymlp {

long ParseNs(const std::string& text, long n_train, int batch) {
  if (text == "auto") return std::max(1L, 2 * (n_train / batch));
  char* end = nullptr;
  const long v = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < 1 || v > 100000000L) {
    throw UsageError("'" + text + "' is neither 'auto' nor a whole number from 1 to 1e8");
  }
  return v;
}

std::vector<SearchRow> PlanSearch(const SearchSettings& s) {
  const std::vector<double> logs =
      LambdaLogValues(s.log_min, s.log_max, s.count, s.grid, s.run.seed);
  std::vector<SearchRow> plan;
  std::set<std::string> seen;
  for (double lg : logs) {
    SearchRow r;
    r.lambda = static_cast<float>(std::pow(10.0, lg));
    r.hidden = s.run.hidden;
    r.split = s.split;
    r.cycles = s.run.cycles;
    r.n_s = s.run.n_s;
    r.batch = s.run.batch;
    r.eta_min = s.run.eta_min;
    r.eta_max = s.run.eta_max;
    r.seed = s.run.seed;
    r.batch_norm = s.run.batch_norm;
    r.init = InitName(s.run);
    r.init_sigma = r.init == "normal" ? s.run.init_sigma : 0;
    if (!std::isfinite(r.lambda)) {  // 10^38.6 and beyond overflow a float
      throw UsageError("--lambda-log-max " + FormatNumber("%g", s.log_max) + ": lambda = 10^" +
                       FormatNumber("%g", lg) + " is beyond the largest float (about 3.4e38)");
    }
    // Every row must be one a rerun can read back: refused now, not after it trained.
    try {
      ParseSearchResults(SearchResultsHeader() + r.CsvLine(), s.results);
    } catch (const Error& e) {
      throw UsageError(std::string("these settings would record a row the results file cannot "
                                   "hold: ") +
                       e.what());
    }
    if (seen.insert(r.SettingKey()).second) plan.push_back(r);
  }
  std::sort(plan.begin(), plan.end(),
            [](const SearchRow& a, const SearchRow& b) { return a.lambda < b.lambda; });
  return plan;
}

SearchRow TrainSetting(const SearchSettings& s, const SearchRow& planned, const Cifar10& data) {
  SearchRow row = planned;
  RunSettings run = s.run;
  run.lambda = row.lambda;
  run.out.clear();
  run.progress = false;
  const RunResult result = RunTraining(run, data);
  if (result.interrupted != 0) {  // RunSearch says what was kept
    throw InterruptedError(result.interrupted, "interrupted");
  }
  row.final_val_accuracy = result.validation.accuracy;
  row.best_val_accuracy = result.validation.accuracy;
  row.best_step = result.steps;
  for (const MetricsRow& m : result.metrics) {
    if (m.validation.accuracy > row.best_val_accuracy) {
      row.best_val_accuracy = m.validation.accuracy;
      row.best_step = m.step;
    }
  }
  row.test_accuracy = result.test.accuracy;
  row.seconds = result.train_seconds;
  return row;
}

namespace {

// Serializes the processes that write one results file (two `search` runs started on the same
// --results, say): each reads the file and writes it back whole under this lock, so none
// overwrites the rows another recorded since it last read. The lock is a file beside the results
// (RESULTS.lock), left in place, because the results file itself is replaced on every write.
std::string LockPath(const std::string& results) { return results + ".lock"; }

std::string ResultsText(const std::vector<SearchRow>& rows) {
  std::string text = SearchResultsHeader();
  for (const SearchRow& r : rows) text += r.CsvLine();
  return text;
}

}  // namespace

SearchLedger::SearchLedger(const SearchSettings& s, std::vector<SearchRow> plan)
    : results_(s.results), plan_(std::move(plan)) {
  const size_t slash = results_.find_last_of('/');
  if (slash != std::string::npos && slash > 0) MakeDirectories(results_.substr(0, slash));
  std::vector<SearchRow> existing;
  {
    const FileLock lock(LockPath(results_));
    existing = ReadSearchResults(results_);
    if (existing.empty()) WriteFileAtomic(results_, ResultsText(existing));
  }
  for (size_t i = 0; i < plan_.size(); ++i) {
    auto done = std::find_if(existing.begin(), existing.end(), [&](const SearchRow& e) {
      return e.SettingKey() == plan_[i].SettingKey();
    });
    if (done != existing.end()) {
      out_.rows.push_back(*done);
      ++out_.skipped;
    } else {
      todo_.push_back(i);
    }
  }
  if (out_.skipped > 0) {
    std::fprintf(stderr, "search: %d of %zu settings already in %s, skipping them\n", out_.skipped,
                 plan_.size(), results_.c_str());
  }
}

void SearchLedger::Record(const SearchRow& row, const std::string& where) {
  {
    const FileLock lock(LockPath(results_));
    // Read again under the lock: another search may have recorded rows since. A setting it has
    // recorded too keeps its first row (the same settings and seed give the same numbers).
    std::vector<SearchRow> rows = ReadSearchResults(results_);
    const bool recorded = std::any_of(rows.begin(), rows.end(), [&](const SearchRow& r) {
      return r.SettingKey() == row.SettingKey();
    });
    if (!recorded) {
      rows.push_back(row);
      WriteFileAtomic(results_, ResultsText(rows));
    }
  }
  out_.rows.push_back(row);
  ++out_.ran;
  std::fprintf(stderr,
               "search: [%d/%zu] lambda=%.3e (log10 %.3f): best validation accuracy %.4f "
               "at step %ld, %.1f s%s\n",
               out_.ran, todo_.size(), row.lambda, std::log10(row.lambda), row.best_val_accuracy,
               row.best_step, row.seconds, where.c_str());
}

SearchOutcome SearchLedger::Outcome() const {
  SearchOutcome out = out_;
  std::sort(out.rows.begin(), out.rows.end(),
            [](const SearchRow& a, const SearchRow& b) { return a.lambda < b.lambda; });
  return out;
}

SearchOutcome RunSearch(const SearchSettings& s, const Cifar10& data) {
  // Ctrl-C or SIGTERM stops every run in progress after its current step (their work is
  // dropped: a run without a folder has no checkpoint); the finished ones are in the file.
  InterruptScope interrupts;
  SearchLedger ledger(s, PlanSearch(s));
  const std::vector<size_t>& todo = ledger.todo();
  const int jobs = std::max(1, std::min<int>(s.jobs, static_cast<int>(todo.size())));
  const int threads = s.threads > 0 ? s.threads : std::max(1, HardwareThreads() / jobs);
  std::mutex mutex;  // guards the ledger (the results file)
  try {
    RunJobs(todo.size(), jobs, threads, [&](size_t i) {
      const SearchRow row = TrainSetting(s, ledger.plan()[todo[i]], data);
      std::lock_guard<std::mutex> lock(mutex);
      ledger.Record(row);
    });
  } catch (const Error& e) {
    const int signal = PendingInterrupt();
    if (signal == 0) throw;
    const SearchOutcome kept = ledger.Outcome();
    throw InterruptedError(signal, "search interrupted (" + std::string(InterruptName(signal)) +
                                       "): " + std::to_string(kept.rows.size()) + " of " +
                                       std::to_string(ledger.plan().size()) + " settings are in " +
                                       s.results + "; run the same command to train the others");
  }
  return ledger.Outcome();
}

}  // namespace tinymlp
