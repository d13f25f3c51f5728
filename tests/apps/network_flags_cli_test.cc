// Bad input for the network and optimizer flags (hidden layers, dropout, augmentation, optimizer,
// schedule, init), through the real binary: each case exits with the documented
// code (2 usage, 1 data) and one line on stderr naming the flag or file. None reads the data set
// (flags are checked first), so these need no CIFAR-10.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "engine/io/model_file.h"
#include "platform/files.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

struct Result {
  int code = -1;
  std::string output;  // stdout, then stderr
};

// The checks below look at everything the command printed, whichever stream it went to.
Result RunCli(const std::string& args) {
  const testing::RunOutput r = testing::RunTinymlp(args);
  return {r.exit_code, r.out + r.err};
}

void ExpectUsageError(const std::string& flags, const std::string& names) {
  const Result r = RunCli("train --data /nonexistent/cifar --out '' " + flags);
  EXPECT_EQ(r.code, 2) << flags << ": " << r.output;
  EXPECT_NE(r.output.find("error: " + names), std::string::npos) << flags << ": " << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "not one line: " << r.output;
}

TEST(NetworkFlagsCli, BadHiddenLayers) {
  ExpectUsageError("--hidden 50,,20", "--hidden");
  ExpectUsageError("--hidden 0,50", "--hidden: '0,50' is not a list of widths");
}

TEST(NetworkFlagsCli, BadDropout) {
  ExpectUsageError("--dropout 1.0", "--dropout");
  ExpectUsageError("--dropout -0.1", "--dropout");
}

TEST(NetworkFlagsCli, BadAugment) {
  ExpectUsageError("--augment translate:99", "--augment");
  ExpectUsageError("--augment rotate", "--augment: 'rotate' ");
}

TEST(NetworkFlagsCli, BadOptimizerScheduleInit) {
  // The engine's parser says what is wrong with the value; the command line adds the flag.
  ExpectUsageError("--optimizer adagrad",
                   "--optimizer: 'adagrad' is not one of sgd, momentum, nesterov, adam");
  ExpectUsageError("--split 12k", "--split: '12k' is not one of 10k, 45k, 49k");
  ExpectUsageError("--schedule step", "--schedule: 'step' is not one of");
  ExpectUsageError("--schedule constant", "--schedule constant needs --eta");
  ExpectUsageError("--init normal", "--init normal needs --init-sigma");
  ExpectUsageError("--init lecun", "--init: 'lecun' is not one of he, xavier, normal");
  ExpectUsageError("--bn-alpha 1.5", "--bn-alpha");
}

TEST(NetworkFlagsCli, GradcheckRejectsBadHidden) {
  const Result r = RunCli("gradcheck --hidden 50,,20 --batch-norm");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("--hidden"), std::string::npos) << r.output;
}

// The command prints one line per parameter (W, gamma, beta per hidden layer; W, b last) and
// the largest relative error, below 1e-6 for a 4-layer batch-norm network.
TEST(NetworkFlagsCli, GradcheckFourLayerBatchNorm) {
  const Result r = RunCli("gradcheck --hidden 10,8,6 --batch-norm --lambda 0.01");
  ASSERT_EQ(r.code, 0) << r.output;
  for (const char* name : {"W1 ", "gamma1 ", "beta1 ", "gamma3 ", "beta3 ", "W4 ", "b4 "}) {
    EXPECT_NE(r.output.find(name), std::string::npos) << name << " missing: " << r.output;
  }
  EXPECT_EQ(r.output.find("b1 "), std::string::npos) << r.output;
  const size_t at = r.output.rfind("\nmax_rel_error=");
  ASSERT_NE(at, std::string::npos) << r.output;
  EXPECT_LT(std::stod(r.output.substr(at + 15)), 1e-6) << r.output;
}

TEST(NetworkFlagsCli, ModelWithMissingBatchNormSection) {
  // A batch-norm model (flags bit 0) whose batch-norm section is missing.
  Model model;
  model.shape.hidden = {5};
  model.norm.mean.assign(model.shape.input, 0.0f);
  model.norm.inv_std.assign(model.shape.input, 1.0f);
  model.w = {std::vector<float>(5 * 3072, 0.01f), std::vector<float>(10 * 5, 0.01f)};
  model.b = {std::vector<float>(5), std::vector<float>(10)};
  std::vector<uint8_t> bytes = EncodeModel(model);
  bytes[4 * 6] = 1;  // flags word after magic, version, D, K, h, one width
  const std::string path = ::testing::TempDir() + "/network_flags_missing_bn.tmlp";
  WriteFileAtomic(path, bytes.data(), bytes.size());
  const Result r = RunCli("eval --model " + path + " --data /nonexistent/cifar");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find(path), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("batch-norm section"), std::string::npos) << r.output;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tinymlp
