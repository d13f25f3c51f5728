#include "apps/lab/format.h"

#include <cstdio>

namespace tinymlp {

std::string FormatNumber(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

std::string Percent(double fraction) { return FormatNumber("%.2f %%", 100 * fraction); }

std::string Seconds(double seconds) { return FormatNumber("%.1f s", seconds); }

std::string Thousands(long count) {
  std::string digits = std::to_string(count < 0 ? -count : count);
  for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
  return (count < 0 ? "-" : "") + digits;
}

}  // namespace tinymlp
