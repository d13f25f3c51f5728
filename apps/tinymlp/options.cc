#include "apps/tinymlp/options.h"

#include <cstdio>

namespace tinymlp {

void PrintResult(const std::string& key, double value, int decimals) {
  std::printf("%s=%.*f\n", key.c_str(), decimals, value);
  std::fflush(stdout);
}

}  // namespace tinymlp
