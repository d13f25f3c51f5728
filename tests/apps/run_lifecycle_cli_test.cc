// A training run's life as `tinymlp train` gives it (apps/lab/training_run.h), on synthetic
// data: run.json records the run and --config repeats it to the byte; SIGINT and SIGTERM stop
// it with a checkpoint, and --resume (after one stop or several, or after SIGKILL with periodic
// checkpoints) ends with the same model.tmlp, model_best.tmlp and metrics.csv bytes as the run
// that never stopped, for plain SGD and for Adam with batch norm, dropout and augmentation; an
// occupied folder is refused, --force clears only a run's files; early stopping and the best
// model; a full disk keeps the weights; progress lines in a log. No test leaves *.tmp.* files.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "apps/lab/run_record.h"
#include "platform/files.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunOutput;
using testing::RunTinymlp;
using testing::TempDir;

std::string ReadText(const std::string& path) {
  if (!PathExists(path)) return "";
  const std::vector<uint8_t> bytes = testing::ReadBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Names in `dir` that hold ".tmp.": temporaries a write left behind.
std::vector<std::string> Temporaries(const std::string& dir) {
  std::vector<std::string> found;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) {
      if (std::string(e->d_name).find(".tmp.") != std::string::npos) found.push_back(e->d_name);
    }
    closedir(d);
  }
  return found;
}

void ExpectOneLineError(const RunOutput& r, int code, const std::string& needle) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "mentions '" << needle << "': " << r.err;
}

