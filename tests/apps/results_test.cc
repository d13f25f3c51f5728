// The output contract's number formatting (apps/tinymlp/results.h).
#include "apps/tinymlp/results.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace tinymlp {
namespace {

TEST(FormatFixed, RoundsToTheDecimalsAsked) {
  EXPECT_EQ(FormatFixed(0.51666, 4), "0.5167");
  EXPECT_EQ(FormatFixed(-2.5, 0), "-2");  // round half to even, as printf does
}

// A large finite value (a loss of 1e100 just before a run diverges) is printed whole; a 64-byte
// buffer cut it to 63 characters, a different number.
TEST(FormatFixed, PrintsLargeValuesWhole) {
  const std::string text = FormatFixed(1e100, 4);
  EXPECT_EQ(text.size(), 101u + 5u);
  EXPECT_EQ(std::strtod(text.c_str(), nullptr), 1e100);
}

}  // namespace
}  // namespace tinymlp
