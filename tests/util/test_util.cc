#include "tests/util/test_util.h"

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "engine/base/rng.h"

namespace tinymlp::testing {

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp ? tmp : "/tmp") + "/tinymlp-test-XXXXXX";
  path_ = mkdtemp(pattern.data()) ? pattern : "";
}

TempDir::~TempDir() {
  if (!path_.empty()) std::system(("rm -rf '" + path_ + "'").c_str());
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<uint8_t> RandomBatchBytes(int count, uint64_t seed) {
  Rng rng(seed);
  std::vector<uint8_t> bytes(static_cast<size_t>(count) * 3073);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<uint8_t>(i % 3073 == 0 ? rng.Below(10) : rng.Below(256));
  }
  return bytes;
}

void WriteRandomCifarDir(const std::string& dir, int per_file) {
  for (int i = 1; i <= 5; ++i) {
    WriteBytes(dir + "/data_batch_" + std::to_string(i) + ".bin", RandomBatchBytes(per_file, i));
  }
  WriteBytes(dir + "/test_batch.bin", RandomBatchBytes(per_file, 99));
}

std::string TinymlpCommand(const std::string& args) {
  return std::string(TINYMLP_EMULATOR) + " '" + TINYMLP_BINARY + "' " + args;
}

RunOutput RunTinymlp(const std::string& args) {
  TempDir io;
  const std::string command =
      TinymlpCommand(args) + " >'" + io.File("out") + "' 2>'" + io.File("err") + "'";
  const int status = std::system(command.c_str());
  RunOutput result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const auto out = ReadBytes(io.File("out"));
  const auto err = ReadBytes(io.File("err"));
  result.out.assign(out.begin(), out.end());
  result.err.assign(err.begin(), err.end());
  return result;
}

std::string RealDataDir() {
  const char* dir = std::getenv("CIFAR10_DIR");
  return dir && *dir ? dir : "";
}

}  // namespace tinymlp::testing
