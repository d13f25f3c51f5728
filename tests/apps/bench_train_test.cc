// `tinymlp bench-train`: its result line on synthetic data, and its one-line errors for bad
// flags (exit 2) and missing data (exit 1). Timings are printed, never checked.
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunOutput;
using testing::RunTinymlp;
using testing::TempDir;

TEST(BenchTrain, PrintsStepTimeGflopsAndEvalTime) {
  TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 120);
  const RunOutput r = RunTinymlp("bench-train --data " + dir.path() +
                                 " --split 10k --batch 20 --steps 5 --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex lines(
      R"((^|\n)ms_per_step=[0-9.]+\ngflops=[0-9.]+\nms_mean_per_step=[0-9.]+\neval_ms=[0-9.]+\n)"
      R"(solo_job_share=0\.0000\n$)");  // one thread: no team, nothing run alone
  EXPECT_TRUE(std::regex_search(r.out, lines)) << r.out;
}

// --breakdown adds one key per phase that ran: on the default 3072-50-10 network with plain SGD,
// the gather, both layers' products, the ReLU, the softmax (the update is fused into the
// backward products, so no update key); without --breakdown none of them.
TEST(BenchTrain, BreakdownNamesEveryPhaseOfTheStep) {
  TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 120);
  const std::string command =
      "bench-train --data " + dir.path() + " --split 10k --batch 20 --steps 3 --threads 1";
  const RunOutput plain = RunTinymlp(command);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("breakdown_"), std::string::npos) << plain.out;
  const RunOutput r = RunTinymlp(command + " --breakdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* key :
       {"breakdown_gather_ms=", "breakdown_linear_forward_1_ms=", "breakdown_linear_forward_2_ms=",
        "breakdown_relu_dropout_1_ms=", "breakdown_softmax_2_ms=",
        "breakdown_linear_backward_1_ms=", "breakdown_linear_backward_2_ms="}) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string("(^|\n)") + key + "[0-9.]+\n")))
        << key << " in\n"
        << r.out;
  }
}

TEST(BenchTrain, RejectsBadFlagsWithUsageError) {
  TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 20);
  struct Case {
    std::string flags, mentions;
  };
  for (const Case& c :
       {Case{"--steps 0", "--steps"}, Case{"--batch 0", "--batch"}, Case{"--hidden 50,,3", "50,,3"},
        Case{"--split 7k", "--split"}, Case{"--batch 500", "--batch 500"}}) {
    const RunOutput r = RunTinymlp("bench-train --data " + dir.path() + " --split 10k " + c.flags);
    EXPECT_EQ(r.exit_code, 2) << c.flags << ": " << r.err;
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << c.flags << ": " << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  }
}

TEST(BenchTrain, MissingDataIsADataError) {
  TempDir dir;
  const RunOutput r = RunTinymlp("bench-train --data " + dir.File("nowhere"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tinymlp
