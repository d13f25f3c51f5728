// `mpirun tinymlp search` end to end (label mpi; built only with -DTINYMLP_MPI=ON, preset
// release-mpi): three ranks (one coordinator, two workers) on a small CIFAR-format folder (the
// first 500 images of each real file when CIFAR10_DIR is set, else synthetic) give the same rows,
// bit for bit, as one process; ranks that see different data stop together with one line; a
// worker killed mid-search, or mpirun interrupted, leaves a whole results file that a rerun
// finishes, training only what was missing.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "apps/lab/search_results.h"
#include "engine/base/rng.h"
#include "engine/io/cifar10.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunOutput;
using testing::TempDir;

constexpr int kSettings = 6;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Six batch files of 500 records. Cut from the real data when there is some; otherwise each class
// brightens one colour plane in one quadrant, so that λ changes the accuracies.
void WriteSmallCifarDir(const std::string& dir) {
  const std::string real = testing::RealDataDir();
  Rng rng(42);
  for (const char* name : {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                           "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"}) {
    std::vector<uint8_t> bytes;
    if (!real.empty()) {
      bytes = testing::ReadBytes(ResolveCifarDir(real) + "/" + name);
      bytes.resize(500 * kRecordBytes);
    } else {
      for (int i = 0; i < 500; ++i) {
        const int label = static_cast<int>(rng.Below(10));
        bytes.push_back(static_cast<uint8_t>(label));
        for (int p = 0; p < kImageDim; ++p) {
          const int ch = p / 1024, q = p % 1024;
          const bool hot = ch == label % 3 && ((q / 32 < 16) == (label < 5)) && (q % 32 < 16);
          bytes.push_back(static_cast<uint8_t>(rng.Below(160) + (hot ? 90 : 0)));
        }
      }
    }
    testing::WriteBytes(dir + "/" + name, bytes);
  }
}

// `mpirun` with what a test machine needs: root is allowed (containers, CI), and more ranks than
// cores (three ranks on a 2-core machine).
std::string Mpirun() {
  std::string cmd = std::string("'") + TINYMLP_MPIEXEC + "' --oversubscribe";
  if (geteuid() == 0) cmd += " --allow-run-as-root";
  return cmd;
}

std::string Binary() { return std::string("'") + TINYMLP_BINARY + "'"; }

// Runs a shell command under `timeout 120` (a hang shows as exit code 124), capturing stdout and
// stderr.
RunOutput Shell(const std::string& command) {
  TempDir io;
  const std::string full =
      "timeout 120 " + command + " >'" + io.File("out") + "' 2>'" + io.File("err") + "'";
  const int status = std::system(full.c_str());
  RunOutput r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadText(io.File("out"));
  r.err = ReadText(io.File("err"));
  return r;
}

// Rows by setting, without the run time (the one column that may differ between runs).
std::map<std::string, std::string> RowsWithoutTime(const std::string& path) {
  std::map<std::string, std::string> rows;
  for (SearchRow r : ParseSearchResults(ReadText(path), path)) {
    r.seconds = 0;
    rows[r.SettingKey()] = r.CsvLine();
  }
  return rows;
}

size_t RowCount(const std::string& path) { return ReadSearchResults(path).size(); }

int CountLines(const std::string& text, const std::string& what) {
  int n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.find(what) != std::string::npos;
  return n;
}

// The pid of `parent`'s child process that is MPI rank `rank`, or -1.
pid_t ChildRank(pid_t parent, int rank) {
  DIR* proc = opendir("/proc");
  pid_t found = -1;
  for (dirent* e; proc && found < 0 && (e = readdir(proc)) != nullptr;) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    const std::string stat = ReadText("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    int ppid = 0;
    if (close == std::string::npos || std::sscanf(stat.c_str() + close + 2, "%*c %d", &ppid) != 1 ||
        ppid != parent) {
      continue;
    }
    std::string env = ReadText("/proc/" + std::to_string(pid) + "/environ");
    std::replace(env.begin(), env.end(), '\0', '\n');
    if (("\n" + env).find("\nOMPI_COMM_WORLD_RANK=" + std::to_string(rank) + "\n") !=
        std::string::npos) {
      found = pid;
    }
  }
  if (proc) closedir(proc);
  return found;
}

