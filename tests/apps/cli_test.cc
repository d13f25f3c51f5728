// The tinymlp command line as a user meets it: results on stdout, and for every kind of bad
// input one line on stderr, exit code 2 (usage) or 1 (data), and no output file left behind.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "platform/files.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunTinymlp;
using testing::TempDir;

// Asserts the shape of an error: exit code, one stderr line containing `needle`.
void ExpectError(const testing::RunOutput& r, int code, const std::string& needle) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "mentions '" << needle << "': " << r.err;
  EXPECT_EQ(r.err.rfind("tinymlp: error: ", 0), 0u) << r.err;
}

std::string LastLine(const std::string& text) {
  const size_t end = text.find_last_not_of('\n');
  if (end == std::string::npos) return "";
  const size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1,
                     end - (start == std::string::npos ? 0 : start + 1) + 1);
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::WriteRandomCifarDir(data_.path(), 300); }
  // `train` on the synthetic data with a tiny schedule, plus extra flags.
  testing::RunOutput Train(const std::string& extra) {
    return RunTinymlp("train --data '" + data_.path() + "' --n-s 3 --out '" + out_.path() +
                      "/run' " + extra);
  }
  bool OutputWritten() const {
    return PathExists(out_.File("run/model.tmlp")) || PathExists(out_.File("run/metrics.csv"));
  }
  TempDir data_, out_;
};

TEST_F(CliTest, TrainWritesModelMetricsAndAccuracy) {
  const testing::RunOutput r = Train("--evals-per-cycle 2 --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(LastLine(r.out),
                               std::regex("test_accuracy=0\\.[0-9]{4}|test_accuracy=1\\.0000")))
      << r.out;
  const std::vector<uint8_t> csv = testing::ReadBytes(out_.File("run/metrics.csv"));
  const std::string text(csv.begin(), csv.end());
  EXPECT_EQ(text.rfind("step,epoch,eta,train_loss,", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 3)
      << "header + steps 0, 3, 6: " << text;
  // eval on the saved model reproduces the test accuracy train printed.
  const testing::RunOutput e = RunTinymlp("eval --model '" + out_.File("run/model.tmlp") +
                                          "' --data '" + data_.path() + "'");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(LastLine(e.out), LastLine(r.out));
}

TEST_F(CliTest, SameSeedSameResult) {
  // Twice into the same folder (--force), without the curve's evaluations (under qemu-arm they
  // were most of the test's 10 s).
  const testing::RunOutput a = Train("--seed 5 --threads 2 --evals-per-cycle 0");
  const testing::RunOutput b = Train("--seed 5 --threads 2 --evals-per-cycle 0 --force");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(LastLine(a.out), LastLine(b.out));
  EXPECT_NE(a.out.find("val_accuracy="), std::string::npos);
}

TEST_F(CliTest, UnknownFlag) {
  ExpectError(Train("--bogus 3"), 2, "--bogus");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, ZeroStepSize) {
  ExpectError(Train("--n-s 0"), 2, "--n-s");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, NegativeLambda) {
  ExpectError(Train("--lambda -0.5"), 2, "--lambda");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, BatchLargerThanTrainingSet) {
  ExpectError(Train("--batch 301"), 2, "--batch 301 is larger than the training set (300 images)");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, BadHiddenList) {
  ExpectError(Train("--hidden 50,,20"), 2, "--hidden");
  ExpectError(Train("--hidden x"), 2, "--hidden");
}

TEST_F(CliTest, EpochsWithoutConstantRate) { ExpectError(Train("--epochs 3"), 2, "--epochs"); }

TEST_F(CliTest, MissingDataFolder) {
  ExpectError(RunTinymlp("train --data /nonexistent/cifar --out '" + out_.path() + "/run'"), 1,
              "/nonexistent/cifar");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, TruncatedBatchFile) {
  std::vector<uint8_t> bytes = testing::RandomBatchBytes(300, 1);
  bytes.resize(bytes.size() - 1);
  testing::WriteBytes(data_.File("data_batch_1.bin"), bytes);
  ExpectError(Train(""), 1, "data_batch_1.bin: size");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, LabelOutOfRange) {
  std::vector<uint8_t> bytes = testing::RandomBatchBytes(300, 1);
  bytes[3073 * 7] = 200;
  testing::WriteBytes(data_.File("test_batch.bin"), bytes);
  ExpectError(Train(""), 1, "test_batch.bin: record 7 has label 200");
  EXPECT_FALSE(OutputWritten());
}

TEST_F(CliTest, DamagedModelFiles) {
  ASSERT_EQ(Train("--evals-per-cycle 0").exit_code, 0);
  const std::vector<uint8_t> good = testing::ReadBytes(out_.File("run/model.tmlp"));
  struct Damage {
    const char* what;
    size_t offset;  // byte to change, or SIZE_MAX to cut the file in half
    uint8_t value;
  };
  for (Damage d : {Damage{"bad magic", 0, 'X'}, Damage{"version 7", 4, 7},
                   Damage{"CRC mismatch", 5000, 0x55}, Damage{"cut short", SIZE_MAX, 0}}) {
    SCOPED_TRACE(d.what);
    std::vector<uint8_t> bad = good;
    if (d.offset == SIZE_MAX)
      bad.resize(bad.size() / 2);
    else
      bad[d.offset] = d.value;
    const std::string path = out_.File("bad.tmlp");
    testing::WriteBytes(path, bad);
    ExpectError(RunTinymlp("eval --model '" + path + "' --data '" + data_.path() + "'"), 1, d.what);
  }
  ExpectError(
      RunTinymlp("eval --model '" + out_.File("none.tmlp") + "' --data '" + data_.path() + "'"), 1,
      "none.tmlp: cannot open");
}

TEST(Cli, GradcheckWithAndWithoutRegularization) {
  for (const char* lambda : {"0", "0.1"}) {
    const testing::RunOutput r = RunTinymlp(std::string("gradcheck --lambda ") + lambda);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    const std::string last = LastLine(r.out);
    ASSERT_TRUE(std::regex_match(last, m, std::regex("max_rel_error=([0-9.e+-]+)"))) << r.out;
    EXPECT_LT(std::stod(m[1]), 1e-6) << r.out;
    for (const char* p : {"W1", "b1", "W2", "b2"}) EXPECT_NE(r.out.find(p), std::string::npos);
  }
}

TEST(Cli, HelpAndInfo) {
  const testing::RunOutput help = RunTinymlp("train --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--evals-per-cycle"), std::string::npos);
  const testing::RunOutput info = RunTinymlp("info");
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.out.find("chosen_target="), std::string::npos);
  ExpectError(RunTinymlp(""), 2, "subcommand");
}

}  // namespace
}  // namespace tinymlp
