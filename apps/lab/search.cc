#include "apps/lab/search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "apps/lab/job_pool.h"
#include "platform/error.h"
#include "platform/files.h"
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
    if (seen.insert(r.SettingKey()).second) plan.push_back(r);
  }
  std::sort(plan.begin(), plan.end(),
            [](const SearchRow& a, const SearchRow& b) { return a.lambda < b.lambda; });
  return plan;
}

SearchOutcome RunSearch(const SearchSettings& s, const Cifar10& data) {
  const std::vector<SearchRow> plan = PlanSearch(s);
  std::vector<SearchRow> existing = ReadSearchResults(s.results);
  std::string file_text = SearchResultsHeader();
  for (const SearchRow& r : existing) file_text += r.CsvLine();

  SearchOutcome out;
  std::vector<SearchRow> todo;
  for (const SearchRow& p : plan) {
    auto done = std::find_if(existing.begin(), existing.end(),
                             [&](const SearchRow& e) { return e.SettingKey() == p.SettingKey(); });
    if (done != existing.end()) {
      out.rows.push_back(*done);
      ++out.skipped;
    } else {
      todo.push_back(p);
    }
  }
  if (out.skipped > 0) {
    std::fprintf(stderr, "search: %d of %zu settings already in %s, skipping them\n", out.skipped,
                 plan.size(), s.results.c_str());
  }
  const size_t slash = s.results.find_last_of('/');
  if (slash != std::string::npos && slash > 0) MakeDirectories(s.results.substr(0, slash));
  if (existing.empty()) WriteFileAtomic(s.results, file_text);

  const int jobs = std::max(1, std::min<int>(s.jobs, static_cast<int>(todo.size())));
  const int threads = s.threads > 0 ? s.threads : std::max(1, HardwareThreads() / jobs);
  std::mutex mutex;  // guards file_text, out and the results file
  RunJobs(todo.size(), jobs, threads, [&](size_t i) {
    SearchRow row = todo[i];
    RunSettings run = s.run;
    run.lambda = row.lambda;
    run.out.clear();
    run.progress = false;
    const RunResult result = RunTraining(run, data);
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
    std::lock_guard<std::mutex> lock(mutex);
    file_text += row.CsvLine();
    WriteFileAtomic(s.results, file_text);
    out.rows.push_back(row);
    ++out.ran;
    std::fprintf(stderr,
                 "search: [%d/%zu] lambda=%.3e (log10 %.3f): best validation accuracy %.4f "
                 "at step %ld, %.1f s\n",
                 out.ran, todo.size(), row.lambda, std::log10(row.lambda), row.best_val_accuracy,
                 row.best_step, row.seconds);
  });
  std::sort(out.rows.begin(), out.rows.end(),
            [](const SearchRow& a, const SearchRow& b) { return a.lambda < b.lambda; });
  return out;
}

}  // namespace tinymlp
