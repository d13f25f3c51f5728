// The experiment commands end to end, through the tinymlp binary, on a small synthetic CIFAR-10
// folder (so they run everywhere, ARM emulation included): train --plots, plot, weights, search
// (killed midway with SIGKILL, then resumed), and their one-line errors on bad input.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apps/lab/search_results.h"
#include "engine/base/rng.h"
#include "tests/util/stb_image_impl.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

using testing::RunOutput;
using testing::RunTinymlp;
using testing::TinymlpCommand;

class ExperimentsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/tinymlp_experiments_cli_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    // Six batch files of 500 records. Each class brightens one colour plane in one quadrant,
    // so there is something to learn and accuracies differ between settings.
    Rng rng(42);
    for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                             "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
      std::string bytes;
      for (int i = 0; i < 500; ++i) {
        const int label = static_cast<int>(rng.Below(10));
        bytes.push_back(static_cast<char>(label));
        for (int ch = 0; ch < 3; ++ch) {
          for (int p = 0; p < 1024; ++p) {
            const bool hot = ch == label % 3 && ((p / 32 < 16) == (label < 5)) && (p % 32 < 16);
            bytes.push_back(static_cast<char>(rng.Below(160) + (hot ? 90 : 0)));
          }
        }
      }
      WriteText(dir_ + "/" + name, bytes);
    }
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + dir_).c_str()); }

  // Expects exit `code` with exactly one stderr line that mentions `what`.
  static void ExpectError(const std::string& args, int code, const std::string& what) {
    const RunOutput o = RunTinymlp(args);
    EXPECT_EQ(o.exit_code, code) << args << "\n" << o.err;
    EXPECT_NE(o.err.find(what), std::string::npos) << args << "\n" << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << args << "\n" << o.err;
  }

  static std::string dir_;
};
std::string ExperimentsCli::dir_;

// Decodes a PNG file; returns false if it is not one.
bool PngSize(const std::string& path, int* w, int* h) {
  const std::string bytes = ReadText(path);
  if (bytes.size() < 8 || bytes.compare(1, 3, "PNG") != 0) return false;
  int channels = 0;
  uint8_t* pixels = stbi_load_from_memory(reinterpret_cast<const uint8_t*>(bytes.data()),
                                          static_cast<int>(bytes.size()), w, h, &channels, 3);
  if (pixels == nullptr) return false;
  stbi_image_free(pixels);
  return channels == 3;
}

TEST_F(ExperimentsCli, TrainPlotsAndPlotDrawTheSameCharts) {
  const std::string run = dir_ + "/run";
  const RunOutput t =
      RunTinymlp("train --data " + dir_ + " --hidden 10 --n-s 20 --lambda 0.01 --threads 1 " +
                 "--out " + run + " --plots");
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const RunOutput p = RunTinymlp("plot --metrics " + run + "/metrics.csv --out " + dir_ +
                                 "/replot --title lambda=0.01");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  for (const char* name : {"cost.png", "loss.png", "accuracy.png", "eta.png"}) {
    int w = 0, h = 0;
    ASSERT_TRUE(PngSize(run + "/" + name, &w, &h)) << name;
    EXPECT_EQ(w, 800);
    EXPECT_EQ(h, 500);
    // Same metrics, same title: the same picture, byte for byte.
    EXPECT_EQ(ReadText(run + "/" + name), ReadText(dir_ + "/replot/" + name)) << name;
  }
  const RunOutput wt =
      RunTinymlp("weights --model " + run + "/model.tmlp --out " + dir_ + "/w.png");
  ASSERT_EQ(wt.exit_code, 0) << wt.err;
  int w = 0, h = 0;
  ASSERT_TRUE(PngSize(dir_ + "/w.png", &w, &h));
  EXPECT_GT(w, 10 * 128);  // ten 128-pixel tiles in one row
  EXPECT_GT(h, 128);
  EXPECT_LT(h, 2 * 128);
}

TEST_F(ExperimentsCli, PlotAndWeightsRejectBadFiles) {
  WriteText(dir_ + "/bad_metrics.csv", "step,loss\n1,2\n");
  ExpectError("plot --metrics " + dir_ + "/bad_metrics.csv --out " + dir_ + "/x", 1,
              "bad_metrics.csv");
  WriteText(dir_ + "/cut_metrics.csv",
            "step,epoch,eta,train_loss,train_cost,train_accuracy,val_loss,val_cost,val_accuracy\n"
            "0,0,0.1,1,1,0.5,1,1,0.5\n100,1,0.1,1,1\n");
  ExpectError("plot --metrics " + dir_ + "/cut_metrics.csv --out " + dir_ + "/x", 1, "line 3");
  ExpectError("plot --metrics " + dir_ + "/missing.csv --out " + dir_ + "/x", 1, "missing.csv");
  WriteText(dir_ + "/bad.tmlp", "TMLP not really a model");
  ExpectError("weights --model " + dir_ + "/bad.tmlp --out " + dir_ + "/w2.png", 1, "bad.tmlp");
}

