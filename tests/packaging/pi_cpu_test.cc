// The cross-built binary on a Raspberry Pi's CPU, under qemu: `tinymlp info` and `predict` print
// nothing on stderr, and the dispatched kernels run NEON (not SCALAR).
//
// aarch64: a Pi 3/4 (QEMU_CPU=cortex-a72, without the crypto extension). qemu's CPU models all
// report AES, so the test loads no_aes_shim.so into the guest (-E LD_PRELOAD), which clears the
// AES, PMULL, SHA1 and SHA2 bits of AT_HWCAP as a Pi 4 reports them; hwcap_probe shows it is in
// effect. There Highway 1.0.3 printed "WARNING: CPU supports 6000000000000000 but software
// requires 4000000010000000" at the first dispatch (see engine/ops/dispatch.cc).
// armhf: a Pi 2 (QEMU_CPU=cortex-a7), without a shim.
//
// Built for the target and run under the emulator like every test of the cross builds; the
// programs it starts run through the same emulator with their own QEMU_CPU. Compile definitions
// (tests/packaging/CMakeLists.txt): TINYMLP_EMULATOR, TINYMLP_PI_CPU, TINYMLP_NO_AES_SHIM and
// TINYMLP_HWCAP_PROBE (both "" on armhf).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "engine/base/arena.h"
#include "engine/io/cifar10.h"
#include "engine/io/model_file.h"
#include "engine/model/init.h"
#include "engine/model/mlp.h"
#include "tests/util/test_util.h"

namespace tinymlp {
namespace {

using testing::RunOutput;
using testing::TempDir;

const std::string kShim = TINYMLP_NO_AES_SHIM;

// Runs PROGRAM ARGS (shell-quoted by the caller) under the emulator on the Pi's CPU model, with
// the no-AES shim loaded when `shim` (aarch64 only), and captures both streams.
RunOutput RunOnPi(const std::string& program, const std::string& args, bool shim) {
  TempDir io;
  std::string command = std::string("env QEMU_CPU=") + TINYMLP_PI_CPU + " " + TINYMLP_EMULATOR;
  if (shim) command += " -E LD_PRELOAD='" + kShim + "'";
  command += " '" + program + "' " + args + " >'" + io.File("out") + "' 2>'" + io.File("err") + "'";
  const int status = std::system(command.c_str());
  RunOutput result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const auto out = testing::ReadBytes(io.File("out"));
  const auto err = testing::ReadBytes(io.File("err"));
  result.out.assign(out.begin(), out.end());
  result.err.assign(err.begin(), err.end());
  return result;
}

// The value of `key=` in key=value lines, or "" when absent.
std::string Value(const std::string& lines, const std::string& key) {
  const size_t at = lines.find(key + "=");
  if (at == std::string::npos || (at > 0 && lines[at - 1] != '\n')) return "";
  const size_t start = at + key.size() + 1;
  return lines.substr(start, lines.find('\n', start) - start);
}

TEST(PiCpu, ShimClearsTheCryptoBits) {
  if (kShim.empty()) GTEST_SKIP() << "armhf: no shim (a Pi 2's Cortex-A7 has no crypto anyway)";
  const RunOutput plain = RunOnPi(TINYMLP_HWCAP_PROBE, "", false);
  const RunOutput shimmed = RunOnPi(TINYMLP_HWCAP_PROBE, "", true);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(shimmed.exit_code, 0) << shimmed.err;
  const unsigned long with = std::stoul(Value(plain.out, "hwcap"), nullptr, 16);
  const unsigned long without = std::stoul(Value(shimmed.out, "hwcap"), nullptr, 16);
  EXPECT_EQ(with & 0x78, 0x78u) << "qemu's " << TINYMLP_PI_CPU << " reports AES, PMULL, SHA1, SHA2";
  EXPECT_EQ(without & 0x78, 0u) << "the shim clears them";
  EXPECT_EQ(without, with & ~0x78ul) << "and nothing else";
}

TEST(PiCpu, InfoIsQuietAndChoosesNeon) {
  const RunOutput r = RunOnPi(TINYMLP_BINARY, "info", !kShim.empty());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "") << "stderr on a Pi's CPU";
  EXPECT_EQ(Value(r.out, "chosen_target"), "NEON") << r.out;
}

// A random 3072-8-10 model on 100 random images: the same probabilities, bit for bit, on the Pi
// CPU (without AES on aarch64) as on the same CPU model with AES, where Highway's own dispatch
// picks NEON; nothing on stderr.
TEST(PiCpu, PredictIsQuietAndMatchesTheCpuWithAes) {
  TempDir dir;
  MlpShape shape;
  shape.hidden = {8};
  Arena arena(MeasureArena<Mlp<float>>(shape, 1));
  Mlp<float> net(shape, 1, arena);
  InitWeights(net, 1234);
  Normalization norm;
  norm.mean.assign(kImageDim, 120.0f);
  norm.inv_std.assign(kImageDim, 1.0f / 64);
  SaveModel(dir.File("model.tmlp"), Model::FromNetwork(net, norm));
  testing::WriteBytes(dir.File("images.bin"), testing::RandomBatchBytes(100, 5));

  const std::string args = "predict --json --top 10 --model '" + dir.File("model.tmlp") + "' '" +
                           dir.File("images.bin") + "'";
  const RunOutput pi = RunOnPi(TINYMLP_BINARY, args, !kShim.empty());
  const RunOutput with_aes = RunOnPi(TINYMLP_BINARY, args, false);
  ASSERT_EQ(pi.exit_code, 0) << pi.err;
  ASSERT_EQ(with_aes.exit_code, 0) << with_aes.err;
  EXPECT_EQ(pi.err, "") << "stderr on a Pi's CPU";
  EXPECT_NE(pi.out.find("\"accuracy\""), std::string::npos) << pi.out;
  EXPECT_EQ(pi.out, with_aes.out);
}

}  // namespace
}  // namespace tinymlp
