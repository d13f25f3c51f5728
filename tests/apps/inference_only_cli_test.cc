// The inference-only build (TINYMLP_INFERENCE_ONLY) through its binary: each command it leaves
// out is still a known name that fails with one line saying so (exit 2, the usage code) rather
// than CLI11's "A subcommand is required", whatever flags follow; --help and info describe this
// build. Only that build registers this test.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunOutput;
using testing::RunTinymlp;

const char* const kLeftOut[] = {"train",       "gradcheck", "search", "report",
                                "bench-train", "plot",      "weights"};

TEST(InferenceOnlyCli, LeftOutCommandsSaySo) {
  for (const char* name : kLeftOut) {
    for (const std::string flags :
         {"", " --data /nonexistent/cifar --n-s 3", " --help", " x.csv"}) {
      SCOPED_TRACE(name + flags);
      const RunOutput r = RunTinymlp(name + flags);
      EXPECT_EQ(r.exit_code, 2) << r.err;
      EXPECT_EQ(r.out, "");
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
      const std::string expected = std::string("tinymlp: error: '") + name +
                                   "' is not in this inference-only build (it predicts, "
                                   "evaluates and prints info); build without "
                                   "TINYMLP_INFERENCE_ONLY to use it (see tinymlp --help)\n";
      EXPECT_EQ(r.err, expected);
    }
  }
}

TEST(InferenceOnlyCli, HelpListsOnlyWhatIsBuilt) {
  const RunOutput help = RunTinymlp("--help");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const char* name : {"info", "eval", "predict"})
    EXPECT_NE(help.out.find(std::string("\n  ") + name + " "), std::string::npos) << help.out;
  for (const char* name : kLeftOut)
    EXPECT_EQ(help.out.find(std::string("\n  ") + name + " "), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("Inference-only build"), std::string::npos) << help.out;

  const RunOutput info = RunTinymlp("info");
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("build=inference-only\n"), std::string::npos) << info.out;
}

TEST(InferenceOnlyCli, UnknownCommandIsStillAUsageError) {
  const RunOutput r = RunTinymlp("trian");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err.find("inference-only"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tinymlp
