// The one output contract of every subcommand: a command collects its results in a Results (keys
// in the order added, numbers rounded to what they mean) and prints them once, either as
// `key=value` lines (the default) or, with --json, as one JSON document on stdout. The same thing
// has the same key in every command (README "Output" lists them): test_accuracy, val_accuracy,
// train_seconds, wrote, ...
//
// A number is rounded once, here, to the decimals its meaning deserves (an accuracy to 4, seconds
// to 3, a probability to 4), and both forms show that rounded value: `test_accuracy=0.5170` and
// "test_accuracy": 0.517, never 0.5169999... Quantities that span decades (a relative error, λ)
// keep significant digits instead (AddSignificant).
//
// Lists of records (per image, per class, per parameter) are rows: in JSON an array of objects,
// in text one line per row, `key: a=1 b=x`, whose values are space-free (a row nested in a row
// is written `key=v1:v2,v1:v2`). Strings such as file names may be any bytes: text mode prints
// them as they are; JSON replaces bytes that are not UTF-8 with U+FFFD (nlohmann's
// error_handler_t::replace), so a strange file name never breaks the document.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tinymlp {

class Results {
 public:
  // A number rounded to `decimals` places after the point.
  Results& Add(const std::string& key, double value, int decimals);
  // A number kept to at most `digits` significant digits, printf's %g (0.00115, 1.234e-07).
  Results& AddSignificant(const std::string& key, double value, int digits);
  // A whole number (int64_t is long or long long, depending on the target).
  Results& Add(const std::string& key, int value) { return AddInteger(key, value); }
  Results& Add(const std::string& key, long value) { return AddInteger(key, value); }
  Results& Add(const std::string& key, long long value) { return AddInteger(key, value); }
  Results& Add(const std::string& key, const std::string& value);
  Results& Add(const std::string& key, const char* value) { return Add(key, std::string(value)); }
  Results& Add(const std::string& key, bool value);
  // A list of strings: a JSON array; in text one `key=item` line per item at the top level,
  // items joined by commas inside a row.
  Results& AddList(const std::string& key, const std::vector<std::string>& items);
  // A list of whole numbers (a row of counts): a JSON array; in text, joined by commas.
  Results& AddCounts(const std::string& key, const std::vector<int64_t>& counts);
  // A list of records (see the head comment).
  Results& AddRows(const std::string& key, const std::vector<Results>& rows);
  // A matrix of counts, row-major, one row per label: in JSON an array of arrays (numpy's
  // np.array(doc[key]) is the matrix); in text one line per row, `key: row=LABEL counts=1,2,3`.
  Results& AddMatrix(const std::string& key, const std::vector<int64_t>& counts,
                     const std::vector<std::string>& row_labels);

  const nlohmann::ordered_json& json() const { return json_; }
  // The text form: `key=value` lines (rows as `key: a=1 b=2` lines), each ending in '\n'.
  std::string Text() const;
  // The JSON form, on one line, without a trailing newline.
  std::string Json() const;
  // Prints Json() or Text() on stdout and flushes it.
  void Print(bool as_json) const;

 private:
  // One entry of the text form: its key, its value as text, and how it prints.
  enum class Kind { kScalar, kList, kRows };
  struct Entry {
    std::string key;
    Kind kind = Kind::kScalar;
    std::vector<std::string> values;   // one for a scalar; the items of a list; a row's line
    std::vector<std::string> compact;  // rows: each row's Compact(), for a row nested in a row
  };
  // The entries as `k=v` words on one line (a row's form).
  std::string Inline() const;
  // The entries' values joined by ':' (a row nested in a row).
  std::string Compact() const;
  Results& AddText(const std::string& key, std::string text);
  Results& AddInteger(const std::string& key, long long value);

  nlohmann::ordered_json json_ = nlohmann::ordered_json::object();
  std::vector<Entry> entries_;
};

// "%.*f" of `value`: what Results::Add shows (exposed for messages that quote a result).
std::string FormatFixed(double value, int decimals);

}  // namespace tinymlp
