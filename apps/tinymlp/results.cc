// Results: one builder for both output forms (see results.h), so that the text and the JSON of a
// command always hold the same keys and the same rounded numbers.
#include "apps/tinymlp/results.h"

#include <cstdio>
#include <cstdlib>

namespace tinymlp {
namespace {

// The JSON number of a formatted value: parsing the printed digits gives the double nearest to
// them, which nlohmann writes back as those digits (shortest round trip), so JSON shows exactly
// the rounded value the text shows. NaN and infinities become null, as JSON has neither.
nlohmann::ordered_json NumberOf(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0') return nullptr;
  return v;
}

}  // namespace

std::string FormatFixed(double value, int decimals) {
  // Measured first: %f of a large finite value (a loss of 1e100) is longer than any fixed buffer.
  std::string text(static_cast<size_t>(std::snprintf(nullptr, 0, "%.*f", decimals, value)), '\0');
  std::snprintf(text.data(), text.size() + 1, "%.*f", decimals, value);
  return text;
}

Results& Results::AddText(const std::string& key, std::string text) {
  entries_.push_back({key, Kind::kScalar, {std::move(text)}, {}});
  return *this;
}

Results& Results::Add(const std::string& key, double value, int decimals) {
  const std::string text = FormatFixed(value, decimals);
  json_[key] = NumberOf(text);
  return AddText(key, text);
}

Results& Results::AddSignificant(const std::string& key, double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.*g", digits, value);
  json_[key] = NumberOf(buffer);
  return AddText(key, buffer);
}

Results& Results::AddInteger(const std::string& key, long long value) {
  json_[key] = value;
  return AddText(key, std::to_string(value));
}

Results& Results::Add(const std::string& key, const std::string& value) {
  json_[key] = value;
  return AddText(key, value);
}

Results& Results::Add(const std::string& key, bool value) {
  json_[key] = value;
  return AddText(key, value ? "true" : "false");
}

Results& Results::AddList(const std::string& key, const std::vector<std::string>& items) {
  json_[key] = items;
  entries_.push_back({key, Kind::kList, items, {}});
  return *this;
}

Results& Results::AddCounts(const std::string& key, const std::vector<int64_t>& counts) {
  json_[key] = counts;
  std::string text;
  for (size_t i = 0; i < counts.size(); ++i) text += (i ? "," : "") + std::to_string(counts[i]);
  return AddText(key, text);
}

Results& Results::AddRows(const std::string& key, const std::vector<Results>& rows) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  Entry entry{key, Kind::kRows, {}, {}};
  for (const Results& row : rows) {
    array.push_back(row.json_);
    entry.values.push_back(row.Inline());
  }
  json_[key] = std::move(array);
  for (const Results& row : rows) entry.compact.push_back(row.Compact());
  entries_.push_back(std::move(entry));
  return *this;
}

Results& Results::AddMatrix(const std::string& key, const std::vector<int64_t>& counts,
                            const std::vector<std::string>& row_labels) {
  const size_t rows = row_labels.size(), columns = rows ? counts.size() / rows : 0;
  std::vector<Results> text_rows(rows);
  nlohmann::ordered_json matrix = nlohmann::ordered_json::array();
  for (size_t r = 0; r < rows; ++r) {
    const std::vector<int64_t> row(counts.begin() + r * columns,
                                   counts.begin() + (r + 1) * columns);
    text_rows[r].Add("row", row_labels[r]).AddCounts("counts", row);
    matrix.push_back(row);
  }
  AddRows(key, text_rows);
  json_[key] = std::move(matrix);  // the same key, now the plain matrix
  return *this;
}

std::string Results::Inline() const {
  std::string line;
  for (const Entry& e : entries_) {
    if (!line.empty()) line += ' ';
    line += e.key + '=';
    if (e.kind == Kind::kScalar) {
      line += e.values[0];
    } else if (e.kind == Kind::kList) {
      for (size_t i = 0; i < e.values.size(); ++i) line += (i ? "," : "") + e.values[i];
    } else {  // nested rows: their compact forms
      for (size_t i = 0; i < e.compact.size(); ++i) line += (i ? "," : "") + e.compact[i];
    }
  }
  return line;
}

std::string Results::Compact() const {
  std::string text;
  for (const Entry& e : entries_) {
    if (e.kind != Kind::kScalar) continue;  // a nested row keeps its scalars only
    text += (text.empty() ? "" : ":") + e.values[0];
  }
  return text;
}

std::string Results::Text() const {
  std::string text;
  for (const Entry& e : entries_) {
    if (e.kind == Kind::kScalar) {
      text += e.key + '=' + e.values[0] + '\n';
    } else if (e.kind == Kind::kList) {
      for (const std::string& v : e.values) text += e.key + '=' + v + '\n';
    } else {
      for (const std::string& v : e.values) text += e.key + ": " + v + '\n';
    }
  }
  return text;
}

std::string Results::Json() const {
  return json_.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void Results::Print(bool as_json) const {
  const std::string out = as_json ? Json() + '\n' : Text();
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace tinymlp
