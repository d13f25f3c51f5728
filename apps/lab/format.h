// Numbers as the lab writes them into reports, logs and CSV files: one printf conversion at a
// time, percentages and seconds. The one place those formats live, so a table cell, a log line
// and a results file say the same value the same way.
#pragma once

#include <string>

namespace tinymlp {

// `format` holds exactly one floating-point conversion ("%.3e", "%g", "lambda=%.4f"); the
// result is truncated at 63 characters.
std::string FormatNumber(const char* format, double value);

// A fraction as a percentage with two decimals: 0.51234 -> "51.23 %".
std::string Percent(double fraction);

// A duration: 12.345 -> "12.3 s".
std::string Seconds(double seconds);

// Comma-separated thousands, for counts in prose: 49000 -> "49,000".
std::string Thousands(long count);

}  // namespace tinymlp
