// Helpers shared by the tests: scratch folders, synthetic CIFAR-10 files, and running the
// tinymlp binary as a user would (under the emulator in cross builds).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tinymlp::testing {

// A fresh empty folder under $TMPDIR, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes);
std::vector<uint8_t> ReadBytes(const std::string& path);

// `count` random CIFAR-10 records (label byte + 3072 pixels), seeded.
std::vector<uint8_t> RandomBatchBytes(int count, uint64_t seed);
// A folder with data_batch_1..5.bin and test_batch.bin of `per_file` random records each.
void WriteRandomCifarDir(const std::string& dir, int per_file);

struct RunOutput {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `tinymlp ARGS` (ARGS is shell-quoted by the caller) and captures both streams.
RunOutput RunTinymlp(const std::string& args);
// The shell command that RunTinymlp runs, without redirections: for a test that starts the
// binary itself (to kill it, say).
std::string TinymlpCommand(const std::string& args);

// The real data folder from $CIFAR10_DIR, or "" when it is not set.
std::string RealDataDir();

}  // namespace tinymlp::testing