TEST_F(ExperimentsCli, SearchRejectsBadInput) {
  const std::string base = "search --data " + dir_ + " --split 10k --results " + dir_;
  ExpectError(base + "/r1.csv --lambda-log-min -1 --lambda-log-max -5", 2, "--lambda-log-min");
  ExpectError(base + "/r1.csv --count 0", 2, "--count");
  ExpectError(base + "/r1.csv --n-s sometimes", 2, "--n-s");
  ExpectError(base + "/r1.csv --grid --random", 2, "--grid");
  WriteText(dir_ + "/bad_results.csv", "lambda,accuracy\n0.1,0.5\n");
  ExpectError(base + "/bad_results.csv", 1, "bad_results.csv");
  WriteText(dir_ + "/torn_results.csv", SearchResultsHeader() + "0.001,-3,50,10k,1\n");
  ExpectError(base + "/torn_results.csv", 1, "line 2");
  // The network flags are checked before the data is read, as train checks them.
  ExpectError(base + "/r1.csv --batch-norm --hidden 50,,20", 2, "--hidden");
  ExpectError(base + "/r1.csv --batch-norm --hidden 0,50", 2, "--hidden");
  ExpectError(base + "/r1.csv --batch-norm --init normal", 2, "--init");
  ExpectError(base + "/r1.csv --init he --init-sigma 0.001", 2, "--init-sigma");
  ExpectError(base + "/r1.csv --init zeros", 2, "--init");
}

TEST_F(ExperimentsCli, ReportRejectsBadInput) {
  ExpectError("report --data " + dir_ + "/no_such_folder --out " + dir_ + "/report", 1,
              "no_such_folder");
  ExpectError("report --data " + dir_ + " --out " + dir_ + "/report --coarse-count 0", 2,
              "--coarse-count");
  ExpectError("report --data " + dir_ + " --out " + dir_ + "/report --best", 2, "--best");
}

// Rows by setting, with the run time (the one column that may differ) dropped.
std::map<std::string, std::string> RowsWithoutTime(const std::string& path) {
  std::map<std::string, std::string> rows;
  for (SearchRow r : ParseSearchResults(ReadText(path), path)) {
    r.seconds = 0;
    rows[r.SettingKey()] = r.CsvLine();
  }
  return rows;
}

TEST_F(ExperimentsCli, KilledSearchKeepsItsRunsAndResumes) {
  const std::string results = dir_ + "/search.csv";
  const std::string args = "search --data " + dir_ +
                           " --split 10k --lambda-log-min -4 --lambda-log-max -1 --count 4 --grid "
                           "--cycles 1 --n-s 150 --hidden 10 --threads 1 --results ";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string cmd = "exec " + TinymlpCommand(args + results) + " >/dev/null 2>&1";
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill it as soon as the first finished run is in the file.
  int status = 0;
  bool exited = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = ReadText(results);
    if (std::count(text.begin(), text.end(), '\n') >= 2) break;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_FALSE(exited) << "search ended before its first row appeared, status " << status;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));

  // Whatever the moment of the kill, the file is complete and parses.
  const std::string killed_text = ReadText(results);
  const std::vector<SearchRow> kept = ParseSearchResults(killed_text, results);
  ASSERT_GE(kept.size(), 1u);
  ASSERT_LT(kept.size(), 4u) << "the search finished before the kill; nothing was interrupted";

  const RunOutput resumed = RunTinymlp(args + results);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find(std::to_string(kept.size()) + " of 4 settings already in"),
            std::string::npos)
      << resumed.err;
  EXPECT_NE(resumed.out.find("runs_trained=" + std::to_string(4 - kept.size()) + "\n"),
            std::string::npos)
      << resumed.out;
  const std::string final_text = ReadText(results);
  EXPECT_EQ(final_text.compare(0, killed_text.size(), killed_text), 0) << "kept rows changed";
  EXPECT_EQ(ParseSearchResults(final_text, results).size(), 4u);
  int best_rows = 0;  // "best: lambda=... best_step=..." lines, the three best runs
  for (size_t at = resumed.out.find("\nbest: lambda="); at != std::string::npos;
       at = resumed.out.find("\nbest: lambda=", at + 1)) {
    ++best_rows;
  }
  EXPECT_EQ(best_rows, 3) << resumed.out;
  EXPECT_NE(resumed.out.find("best_lambda="), std::string::npos) << resumed.out;

  // An uninterrupted search, two networks at a time, gives the same numbers for every setting.
  const RunOutput fresh = RunTinymlp(args + dir_ + "/fresh.csv --jobs 2");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(RowsWithoutTime(results), RowsWithoutTime(dir_ + "/fresh.csv"));

  // A third run has nothing left to do.
  const RunOutput again = RunTinymlp(args + results);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("runs_trained=0\nruns_found=4\n"), std::string::npos) << again.out;
  EXPECT_EQ(ReadText(results), final_text);
}

