#include "apps/lab/search_results.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "apps/lab/format.h"
#include "apps/lab/metrics_csv.h"
#include "engine/base/rng.h"
#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {
namespace {

constexpr int kColumnsV1 = 15;  // 10 setting columns, 5 outcome columns
constexpr int kColumns = 18;    // 13 setting columns, 5 outcome columns
// best_step is a long: at most 1e12, and 2^31 - 1 where a long has 32 bits (ARM).
const double kMaxBestStep = std::min(1e12, static_cast<double>(std::numeric_limits<long>::max()));

bool ParseWhole(const std::string& field, double lo, double hi, double* v) {
  return ParseDouble(field, v) && *v >= lo && *v <= hi && std::floor(*v) == *v;
}

}  // namespace

std::string SearchResultsHeader() {
  return "lambda,log10_lambda,hidden,split,cycles,n_s,batch,eta_min,eta_max,seed,"
         "batch_norm,init,init_sigma,"
         "best_val_accuracy,best_step,final_val_accuracy,test_accuracy,seconds\n";
}

std::string SearchResultsHeaderV1() {
  return "lambda,log10_lambda,hidden,split,cycles,n_s,batch,eta_min,eta_max,seed,"
         "best_val_accuracy,best_step,final_val_accuracy,test_accuracy,seconds\n";
}

std::string SearchRow::SettingKey() const {
  // hidden may hold commas ("50,30"); it is written with ';' instead.
  std::string h = hidden;
  std::replace(h.begin(), h.end(), ',', ';');
  return FormatNumber("%.9g", lambda) + "," +
         FormatNumber("%.6f", lambda > 0 ? std::log10(lambda) : -99.0) + "," + h + "," + split +
         "," + std::to_string(cycles) + "," + std::to_string(n_s) + "," + std::to_string(batch) +
         "," + FormatNumber("%.9g", eta_min) + "," + FormatNumber("%.9g", eta_max) + "," +
         std::to_string(seed) + "," + (batch_norm ? "1" : "0") + "," + init + "," +
         FormatNumber("%.9g", init_sigma);
}

std::string SearchRow::CsvLine() const {
  return SettingKey() + "," + FormatNumber("%.6f", best_val_accuracy) + "," +
         std::to_string(best_step) + "," + FormatNumber("%.6f", final_val_accuracy) + "," +
         FormatNumber("%.6f", test_accuracy) + "," + FormatNumber("%.3f", seconds) + "\n";
}

