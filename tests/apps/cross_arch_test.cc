// The model file is the same on every architecture: a model trained here (x86) and run by the
// cross-built ARM binaries under qemu gives the same class for each of 1,000 CIFAR-10 test images,
// with every probability within 1e-5 of the host's, and prints nothing on stderr (on a Pi 3/4 CPU
// Highway 1.0.3 used to warn there: engine/ops/dispatch.cc).
//
// Needs the data (CIFAR10_DIR) and the ARM binaries, named in TINYMLP_CROSS_RUNNERS as
// "name=command;name=command..." where each command runs a tinymlp binary, e.g.
//   aarch64=qemu-aarch64 build/rpi-aarch64/tinymlp;armhf-a7=env QEMU_CPU=cortex-a7 qemu-arm ...
// scripts/test.sh sets it after building the rpi presets and runs this test then; anywhere else
// it skips with a message.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/cifar10.h"

namespace tinymlp {
namespace {

constexpr int kImages = 1000;
constexpr double kTolerance = 1e-5;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Runs `command` through the shell with stdout to `out` (and stderr to `err` when given); returns
// the exit code (-1: no exit).
int Shell(const std::string& command, const std::string& out, const std::string& err = "") {
  const std::string redirect = " >'" + out + "'" + (err.empty() ? "" : " 2>'" + err + "'");
  const int status = std::system((command + redirect).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// From `predict --json --per-image --decimals 9 --top 10` on one batch file: per image, the
// probability of each class (indexed by class). Reads the "index":k,"probability":p pairs in
// order (predict writes each class's keys as class, index, probability); returns an empty list
// when the text does not have that shape.
std::vector<std::vector<double>> ParseProbabilities(const std::string& json) {
  std::vector<std::vector<double>> images;
  int filled = kClasses;
  const std::string key = "\"index\":", next = ",\"probability\":";
  for (size_t at = json.find(key); at != std::string::npos; at = json.find(key, at)) {
    char* end = nullptr;
    const long k = std::strtol(json.c_str() + at + key.size(), &end, 10);
    at = end - json.c_str();
    if (json.compare(at, next.size(), next) != 0 || k < 0 || k >= kClasses) return {};
    const double p = std::strtod(json.c_str() + at + next.size(), &end);
    at = end - json.c_str();
    if (filled == kClasses) images.emplace_back(kClasses, -1.0), filled = 0;
    if (images.back()[k] != -1.0) return {};  // a class listed twice
    images.back()[k] = p;
    ++filled;
  }
  if (filled != kClasses) return {};
  return images;
}

int ArgMax(const std::vector<double>& p) {
  int best = 0;
  for (int k = 1; k < static_cast<int>(p.size()); ++k)
    if (p[k] > p[best]) best = k;
  return best;
}

// "a=x;b=y" -> {{"a","x"},{"b","y"}}; empty fields are ignored.
std::vector<std::pair<std::string, std::string>> ParseRunners(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> runners;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = text.find(';', start);
    if (semi == std::string::npos) semi = text.size();
    const std::string field = text.substr(start, semi - start);
    const size_t eq = field.find('=');
    if (eq != std::string::npos && eq > 0)
      runners.emplace_back(field.substr(0, eq), field.substr(eq + 1));
    start = semi + 1;
  }
  return runners;
}

TEST(CrossArch, ArmBuildsPredictLikeTheHost) {
  const char* data = std::getenv("CIFAR10_DIR");
  if (data == nullptr || *data == '\0') GTEST_SKIP() << "CIFAR10_DIR is not set";
  const char* runners_env = std::getenv("TINYMLP_CROSS_RUNNERS");
  if (runners_env == nullptr || *runners_env == '\0') {
    GTEST_SKIP() << "TINYMLP_CROSS_RUNNERS is not set (scripts/test.sh sets it after building "
                    "the rpi presets, then runs this test)";
  }
  const auto runners = ParseRunners(runners_env);
  ASSERT_FALSE(runners.empty()) << "TINYMLP_CROSS_RUNNERS='" << runners_env
                                << "' has no name=command field";

  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/cross_arch_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  const std::string host = std::string("'") + TINYMLP_BINARY + "'";

  // A small model, trained here in a few seconds.
  ASSERT_EQ(Shell(host + " train --data '" + data + "' --split 10k --n-s 100 --cycles 1" +
                      " --evals-per-cycle 0 --seed 7 --out '" + dir + "/run' 2>/dev/null",
                  dir + "/train.txt"),
            0)
      << ReadText(dir + "/train.txt");
  const std::string model = dir + "/run/model.tmlp";

  // The first 1,000 test images, as a batch file.
  const std::vector<uint8_t> bytes = [&] {
    std::ifstream in(ResolveCifarDir(data) + "/test_batch.bin", std::ios::binary);
    std::vector<uint8_t> b(static_cast<size_t>(kImages) * kRecordBytes);
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    b.resize(static_cast<size_t>(in.gcount()));
    return b;
  }();
  ASSERT_EQ(bytes.size(), static_cast<size_t>(kImages) * kRecordBytes) << "test_batch.bin";
  const std::string batch = dir + "/test1000.bin";
  std::ofstream(batch, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));

  const std::string args =
      " predict --json --per-image --decimals 9 --top 10 --model '" + model + "' '" + batch + "'";
  ASSERT_EQ(Shell(host + args, dir + "/host.json"), 0);
  const auto expected = ParseProbabilities(ReadText(dir + "/host.json"));
  ASSERT_EQ(expected.size(), static_cast<size_t>(kImages)) << "host predict --json output";

  for (const auto& [name, command] : runners) {
    SCOPED_TRACE(name + ": " + command);
    const std::string out = dir + "/" + name + ".json", err = dir + "/" + name + ".err";
    ASSERT_EQ(Shell(command + args, out, err), 0) << ReadText(err);
    EXPECT_EQ(ReadText(err), "") << name << ": stderr";
    const auto got = ParseProbabilities(ReadText(out));
    ASSERT_EQ(got.size(), static_cast<size_t>(kImages)) << "predict --json output of " << name;
    int other_class = 0, off = 0;
    double worst = 0;
    for (int i = 0; i < kImages; ++i) {
      other_class += ArgMax(got[i]) != ArgMax(expected[i]);
      for (int k = 0; k < kClasses; ++k) {
        const double d = std::fabs(got[i][k] - expected[i][k]);
        off += d > kTolerance;
        worst = std::max(worst, d);
      }
    }
    EXPECT_EQ(other_class, 0) << name << ": images classified differently from the host";
    EXPECT_EQ(off, 0) << name << ": probabilities off by more than " << kTolerance
                      << " (largest difference " << worst << ")";
    std::printf(
        "%s: %d images, %d classified unlike the host, largest probability difference %.3g\n",
        name.c_str(), kImages, other_class, worst);
  }
  std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace tinymlp