class SearchMpi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    WriteSmallCifarDir(data());
  }
  static void TearDownTestSuite() { delete dir_; }
  // The reference rows: one process, two networks at a time, each on one thread (trained once
  // per test process; Search.RowsEqualSingleRunsOfEachLambda shows that --jobs leaves each row
  // as a lone run makes it, and a second job halves the 24 s each test spent here).
  static std::map<std::string, std::string> Reference() {
    const std::string single = Results("single.csv");
    if (RowCount(single) == 0) {
      const RunOutput r = Shell(Binary() + " " + Args(single) + " --jobs 2");
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return RowsWithoutTime(single);
  }
  static std::string data() { return dir_->path(); }
  static std::string Results(const std::string& name) { return dir_->File(name); }
  // A small random search whose λ range spans good and bad settings, one thread per run. Each
  // run is 4,000 steps (about 1.5 s on a 2026 desktop core): Open MPI's mpirun passes a Ctrl-C
  // on to the ranks about a second after it gets it, and the interrupted search must still be
  // running by then (with 1,000 steps a run, the whole search was over within that second).
  static std::string Args(const std::string& results, const std::string& data_dir = data()) {
    return "search --data '" + data_dir + "' --split 10k --lambda-log-min -4 --lambda-log-max 0 " +
           "--count " + std::to_string(kSettings) +
           " --cycles 1 --n-s 2000 --hidden 50 --seed 7 --threads 1 --results '" + results + "'";
  }
  // Three ranks, all with the same flags.
  static std::string MpiSearch(const std::string& results) {
    return Mpirun() + " -np 3 " + Binary() + " " + Args(results);
  }
  // Starts `command` in the background; returns mpirun's pid (exec keeps the shell's).
  static pid_t Start(const std::string& command) {
    const pid_t pid = fork();
    if (pid == 0) {
      signal(SIGINT, SIG_DFL);  // a shell cannot restore a signal ignored when it starts
      const std::string cmd = "exec " + command + " >/dev/null 2>&1";
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }
  // Waits until `results` holds a finished row; false if `pid` ended first or a minute passed.
  static bool WaitForFirstRow(const std::string& results, pid_t pid) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = ReadText(results);
      if (std::count(text.begin(), text.end(), '\n') >= 2) return true;
      if (waitpid(pid, nullptr, WNOHANG) == pid) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }
  // Waits for `pid` to end (killing it after a minute: a hang) and returns its exit status.
  static int WaitEnd(pid_t pid) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
    while (waitpid(pid, &status, WNOHANG) != pid) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ADD_FAILURE() << "mpirun did not end within a minute";
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status;
  }
  // The rerun after an interruption: it trains exactly the settings missing from `results` and
  // ends with the reference's rows.
  static void ExpectRerunFinishes(const std::string& results) {
    const size_t kept = RowCount(results);
    ASSERT_GE(kept, 1u);
    ASSERT_LT(kept, static_cast<size_t>(kSettings)) << "the search ended before the interruption";
    const std::string kept_text = ReadText(results);
    const RunOutput rerun = Shell(MpiSearch(results));
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_NE(rerun.out.find("runs_trained=" + std::to_string(kSettings - kept) +
                             "\nruns_found=" + std::to_string(kept) + "\n"),
              std::string::npos)
        << rerun.out;
    EXPECT_EQ(ReadText(results).compare(0, kept_text.size(), kept_text), 0) << "kept rows changed";
    EXPECT_EQ(RowsWithoutTime(results), Reference());
  }

  static TempDir* dir_;
};
TempDir* SearchMpi::dir_ = nullptr;

