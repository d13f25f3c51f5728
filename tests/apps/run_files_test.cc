// The pieces of a training run's lifecycle that need no binary: the progress line's fit to any
// terminal width, the run.json writer and its strict reader (bytes in, one DataError out), and
// the settings' fingerprint that keeps a checkpoint from being resumed under other settings.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "apps/lab/data_checksums.h"
#include "apps/lab/progress.h"
#include "apps/lab/run_record.h"
#include "engine/base/crc32.h"
#include "platform/error.h"
#include "platform/threads.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

ProgressPoint Busy() {
  ProgressPoint p;
  p.step = 2470;
  p.total = 5880;
  p.lr = 0.0321f;
  p.loss = 1.2345;
  p.val_accuracy = 0.451;
  p.elapsed = 62;
  p.left = 85;
  return p;
}

TEST(ProgressLine, NeverWiderThanTheTerminal) {
  ProgressPoint huge = Busy();
  huge.step = 123456789012;
  huge.total = 999999999999;
  huge.loss = 9.1e18;
  huge.elapsed = 1e7;
  huge.left = 1e9;
  for (const ProgressPoint& p : {Busy(), huge, ProgressPoint()}) {
    for (int width = 1; width <= 200; ++width) {
      const std::string line = ProgressTerminalLine(p, width);
      EXPECT_LE(line.size(), static_cast<size_t>(std::max(1, width - 1))) << width << ": " << line;
      EXPECT_EQ(line.find('\n'), std::string::npos);
    }
  }
}

TEST(ProgressLine, KeepsWhatMattersMostWhenNarrow) {
  const std::string narrow = ProgressTerminalLine(Busy(), 40);
  EXPECT_NE(narrow.find("42%"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("2470/5880"), std::string::npos) << narrow;
  EXPECT_NE(narrow.find("1m25s left"), std::string::npos) << narrow;
  const std::string wide = ProgressTerminalLine(Busy(), 120);
  for (const char* part : {"[", "42%", "2470/5880", "1m02s elapsed", "1m25s left", "lr 3.2e-02",
                           "loss 1.234", "val 45.1%"}) {
    EXPECT_NE(wide.find(part), std::string::npos) << part << " in " << wide;
  }
  EXPECT_EQ(ShortDuration(59.4), "59s");
  EXPECT_EQ(ShortDuration(3725), "1h02m");
}

RunRecord SampleRecord() {
  RunRecord r;
  r.config.run.lambda = 0.00115f;
  r.config.run.hidden = "50,30";
  r.config.run.seed = 18446744073709551615ull;  // the largest seed survives JSON
  r.config.data = "/data";
  r.config.split = "49k";
  r.config.threads = 2;
  r.tinymlp_version = "0.1.0";
  r.status = "finished";
  r.started = "2026-11-29T17:10:50Z";
  r.finished = "2026-11-29T17:13:15Z";
  r.highway_target = "AVX3";
  r.hardware_threads = 2;
  r.data_folder = "/data";
  r.data_files = {{"data_batch_1.bin", 30730000, 0x810d7a70u}};
  r.has_results = true;
  r.results.steps = r.results.steps_done = 5880;
  r.results.val_accuracy = 0.526;
  r.results.test_accuracy = 0.5167;
  r.results.best_step = 4900;
  r.results.best_val_accuracy = 0.53;
  return r;
}

RunRecord Parse(const std::string& text) {
  return ParseRunRecord(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "run.json");
}

TEST(RunRecord, RoundTripsAndWritesFloatsShort) {
  const std::string text = RunRecordJson(SampleRecord());
  EXPECT_NE(text.find("\"lambda\": 0.00115,"), std::string::npos) << text;
  const RunRecord back = Parse(text);
  EXPECT_EQ(RunRecordJson(back), text);
  EXPECT_EQ(back.config.run.lambda, 0.00115f);
  EXPECT_EQ(back.config.run.seed, 18446744073709551615ull);
  EXPECT_EQ(back.data_files.at(0).crc32, 0x810d7a70u);
}

TEST(RunRecord, EveryCutIsRefusedWithOneLine) {
  const std::string text = RunRecordJson(SampleRecord());
  for (size_t size = 0; size + 2 < text.size(); ++size) {
    try {
      Parse(text.substr(0, size));
      ADD_FAILURE() << "accepted a cut at " << size;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kData);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
}

TEST(RunRecord, SettingsKeyIgnoresOnlyWhereTheRunLives) {
  const RunConfig a = SampleRecord().config;
  RunConfig b = a;
  b.data = "/elsewhere";
  b.run.out = "moved";
  b.run.checkpoint_every = 100;
  EXPECT_EQ(SettingsKey(a), SettingsKey(b));
  b.run.lambda = 0.0012f;
  EXPECT_NE(SettingsKey(a), SettingsKey(b));
  b = a;
  b.threads = 1;
  EXPECT_NE(SettingsKey(a), SettingsKey(b)) << "threads change the bits";
  const std::vector<std::string> flags = SettingsAsFlags(a, RunConfig());
  const std::vector<std::string> want = {
      "--data",   "/data", "--split",  "49k",     "--threads", "2",
      "--hidden", "50,30", "--lambda", "0.00115", "--seed",    "18446744073709551615"};
  EXPECT_EQ(flags, want);
}

// The files are summed one per job on two threads: the sums are each file's own CRC-32 in file
// order, and a file that cannot be read is one DataError naming it (thrown on the calling
// thread, whichever thread read the file).
TEST(DataChecksums, EachFileItsOwnCrcAndErrorsReachTheCaller) {
  testing::TempDir dir;
  testing::WriteRandomCifarDir(dir.path(), 7);
  SetThreadCount(2);
  const std::vector<DataFileSum> sums = ChecksumDataFiles(dir.path(), Split::k49k);
  ASSERT_EQ(sums.size(), 6u);
  for (const DataFileSum& sum : sums) {
    const std::vector<uint8_t> bytes = testing::ReadBytes(dir.File(sum.name));
    EXPECT_EQ(sum.bytes, bytes.size()) << sum.name;
    EXPECT_EQ(sum.crc32, Crc32(bytes.data(), bytes.size())) << sum.name;
  }
  EXPECT_EQ(sums[0].name, "data_batch_1.bin");
  EXPECT_EQ(sums[5].name, "test_batch.bin");
  testing::TempDir broken;
  testing::WriteRandomCifarDir(broken.path(), 3);
  ASSERT_EQ(std::remove(broken.File("data_batch_4.bin").c_str()), 0);
  try {
    ChecksumDataFiles(broken.path(), Split::k49k);
    ADD_FAILURE() << "a missing file was summed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("data_batch_4.bin"), std::string::npos) << e.what();
  }
  SetThreadCount(0);
}

}  // namespace
}  // namespace tinymlp
