// The λ-search results file: one CSV row per finished training run, so an interrupted search
// keeps what it finished and a rerun skips those settings.
//
//   lambda,log10_lambda,hidden,split,cycles,n_s,batch,eta_min,eta_max,seed,
//   batch_norm,init,init_sigma,
//   best_val_accuracy,best_step,final_val_accuracy,test_accuracy,seconds
//
// The first thirteen columns are the setting; a rerun treats a setting as done when a row with
// the same text in those columns exists (lambda is written with 9 significant digits, so the
// text of a float round-trips). Files written before batch_norm, init and init_sigma existed
// (the same header without those three columns) still parse, as plain networks with the default
// initialization, which is what trained them; the next rewrite adds the three columns. The file is
// rewritten whole through WriteFileAtomic after each run: a kill at any moment leaves either the
// previous or the new complete file, never a torn last line, and rows are a few dozen, so rewriting
// costs nothing.
#pragma once

#include <string>
#include <vector>

namespace tinymlp {

struct SearchRow {
  float lambda = 0;
  std::string hidden = "50";
  std::string split = "45k";
  int cycles = 2;
  long n_s = 900;
  int batch = 100;
  float eta_min = 1e-5f, eta_max = 0.1f;
  unsigned long long seed = 1;
  bool batch_norm = false;
  std::string init = "xavier";  // the initialization actually used: xavier, he or normal
  double init_sigma = 0;        // with normal
  // Outcome.
  double best_val_accuracy = 0;
  long best_step = 0;
  double final_val_accuracy = 0;
  double test_accuracy = 0;
  double seconds = 0;

  // The setting columns as written, the key that says whether a run is done.
  std::string SettingKey() const;
  std::string CsvLine() const;  // with the trailing newline
};

std::string SearchResultsHeader();  // with the trailing newline
// The first version's header (no batch_norm, init, init_sigma), still accepted when reading.
std::string SearchResultsHeaderV1();

// Parses a results file's text (either header); throws DataError naming `name` and the line when
// the header is not ours, a row has the wrong field count, or a field is not a valid value.
std::vector<SearchRow> ParseSearchResults(const std::string& text, const std::string& name);
// Reads `path`; a missing file is an empty result list (a fresh search).
std::vector<SearchRow> ReadSearchResults(const std::string& path);

// The best `n` rows by best validation accuracy (ties: smaller lambda first).
std::vector<SearchRow> BestRows(std::vector<SearchRow> rows, int n);

// `count` values of log10(lambda) in [log_min, log_max]: evenly spaced (grid, both ends included;
// one value: the middle), or uniform at random from `seed` (the same seed gives the same values,
// which is what lets a rerun find its finished runs). Throws UsageError if log_min > log_max or
// count < 1.
std::vector<double> LambdaLogValues(double log_min, double log_max, int count, bool grid,
                                    unsigned long long seed);

}  // namespace tinymlp
