// metrics.csv, a training run's curve: one row per metrics point (step, epoch, rate, then loss,
// cost and accuracy on the training and the validation set). Written by RunTraining as the run
// goes, read back by `tinymlp plot`.
#pragma once

#include <string>
#include <vector>

#include "engine/train/trainer.h"

namespace tinymlp {

constexpr const char* kMetricsCsvColumns =
    "step,epoch,eta,train_loss,train_cost,train_accuracy,val_loss,val_cost,val_accuracy";

// The file's text: the header line (kMetricsCsvColumns), then one line per row: the step, the
// epoch with 4 decimals, the rate with 6 significant digits, the six measures with 6 decimals.
std::string MetricsCsvHeader();
std::string MetricsCsvLine(const MetricsRow& row);

// Parses the text of a metrics.csv: the exact header of MetricsCsvHeader(), then rows of nine
// numbers with increasing steps. Throws DataError naming `name` and the line on anything else
// (missing or wrong header, wrong field count, a field that is not a number, no rows).
std::vector<MetricsRow> ParseMetricsCsv(const std::string& text, const std::string& name);
std::vector<MetricsRow> ReadMetricsCsv(const std::string& path);

// Splits one CSV line at commas (no quoting: every tinymlp CSV holds numbers and plain words).
std::vector<std::string> SplitCsvLine(const std::string& line);
// Whole-field number parse; false on empty, trailing junk, or non-finite values.
bool ParseDouble(const std::string& field, double* value);

}  // namespace tinymlp