TEST_F(SearchMpi, ThreeRanksGiveTheRowsOfOneProcess) {
  const std::map<std::string, std::string> single = Reference();
  ASSERT_EQ(single.size(), static_cast<size_t>(kSettings));
  std::set<double> accuracies;  // rows mixed up would show only if their outcomes differ
  for (const SearchRow& r : ParseSearchResults(ReadText(Results("single.csv")), "single.csv")) {
    accuracies.insert(r.best_val_accuracy);
  }
  EXPECT_GT(accuracies.size(), 1u);

  const RunOutput mpi = Shell(MpiSearch(Results("mpi.csv")));
  ASSERT_EQ(mpi.exit_code, 0) << mpi.err;
  EXPECT_NE(mpi.err.find("3 ranks: rank 0 hands out the settings to 2 workers, 1 thread each"),
            std::string::npos)
      << mpi.err;
  EXPECT_NE(mpi.out.find("runs_trained=" + std::to_string(kSettings) + "\nruns_found=0\n"),
            std::string::npos)
      << mpi.out;
  EXPECT_EQ(CountLines(mpi.out, "best_lambda="), 1) << "only rank 0 reports";
  EXPECT_EQ(RowsWithoutTime(Results("mpi.csv")), single);
}

TEST_F(SearchMpi, RanksThatSeeOtherDataStopTogetherWithOneLine) {
  TempDir other;
  WriteSmallCifarDir(other.path());
  std::vector<uint8_t> batch = testing::ReadBytes(other.File("data_batch_2.bin"));
  batch[kRecordBytes + 100] ^= 1;  // one bit of one validation pixel
  testing::WriteBytes(other.File("data_batch_2.bin"), batch);

  const std::string results = Results("mismatch.csv");
  const RunOutput r = Shell(Mpirun() + " -np 2 " + Binary() + " " + Args(results) + " : -np 1 " +
                            Binary() + " " + Args(results, other.path()));
  EXPECT_NE(r.exit_code, 124) << "hung";
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(CountLines(r.err, "tinymlp: error:"), 1) << r.err;
  EXPECT_EQ(CountLines(r.err, "tinymlp: error: rank 2 on "), 1) << r.err;
  EXPECT_EQ(CountLines(r.err, "loaded other data"), 1) << r.err;
  EXPECT_EQ(RowCount(results), 0u) << "no run may start";

  // A rank that cannot load its data at all says so, once, with its rank.
  const RunOutput missing =
      Shell(Mpirun() + " -np 1 " + Binary() + " " + Args(results) + " : -np 2 " + Binary() + " " +
            Args(results, other.File("no_such_folder")));
  EXPECT_NE(missing.exit_code, 124) << "hung";
  EXPECT_EQ(CountLines(missing.err, "tinymlp: error: rank 1 on "), 1) << missing.err;
  EXPECT_EQ(CountLines(missing.err, "tinymlp: error:"), 1) << missing.err;
  EXPECT_EQ(CountLines(missing.err, "no_such_folder"), 1) << missing.err;
}

TEST_F(SearchMpi, KilledWorkerTakesTheJobDownAndARerunFinishes) {
  const std::string results = Results("killed.csv");
  const pid_t mpirun = Start(MpiSearch(results));
  ASSERT_GT(mpirun, 0);
  ASSERT_TRUE(WaitForFirstRow(results, mpirun)) << "no row appeared";
  const pid_t worker = ChildRank(mpirun, 1);
  ASSERT_GT(worker, 0) << "rank 1 not found among mpirun's children";
  ASSERT_EQ(kill(worker, SIGKILL), 0);
  const int status = WaitEnd(mpirun);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the job went on without rank 1";
  ExpectRerunFinishes(results);
}

TEST_F(SearchMpi, InterruptedMpirunLeavesAWholeFile) {
  const std::string results = Results("interrupted.csv");
  const pid_t mpirun = Start(MpiSearch(results));
  ASSERT_GT(mpirun, 0);
  ASSERT_TRUE(WaitForFirstRow(results, mpirun)) << "no row appeared";
  ASSERT_EQ(kill(mpirun, SIGINT), 0);  // Ctrl-C
  const int status = WaitEnd(mpirun);
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ExpectRerunFinishes(results);
}

}  // namespace
}  // namespace tinymlp