std::vector<SearchRow> ParseSearchResults(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::string header = SearchResultsHeader(), header_v1 = SearchResultsHeaderV1();
  header.pop_back();
  header_v1.pop_back();
  if (!std::getline(in, line) || (line != header && line != header_v1)) {
    throw DataError(name + ": line 1 is not the search results header '" + header + "'");
  }
  const bool v1 = line == header_v1;
  const int columns = v1 ? kColumnsV1 : kColumns;
  std::vector<SearchRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> f = SplitCsvLine(line);
    auto bad = [&](const std::string& what) {
      return DataError(name + ": line " + std::to_string(number) + ": " + what + " in '" +
                       line.substr(0, 80) + "'");
    };
    if (static_cast<int>(f.size()) != columns) {
      throw bad(std::to_string(f.size()) + " fields, expected " + std::to_string(columns));
    }
    SearchRow r;
    if (!v1) {  // the three settings of the second version, moved out so both read alike below
      if (f[10] != "0" && f[10] != "1") throw bad("batch_norm is neither 0 nor 1");
      r.batch_norm = f[10] == "1";
      r.init = f[11];
      if (r.init != "xavier" && r.init != "he" && r.init != "normal") {
        throw bad("init is not one of xavier, he, normal");
      }
      if (!ParseDouble(f[12], &r.init_sigma) || r.init_sigma < 0 ||
          (r.init == "normal") != (r.init_sigma > 0)) {
        throw bad("init_sigma is not > 0 with init normal (and 0 otherwise)");
      }
      f.erase(f.begin() + 10, f.begin() + 13);
    }
    double v[kColumnsV1] = {};
    for (int i = 0; i < kColumnsV1; ++i) {
      if (i == 2 || i == 3) continue;  // hidden, split: words
      if (!ParseDouble(f[i], &v[i])) {
        const int column = i + 1 + (!v1 && i >= 10 ? 3 : 0);  // as numbered in the file
        throw bad("field " + std::to_string(column) + " not a number");
      }
    }
    // A float holds them (a double beyond float's range is undefined behaviour to convert).
    for (int i : {0, 7, 8}) {
      if (!(std::fabs(v[i]) <= std::numeric_limits<float>::max())) {
        throw bad("field " + std::to_string(i + 1) + " beyond the range of a float");
      }
    }
    r.lambda = static_cast<float>(v[0]);
    r.hidden = f[2];
    std::replace(r.hidden.begin(), r.hidden.end(), ';', ',');
    r.split = f[3];
    if (r.lambda < 0 || r.hidden.empty() || r.split.empty()) throw bad("invalid setting");
    if (!ParseWhole(f[4], 1, 1e6, &v[4]) || !ParseWhole(f[5], 1, 1e9, &v[5]) ||
        !ParseWhole(f[6], 1, 1e7, &v[6]) || !ParseWhole(f[11], 0, kMaxBestStep, &v[11]) ||
        f[9].empty() || f[9].find_first_not_of("0123456789") != std::string::npos ||
        f[9].size() > 20) {
      throw bad("cycles, n_s, batch, seed or best_step not a whole number in range");
    }
    r.cycles = static_cast<int>(v[4]);
    r.n_s = static_cast<long>(v[5]);
    r.batch = static_cast<int>(v[6]);
    r.eta_min = static_cast<float>(v[7]);
    r.eta_max = static_cast<float>(v[8]);
    errno = 0;
    r.seed = std::strtoull(f[9].c_str(), nullptr, 10);
    if (errno == ERANGE) throw bad("seed out of range");
    r.best_val_accuracy = v[10];
    r.best_step = static_cast<long>(v[11]);
    r.final_val_accuracy = v[12];
    r.test_accuracy = v[13];
    r.seconds = v[14];
    for (int i : {10, 12, 13}) {
      if (v[i] < 0 || v[i] > 1) throw bad("accuracy outside [0, 1]");
    }
    rows.push_back(r);
  }
  return rows;
}

std::vector<SearchRow> ReadSearchResults(const std::string& path) {
  if (!PathExists(path)) return {};
  // A few hundred bytes a run: 256 MiB is far more runs than any search makes.
  const std::vector<uint8_t> bytes =
      ReadFileBytes(path, uint64_t{256} << 20, "search results file");
  return ParseSearchResults(std::string(bytes.begin(), bytes.end()), path);
}

std::vector<SearchRow> BestRows(std::vector<SearchRow> rows, int n) {
  std::stable_sort(rows.begin(), rows.end(), [](const SearchRow& a, const SearchRow& b) {
    if (a.best_val_accuracy != b.best_val_accuracy) {
      return a.best_val_accuracy > b.best_val_accuracy;
    }
    return a.lambda < b.lambda;
  });
  if (static_cast<int>(rows.size()) > n) rows.resize(n);
  return rows;
}

std::vector<double> LambdaLogValues(double log_min, double log_max, int count, bool grid,
                                    unsigned long long seed) {
  if (count < 1) {
    throw UsageError("--count " + std::to_string(count) + ": need at least one setting");
  }
  if (!std::isfinite(log_min) || !std::isfinite(log_max)) {
    throw UsageError("--lambda-log-min " + FormatNumber("%g", log_min) + ", --lambda-log-max " +
                     FormatNumber("%g", log_max) + ": both must be finite numbers");
  }
  if (!(log_min <= log_max)) {
    throw UsageError("--lambda-log-min " + FormatNumber("%g", log_min) +
                     " is larger than --lambda-log-max " + FormatNumber("%g", log_max));
  }
  std::vector<double> values;
  Rng rng(seed ^ 0x6c616d626461ull);  // "lambda": its own stream, apart from the training seed
  for (int i = 0; i < count; ++i) {
    if (grid) {
      values.push_back(count == 1 ? (log_min + log_max) / 2
                                  : log_min + (log_max - log_min) * i / (count - 1));
    } else {
      values.push_back(log_min + (log_max - log_min) * rng.Uniform());
    }
  }
  return values;
}

}  // namespace tinymlp
