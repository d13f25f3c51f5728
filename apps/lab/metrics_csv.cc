#include "apps/lab/metrics_csv.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "platform/error.h"
#include "platform/files.h"

namespace tinymlp {

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(line.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return fields;
}

bool ParseDouble(const std::string& field, double* value) {
  if (field.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(field.c_str(), &end);
  // The whole field, not up to a NUL byte inside it ("0.1\0garbage" is not a number).
  if (end != field.c_str() + field.size() || errno == ERANGE || !std::isfinite(v)) return false;
  *value = v;
  return true;
}

std::string MetricsCsvHeader() { return std::string(kMetricsCsvColumns) + "\n"; }

std::string MetricsCsvLine(const MetricsRow& r) {
  // %.6f of a finite double can take over 300 characters (a cost of 1e300 before divergence is
  // caught): measure first, so that a line is never cut short.
  auto print = [&r](char* out, size_t size) {
    return std::snprintf(out, size, "%ld,%.4f,%.6g,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", r.step,
                         r.epoch, r.eta, r.train.loss, r.train.cost, r.train.accuracy,
                         r.validation.loss, r.validation.cost, r.validation.accuracy);
  };
  std::string line(static_cast<size_t>(print(nullptr, 0)), '\0');
  print(line.data(), line.size() + 1);
  return line;
}

namespace {
// 2^63 or 2^31: the first whole number a long cannot hold, exact as a double.
const double kLongLimit = -static_cast<double>(std::numeric_limits<long>::min());
}  // namespace

std::vector<MetricsRow> ParseMetricsCsv(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) ||
      (line.empty() ? line : line.substr(0, line.find('\r'))) != kMetricsCsvColumns) {
    throw DataError(name + ": line 1 is not the metrics.csv header '" +
                    std::string(kMetricsCsvColumns) + "'");
  }
  std::vector<MetricsRow> rows;
  for (int number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> f = SplitCsvLine(line);
    double v[9];
    bool ok = f.size() == 9;
    for (int i = 0; ok && i < 9; ++i) ok = ParseDouble(f[i], &v[i]);
    if (!ok) {
      throw DataError(name + ": line " + std::to_string(number) +
                      " is not 9 comma-separated numbers: '" + line.substr(0, 80) + "'");
    }
    // Bounds before the casts: a double beyond long's range (2^31 on 32-bit ARM) or float's
    // is undefined behaviour when converted, not a wrapped value to compare.
    const bool whole = v[0] >= 0 && v[0] < kLongLimit && std::floor(v[0]) == v[0];
    if (!whole || (!rows.empty() && v[0] <= rows.back().step)) {
      throw DataError(name + ": line " + std::to_string(number) + ": step " + f[0] +
                      " is not a whole number above the previous line's");
    }
    if (!(std::fabs(v[2]) <= std::numeric_limits<float>::max())) {
      throw DataError(name + ": line " + std::to_string(number) + ": eta " + f[2] +
                      " is beyond the range of a float");
    }
    MetricsRow r;
    r.step = static_cast<long>(v[0]);
    r.epoch = v[1];
    r.eta = static_cast<float>(v[2]);
    r.train = {v[3], v[4], v[5]};
    r.validation = {v[6], v[7], v[8]};
    rows.push_back(r);
  }
  if (rows.empty()) throw DataError(name + ": no metrics rows after the header");
  return rows;
}

std::vector<MetricsRow> ReadMetricsCsv(const std::string& path) {
  // About 100 bytes a row: 256 MiB is millions of evaluations, more than any run writes.
  const std::vector<uint8_t> bytes = ReadFileBytes(path, uint64_t{256} << 20, "metrics.csv");
  return ParseMetricsCsv(std::string(bytes.begin(), bytes.end()), path);
}

}  // namespace tinymlp
