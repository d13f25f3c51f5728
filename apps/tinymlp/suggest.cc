#include "apps/tinymlp/suggest.h"

#include <algorithm>

namespace tinymlp {

int EditDistance(const std::string& a, const std::string& b) {
  const size_t n = a.size(), m = b.size();
  // d[i][j]: edits from a's first i characters to b's first j, kept as three rolling rows.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int substitute = previous[j - 1] + (a[i - 1] != b[j - 1]);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);  // two neighbours swapped
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::string Nearest(const std::string& typed, const std::vector<std::string>& candidates) {
  std::string best;
  int best_distance = 3;  // more than 2 edits is a different word, not a typo
  for (const std::string& c : candidates) {
    const int d = EditDistance(typed, c);
    if (d < best_distance && 2 * d < static_cast<int>(typed.size())) {
      best = c;
      best_distance = d;
    }
  }
  if (!best.empty()) return best;
  // A unique prefix of something longer: an abbreviation, not a typo. "--" alone is no prefix.
  const std::string stem = typed.rfind("--", 0) == 0 ? typed.substr(2) : typed;
  if (stem.size() < 2) return "";
  std::string only;
  for (const std::string& c : candidates) {
    if (c.size() > typed.size() && c.compare(0, typed.size(), typed) == 0) {
      if (!only.empty()) return "";
      only = c;
    }
  }
  return only;
}

}  // namespace tinymlp
