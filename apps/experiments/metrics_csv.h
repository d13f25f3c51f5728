// Reading metrics.csv back (training_run.cc writes it): the curves `tinymlp plot` draws.
#pragma once

#include <string>
#include <vector>

#include "engine/train/trainer.h"

namespace tinymlp {

// Parses the text of a metrics.csv: the exact header of MetricsCsvHeader(), then rows of nine
// numbers with increasing steps. Throws DataError naming `name` and the line on anything else
// (missing or wrong header, wrong field count, a field that is not a number, no rows).
std::vector<MetricsRow> ParseMetricsCsv(const std::string& text, const std::string& name);
std::vector<MetricsRow> ReadMetricsCsv(const std::string& path);

// The header training_run.cc writes (kept here too so a reader can check it without linking the
// training code).
constexpr const char* kMetricsCsvColumns =
    "step,epoch,eta,train_loss,train_cost,train_accuracy,val_loss,val_cost,val_accuracy";

// Splits one CSV line at commas (no quoting: every tinymlp CSV holds numbers and plain words).
std::vector<std::string> SplitCsvLine(const std::string& line);
// Whole-field number parse; false on empty, trailing junk, or non-finite values.
bool ParseDouble(const std::string& field, double* value);

}  // namespace tinymlp
