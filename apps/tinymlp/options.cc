#include "apps/tinymlp/options.h"

#include <cstdio>
#include <cstdlib>

#include "platform/error.h"

namespace tinymlp {

std::vector<int> ParseHiddenLayers(const std::string& text) {
  if (text == "0") return {};
  std::vector<int> widths;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string field =
        text.substr(start, comma == std::string::npos ? comma : comma - start);
    char* end = nullptr;
    const long width = field.empty() ? 0 : std::strtol(field.c_str(), &end, 10);
    if (field.empty() || *end != '\0' || width < 1 || width > 65536) {
      throw UsageError("--hidden: '" + text +
                       "' is not a list of widths from 1 to 65536 (e.g. 50 or " +
                       "50,30,20; 0 alone means no hidden layer)");
    }
    widths.push_back(static_cast<int>(width));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return widths;
}

void PrintResult(const std::string& key, double value, int decimals) {
  std::printf("%s=%.*f\n", key.c_str(), decimals, value);
  std::fflush(stdout);
}

}  // namespace tinymlp