// A running `tinymlp ARGS`, to be signalled.
class Child {
 public:
  Child(const std::string& args, const std::string& err_file) {
    pid_ = fork();
    if (pid_ == 0) {
      const std::string cmd =
          "exec " + testing::TinymlpCommand(args) + " >/dev/null 2>" + Quote(err_file);
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  // Waits until `metrics` has `rows` rows (or the child ended: returns false).
  bool WaitForRows(const std::string& metrics, int rows) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = ReadText(metrics);
      if (std::count(text.begin(), text.end(), '\n') >= rows + 1) return true;
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        done_ = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }
  // Sends `signal` and returns the exit code (128 + signal when killed by it).
  int Stop(int signal) {
    if (!done_) {
      kill(pid_, signal);
      waitpid(pid_, &status_, 0);
      done_ = true;
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }
  ~Child() { Stop(SIGKILL); }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool done_ = false;
};

class RunLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.File("data");
    MakeDirectories(data_);
    testing::WriteRandomCifarDir(data_, 300);
  }
  std::string Out(const std::string& name) const { return dir_.File(name); }
  // `train` on the synthetic data (10k split: 300 training images, 3 steps an epoch).
  RunOutput Train(const std::string& flags) {
    return RunTinymlp("train --data " + Quote(data_) + " " + flags);
  }
  // The outputs that must match between an interrupted run and an uninterrupted one.
  void ExpectSameRun(const std::string& a, const std::string& b, const std::string& what) {
    for (const char* name : {"model.tmlp", "model_best.tmlp", "metrics.csv"}) {
      EXPECT_EQ(testing::ReadBytes(JoinPath(a, name)), testing::ReadBytes(JoinPath(b, name)))
          << what << ": " << name;
    }
    EXPECT_TRUE(Temporaries(a).empty()) << what;
    EXPECT_FALSE(PathExists(JoinPath(a, "checkpoint"))) << what << ": removed when finished";
    EXPECT_EQ(ReadRunRecord(JoinPath(a, "run.json")).status, "finished") << what;
  }
  // Trains `flags` into `out`, stopping it with `signal` a few milliseconds (the stop's index
  // times 7, so that the stops land at different places in an epoch) after metrics.csv has each
  // count of rows in `stops`, and resuming it after each; returns the steps it was stopped at.
  std::vector<long> TrainWithStops(const std::string& flags, const std::string& out,
                                   const std::vector<int>& stops, int signal) {
    std::vector<long> steps;
    const std::string err = dir_.File("err.txt");
    for (size_t i = 0; i <= stops.size(); ++i) {
      const std::string args =
          i == 0 ? "train --data " + Quote(data_) + " " + flags + " --out " + Quote(out)
                 : "train --resume " + Quote(out) + " --quiet";
      if (i == stops.size()) {
        const RunOutput r = RunTinymlp(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        break;
      }
      Child child(args, err);
      if (!child.WaitForRows(JoinPath(out, "metrics.csv"), stops[i])) {
        ADD_FAILURE() << "the run ended before its stop " << i << ": " << ReadText(err);
        return steps;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(7 * i));
      const int code = child.Stop(signal);
      const std::string text = ReadText(err);
      EXPECT_EQ(code, signal == SIGINT ? 130 : 143) << text;
      std::smatch m;
      const std::string tail =
          text.substr(text.rfind("tinymlp:") == std::string::npos ? 0 : text.rfind("tinymlp:"));
      EXPECT_TRUE(std::regex_search(tail, m,
                                    std::regex("interrupted at step ([0-9]+) of ([0-9]+): "
                                               "checkpoint and model in .*; resume with "
                                               "tinymlp train --resume ")))
          << text;
      if (m.size() == 3) steps.push_back(std::stol(m[1]));
      EXPECT_EQ(std::count(tail.begin(), tail.end(), '\n'), 1) << "one line: " << tail;
      EXPECT_TRUE(Temporaries(out).empty()) << "after stop " << i;
      EXPECT_EQ(ReadRunRecord(JoinPath(out, "run.json")).status, "interrupted");
      EXPECT_TRUE(PathExists(JoinPath(out, "model.tmlp"))) << "the model so far";
    }
    return steps;
  }
  TempDir dir_;
  std::string data_;
};

// 3,000 steps of a small network, 21 metrics points: long enough to stop in the middle.
const char kLongRun[] =
    "--hidden 20 --n-s 1500 --evals-per-cycle 20 --lambda 0.001 --threads 1 --quiet";

TEST_F(RunLifecycle, SigintThreeTimesThenResumeGivesTheSameBytesSgd) {
  ASSERT_EQ(Train(std::string(kLongRun) + " --out " + Quote(Out("whole"))).exit_code, 0);
  const std::vector<long> steps = TrainWithStops(kLongRun, Out("stopped"), {2, 6, 13}, SIGINT);
  ASSERT_EQ(steps.size(), 3u);
  for (long s : steps) EXPECT_TRUE(s > 0 && s < 3000) << s;
  std::printf("stopped with SIGINT at steps %ld, %ld, %ld of 3000 (SGD)\n", steps[0], steps[1],
              steps[2]);
  ExpectSameRun(Out("stopped"), Out("whole"), "SGD, three stops");
}

TEST_F(RunLifecycle, SigtermThenResumeGivesTheSameBytesAdamBatchNormDropoutAugment) {
  const std::string flags =
      "--hidden 16,8 --batch-norm --dropout 0.2 --augment flip,translate:2 --optimizer adam "
      "--eta-max 0.003 --n-s 600 --evals-per-cycle 20 --threads 1 --quiet";
  ASSERT_EQ(Train(flags + " --out " + Quote(Out("whole"))).exit_code, 0);
  const std::vector<long> steps = TrainWithStops(flags, Out("stopped"), {4}, SIGTERM);
  ASSERT_EQ(steps.size(), 1u);
  std::printf("stopped with SIGTERM at step %ld of 1200 (Adam, batch norm, dropout, augment)\n",
              steps[0]);
  ExpectSameRun(Out("stopped"), Out("whole"), "Adam + BN + dropout + augment");
}

TEST_F(RunLifecycle, KilledRunResumesFromItsLastPeriodicCheckpoint) {
  const std::string flags = std::string(kLongRun) + " --checkpoint-every 130";
  ASSERT_EQ(Train(flags + " --out " + Quote(Out("whole"))).exit_code, 0);
  {
    Child child("train --data " + Quote(data_) + " " + flags + " --out " + Quote(Out("killed")),
                dir_.File("err.txt"));
    ASSERT_TRUE(child.WaitForRows(JoinPath(Out("killed"), "metrics.csv"), 5));
    EXPECT_EQ(child.Stop(SIGKILL), 128 + SIGKILL);
  }
  EXPECT_EQ(ReadRunRecord(JoinPath(Out("killed"), "run.json")).status, "running");
  const RunOutput r = RunTinymlp("train --resume " + Quote(Out("killed")) + " --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"model.tmlp", "model_best.tmlp", "metrics.csv"}) {
    EXPECT_EQ(testing::ReadBytes(JoinPath(Out("killed"), name)),
              testing::ReadBytes(JoinPath(Out("whole"), name)))
        << name;
  }
}

TEST_F(RunLifecycle, RunJsonRecordsTheRunAndConfigRepeatsIt) {
  const std::string flags =
      "--hidden 16 --lambda 0.003 --batch-norm --seed 3 --n-s 30 --evals-per-cycle 2 --quiet";
  ASSERT_EQ(Train(flags + " --out " + Quote(Out("a"))).exit_code, 0);
  const std::string record = JoinPath(Out("a"), "run.json");
  const RunRecord a = ReadRunRecord(record);
  EXPECT_EQ(a.status, "finished");
  EXPECT_EQ(a.config.run.hidden, "16");
  EXPECT_EQ(a.config.run.lambda, 0.003f);
  EXPECT_EQ(a.config.run.seed, 3u);
  EXPECT_GE(a.config.threads, 1) << "the thread count used, not 0";
  EXPECT_EQ(a.data_files.size(), 3u) << "data_batch_1, data_batch_2, test_batch";
  EXPECT_FALSE(a.highway_target.empty());
  EXPECT_TRUE(
      std::regex_match(a.started, std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")));
  EXPECT_TRUE(a.has_results);
  EXPECT_EQ(a.results.steps_done, 60);
  const std::string json = ReadText(record);
  for (const std::string& name : RunSettingNames()) {
    EXPECT_NE(json.find("\"" + name + "\":"), std::string::npos) << name << " recorded";
  }
  EXPECT_NE(json.find("\"lambda\": 0.003,"), std::string::npos) << "floats written short: " << json;

  // --config repeats it to the byte; a flag given beside it wins and is recorded.
  const RunOutput b =
      RunTinymlp("train --config " + Quote(record) + " --quiet --out " + Quote(Out("b")));
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(testing::ReadBytes(JoinPath(Out("b"), "model.tmlp")),
            testing::ReadBytes(JoinPath(Out("a"), "model.tmlp")));
  const RunOutput c =
      RunTinymlp("train --config " + Quote(record) + " --seed 4 --quiet --out " + Quote(Out("c")));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(testing::ReadBytes(JoinPath(Out("c"), "model.tmlp")),
            testing::ReadBytes(JoinPath(Out("a"), "model.tmlp")));
  const RunRecord rc = ReadRunRecord(JoinPath(Out("c"), "run.json"));
  EXPECT_EQ(rc.config.run.seed, 4u);
  EXPECT_EQ(rc.config.run.lambda, 0.003f) << "the rest from the file";
  // Without --out, the recorded folder: which holds the run, so it is refused.
  ExpectOneLineError(RunTinymlp("train --config " + Quote(record)), 2, "already holds a run");
}

TEST_F(RunLifecycle, BadRunJsonIsOneLineAndExitOne) {
  ASSERT_EQ(Train("--hidden 8 --n-s 3 --quiet --out " + Quote(Out("a"))).exit_code, 0);
  const std::string good = ReadText(JoinPath(Out("a"), "run.json"));
  struct Case {
    std::string from, to, needle;
  };
  const Case cases[] = {
      {"\"format\": 1", "\"format\": 1,,", "not valid JSON"},
      {"\"format\": 1", "\"format\": 1, \"colour\": 2", "\"colour\" is not a key"},
      {"\"hidden\": \"8\"", "\"hidden\": \"8\", \"hiden\": \"8\"", "settings.hiden is not a key"},
      {"\"lambda\": 0.01", "\"lambda\": \"0.01\"", "settings.lambda is not a number"},
      {"\"batch\": 100", "\"batch\": 1.5", "settings.batch is not a whole number"},
      {"\"cycles\": 1", "\"cycles\": 99999999999", "settings.cycles is out of range"},
      {"\"seed\": 1", "\"seed\": -1", "settings.seed is not a whole number >= 0"},
      {"\"batch\": 100", "\"batch\": 0", "--batch"},
      {"\"optimizer\": \"sgd\"", "\"optimizer\": \"sgdd\"", "--optimizer"},
      {"\"status\": \"finished\"", "\"status\": \"done\"", "status"},
  };
  for (const Case& k : cases) {
    std::string text = good;
    const size_t at = text.find(k.from);
    ASSERT_NE(at, std::string::npos) << k.from;
    text.replace(at, k.from.size(), k.to);
    const std::string file = dir_.File("bad.json");
    testing::WriteBytes(file, std::vector<uint8_t>(text.begin(), text.end()));
    const RunOutput r = RunTinymlp("train --config " + Quote(file) + " --out " + Quote(Out("x")));
    SCOPED_TRACE(k.to);
    ExpectOneLineError(r, 1, k.needle);
    EXPECT_NE(r.err.find("bad.json"), std::string::npos) << r.err;
  }
}

TEST_F(RunLifecycle, OccupiedFolderIsRefusedAndForceClearsOnlyARunsFiles) {
  const std::string out = Out("run");
  ASSERT_EQ(Train("--hidden 8 --n-s 3 --quiet --out " + Quote(out)).exit_code, 0);
  const RunOutput again = Train("--hidden 8 --n-s 3 --quiet --out " + Quote(out));
  ExpectOneLineError(again, 2,
                     out +
                         " already holds a run (run.json); use --force to replace it or "
                         "--resume to continue it");
  // Beside the run: a file of the user's, an old chart, a temporary a killed writer left.
  testing::WriteBytes(JoinPath(out, "notes.txt"), {'h', 'i'});
  testing::WriteBytes(JoinPath(out, "cost.png"), {1});
  testing::WriteBytes(JoinPath(out, "model.tmlp.tmp.123"), {1});
  const RunOutput forced = Train("--hidden 8 --n-s 4 --quiet --force --out " + Quote(out));
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(PathExists(JoinPath(out, "notes.txt"))) << "not a run's file: kept";
  EXPECT_FALSE(PathExists(JoinPath(out, "cost.png"))) << "the old run's chart: removed";
  EXPECT_TRUE(Temporaries(out).empty());
  EXPECT_EQ(ReadRunRecord(JoinPath(out, "run.json")).config.run.n_s, 4) << "the new run";
  // A folder that holds only an older run's model is a run too.
  const std::string old = Out("old");
  MakeDirectories(old);
  testing::WriteBytes(JoinPath(old, "model.tmlp"), {1});
  ExpectOneLineError(Train("--n-s 3 --out " + Quote(old)), 2, "already holds a run (model.tmlp)");
}

TEST_F(RunLifecycle, ResumeRefusesWhatItCannotContinue) {
  const std::string out = Out("run");
  ASSERT_EQ(Train("--hidden 8 --n-s 3 --quiet --out " + Quote(out)).exit_code, 0);
  ExpectOneLineError(RunTinymlp("train --resume " + Quote(out)), 2,
                     "the run there has finished (run.json); there is nothing to resume");
  ExpectOneLineError(RunTinymlp("train --resume " + Quote(out) + " --lambda 0.1"), 2,
                     "--lambda cannot change a run being resumed");
  ExpectOneLineError(RunTinymlp("train --resume " + Quote(out) + " --force"), 2, "--force");
  ExpectOneLineError(RunTinymlp("train --resume " + Quote(Out("none"))), 1,
                     "holds no run to resume (no run.json)");
  ExpectOneLineError(Train("--n-s 3 --early-stop 2 --evals-per-cycle 0 --out " + Quote(Out("e"))),
                     2, "--early-stop");
}

TEST_F(RunLifecycle, ACheckpointOfAnotherRunIsRefused) {
  const std::string flags = std::string(kLongRun);
  for (const char* name : {"a", "b"}) {
    const std::string seed = name[0] == 'a' ? " --seed 1" : " --seed 2";
    Child child("train --data " + Quote(data_) + " " + flags + seed + " --out " + Quote(Out(name)),
                dir_.File("err.txt"));
    ASSERT_TRUE(child.WaitForRows(JoinPath(Out(name), "metrics.csv"), 2));
    ASSERT_EQ(child.Stop(SIGINT), 130);
  }
  std::rename(JoinPath(Out("b"), "checkpoint").c_str(), JoinPath(Out("a"), "checkpoint").c_str());
  ExpectOneLineError(RunTinymlp("train --resume " + Quote(Out("a"))), 1,
                     "was written by a run with other settings");
}

// test_batch.bin is the validation file here, so `eval` scores a model on the validation set.
TEST_F(RunLifecycle, EarlyStopKeepsTheBestModel) {
  const std::vector<uint8_t> validation = testing::ReadBytes(JoinPath(data_, "data_batch_2.bin"));
  testing::WriteBytes(JoinPath(data_, "test_batch.bin"), validation);
  const std::string out = Out("run");
  const RunOutput r =
      Train("--hidden 20 --n-s 300 --evals-per-cycle 30 --eta-max 0.5 --early-stop 2 --out " +
            Quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const RunRecord rec = ReadRunRecord(JoinPath(out, "run.json"));
  ASSERT_EQ(rec.status, "stopped early") << "random labels: the accuracy does not climb for long";
  EXPECT_LT(rec.results.steps_done, 600);
  EXPECT_NE(r.err.find("stopped early at step " + std::to_string(rec.results.steps_done)),
            std::string::npos)
      << r.err;
  char best[32];
  std::snprintf(best, sizeof(best), "accuracy=%.4f", rec.results.best_val_accuracy);
  char last[32];
  std::snprintf(last, sizeof(last), "accuracy=%.4f", rec.results.val_accuracy);
  const RunOutput eval_best = RunTinymlp("eval --model " + Quote(JoinPath(out, "model_best.tmlp")) +
                                         " --data " + Quote(data_));
  EXPECT_NE(eval_best.out.find(best), std::string::npos) << eval_best.out << " vs " << best;
  const RunOutput eval_last =
      RunTinymlp("eval --model " + Quote(JoinPath(out, "model.tmlp")) + " --data " + Quote(data_));
  EXPECT_NE(eval_last.out.find(last), std::string::npos) << eval_last.out << " vs " << last;
  EXPECT_LT(rec.results.best_step, rec.results.steps_done);
}

TEST_F(RunLifecycle, LogShowsOneProgressLinePerEvaluation) {
  const RunOutput r = Train("--hidden 8 --n-s 50 --evals-per-cycle 4 --out " + Quote(Out("a")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::regex line("progress: step [0-9]+/100 \\([0-9.]+%\\)  elapsed [0-9.]+ s  left .*");
  int lines = 0;
  size_t start = 0;
  while (start < r.err.size()) {
    const size_t end = r.err.find('\n', start);
    const std::string l = r.err.substr(start, end - start);
    if (l.rfind("progress:", 0) == 0) {
      ++lines;
      EXPECT_TRUE(std::regex_match(l, line)) << l;
    }
    start = end == std::string::npos ? r.err.size() : end + 1;
  }
  EXPECT_EQ(lines, 5) << "steps 0, 25, 50, 75, 100: " << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no terminal redraws in a log";
  const RunOutput quiet = Train("--hidden 8 --n-s 50 --quiet --out " + Quote(Out("b")));
  EXPECT_EQ(quiet.err.find("progress:"), std::string::npos) << quiet.err;
}

// A search stops on Ctrl-C with its finished runs in the results file, says so, and a rerun
// trains only the others.
TEST_F(RunLifecycle, SigintStopsASearchThatARerunContinues) {
  const std::string results = dir_.File("search.csv");
  const std::string args = "search --data " + Quote(data_) +
                           " --split 10k --lambda-log-min -4 --lambda-log-max -1 --count 4 --grid "
                           "--cycles 1 --n-s 600 --hidden 10 --threads 1 --results " +
                           Quote(results);
  int kept = 0;
  {
    Child child(args, dir_.File("err.txt"));
    ASSERT_TRUE(child.WaitForRows(results, 1)) << ReadText(dir_.File("err.txt"));
    EXPECT_EQ(child.Stop(SIGINT), 130);
    const std::string err = ReadText(dir_.File("err.txt"));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(err, m,
                                  std::regex("tinymlp: error: search interrupted \\(SIGINT\\): "
                                             "([0-9]) of 4 settings are in .*; run the same "
                                             "command to train the others\n$")))
        << err;
    kept = std::stoi(m[1]);
    const std::string text = ReadText(results);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + kept) << text;
  }
  const RunOutput rerun = RunTinymlp(args);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("runs_trained=" + std::to_string(4 - kept) +
                           "\nruns_found=" + std::to_string(kept) + "\n"),
            std::string::npos)
      << rerun.out;
}

// A disk that fills up before the final model: the weights go to $TMPDIR instead, and the error
// says where. Needs a small tmpfs, mounted in a user namespace (skipped where that is refused).
TEST_F(RunLifecycle, AFullDiskKeepsTheTrainedWeights) {
  const std::string small = dir_.File("small");
  MakeDirectories(small);
  if (std::system(
          ("unshare -rm sh -c 'mount -t tmpfs -o size=64k none " + Quote(small) + "' 2>/dev/null")
              .c_str()) != 0) {
    GTEST_SKIP() << "cannot mount a small tmpfs here (unshare -rm)";
  }
  const std::string flags = " --hidden 20 --n-s 10 --evals-per-cycle 0 --threads 1 --quiet";
  ASSERT_EQ(Train(flags + " --out " + Quote(Out("whole"))).exit_code, 0);
  const std::string tmp = dir_.File("tmp");
  MakeDirectories(tmp);
  // (Double quotes around the inner command: TinymlpCommand quotes the binary with single ones.)
  const std::string cmd =
      "TMPDIR=" + Quote(tmp) + " unshare -rm sh -c \"mount -t tmpfs -o " + "size=64k none " +
      small + " && exec " +
      testing::TinymlpCommand("train --data " + data_ + flags + " --out " + small + "/run") +
      "\" >/dev/null 2>" + Quote(dir_.File("err.txt"));
  const int status = std::system(cmd.c_str());
  const std::string err = ReadText(dir_.File("err.txt"));
  EXPECT_EQ(WEXITSTATUS(status), 1) << err;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(err, m,
                        std::regex("model.tmlp: write failed \\(No space left on device\\); "
                                   "the trained weights are in (\\S+) instead")))
      << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(testing::ReadBytes(m[1]), testing::ReadBytes(JoinPath(Out("whole"), "model.tmlp")))
      << "the weights kept are the run's";
}

}  // namespace
}  // namespace tinymlp