// Batch norm and the initialization are part of a run's setting: a batch-norm search next to a
// plain one in the same file trains its own runs, and a rerun of either skips them. A file from
// before those columns existed still resumes (its rows are plain runs) and is upgraded.
TEST_F(ExperimentsCli, SearchTellsNetworkSettingsApart) {
  const std::string results = dir_ + "/bn_search.csv";
  const std::string args = "search --data " + dir_ +
                           " --split 10k --lambda-log-min -3 --lambda-log-max -2 --count 2 --grid "
                           "--cycles 1 --n-s 40 --hidden 10,10 --threads 1 --results " +
                           results;
  const RunOutput plain = RunTinymlp(args);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.out.find("runs_trained=2\nruns_found=0\n"), std::string::npos) << plain.out;
  const RunOutput bn = RunTinymlp(args + " --batch-norm");
  ASSERT_EQ(bn.exit_code, 0) << bn.err;
  EXPECT_NE(bn.out.find("runs_trained=2\nruns_found=0\n"), std::string::npos) << bn.out;
  const RunOutput sigma = RunTinymlp(args + " --batch-norm --init normal --init-sigma 0.001");
  ASSERT_EQ(sigma.exit_code, 0) << sigma.err;
  EXPECT_NE(sigma.out.find("runs_trained=2\nruns_found=0\n"), std::string::npos) << sigma.out;
  const std::vector<SearchRow> rows = ParseSearchResults(ReadText(results), results);
  ASSERT_EQ(rows.size(), 6u);
  int bn_rows = 0, normal_rows = 0;
  for (const SearchRow& r : rows) {
    bn_rows += r.batch_norm;
    normal_rows += r.init == "normal" && r.init_sigma == 0.001;
  }
  EXPECT_EQ(bn_rows, 4);
  EXPECT_EQ(normal_rows, 2);
  const RunOutput bn_again = RunTinymlp(args + " --batch-norm");
  ASSERT_EQ(bn_again.exit_code, 0) << bn_again.err;
  EXPECT_NE(bn_again.out.find("runs_trained=0\nruns_found=2\n"), std::string::npos) << bn_again.out;

  // The plain rows as the first version of the file held them.
  std::string old_text = SearchResultsHeaderV1();
  for (const SearchRow& r : rows) {
    if (r.batch_norm) continue;
    const std::string line = r.CsvLine();
    std::vector<size_t> commas;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == ',') commas.push_back(i);
    }
    ASSERT_EQ(commas.size(), 17u);
    old_text += line.substr(0, commas[9]) + line.substr(commas[12]);
  }
  const std::string old_file = dir_ + "/old_search.csv";
  WriteText(old_file, old_text);
  const std::string old_args = args.substr(0, args.size() - results.size()) + old_file;
  const RunOutput resumed = RunTinymlp(old_args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("runs_trained=0\nruns_found=2\n"), std::string::npos) << resumed.out;
  EXPECT_EQ(ReadText(old_file), old_text);  // nothing trained, nothing rewritten
  const RunOutput upgraded = RunTinymlp(old_args + " --batch-norm");
  ASSERT_EQ(upgraded.exit_code, 0) << upgraded.err;
  EXPECT_NE(upgraded.out.find("runs_trained=2\nruns_found=0\n"), std::string::npos) << upgraded.out;
  const std::string new_text = ReadText(old_file);
  EXPECT_EQ(new_text.compare(0, SearchResultsHeader().size(), SearchResultsHeader()), 0);
  // Same seed, same settings: the batch-norm rows match the first file's, run time aside.
  std::map<std::string, std::string> all = RowsWithoutTime(results),
                                     upgraded_rows = RowsWithoutTime(old_file);
  EXPECT_EQ(upgraded_rows.size(), 4u);
  for (const auto& [key, line] : upgraded_rows) EXPECT_EQ(all[key], line) << key;
}

}  // namespace
}  // namespace tinymlp
