#!/usr/bin/env bash
# The README's test command, and what CI runs: installs the packages, finds CIFAR-10 without
# downloading it, builds and tests the release preset on the host, then cross-builds the rpi-aarch64
# and rpi-armhf presets and runs their tests under qemu with a Pi's CPU (QEMU_CPU=cortex-a72 for
# aarch64, cortex-a7 for armhf), and the aarch64 kernel tests again with qemu's default CPU (it
# offers SVE and SVE2, so Highway's other targets are tested too), and last runs the
# cross-architecture check (tests/apps/cross_arch_test.cc: a model trained here predicts alike on
# the ARM builds, also the full aarch64 build on a Pi 4's CPU without AES, and prints nothing on
# stderr), then makes the Debian packages of the release and inference-only Pi builds
# (scripts/package.sh) and checks them (tests/packaging/check_deb.sh: control fields, contents,
# the unpacked binaries run, lintian).
# On the host it also builds the release-mpi preset and runs its `mpirun` tests (ctest -L mpi),
# the release-inference preset (the inference-only build a Pi gets) with its own tests, and the
# sanitize preset (clang 14, ASan + UBSan, any report fails the test; kernels for AVX3, AVX2 and
# EMU128 only: without AVX2 a machine lacking AVX-512 ran every test on EMU128, and under ASan its
# memory-held vectors made the training tests 10-20x slower, 230 s of tests against 85 s on the
# Zen 3 machine): the unit suite again, and
# each fuzz target of tests/fuzz over its committed corpus plus 50,000 new inputs (label fuzz);
# the tests on the real data and the install tests are left out there (CMakePresets.json), and the
# command-line tests (label cli: they run the binary and check its messages, which the release
# suite does; the cli fuzz target covers argument parsing under the sanitizers) are not even built
# (TINYMLP_CLI_TESTS=OFF), to keep the suite's time down. The ARM suites run two tests at a time
# and leave out the data tests. The aarch64 suite does not build the command-line tests either,
# and leaves out the arena tests (NoAlloc, MeasuredArena): a 64-bit Linux like the host's. armhf,
# 32-bit, runs the arena tests and the command-line tests of what a Pi runs, not those of the
# training commands (ExperimentsCli, NetworkFlagsCli, OutputCli, BenchTrain) nor the run-lifecycle
# tests (label lifecycle): they train for many minutes under qemu and check files and signals,
# which behave alike on every architecture; the release suite runs them.
# Ends with one summary line per suite ("release: 40 passed, 0 failed, 2 skipped, 118 s") and a
# total with the time; exits non-zero if any step failed.
# Usage: scripts/test.sh
# Environment: CIFAR10_DIR / CIFAR10_ARCHIVE  the data (see find_data.sh); without them the data
#              tests skip themselves.  TINYMLP_SKIP_ARM=1  skips the ARM suites and their packages.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_arm=${TINYMLP_SKIP_ARM:-0}
deps=(--mpi --fuzz --lint --ccache)
[[ $skip_arm == 1 ]] || deps+=(--arm)
./scripts/deps.sh "${deps[@]}"

# The presets compile most files with the same flags: release, release-mpi and release-inference
# differ only in a few targets' definitions, and so do rpi-armhf and rpi-armhf-inference. Through
# ccache each such file is compiled once (on a fresh clone: release-mpi 172 -> 35 s,
# release-inference 113 -> 41 s). CMake reads the launcher from the environment when it first
# configures a build folder; the cache lives in build/ccache, with the builds it serves.
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$PWD/build/ccache}
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
fi

rc=0
data=$(./scripts/find_data.sh --no-download) || rc=$?
case $rc in
  0) export CIFAR10_DIR=$data && echo "test.sh: CIFAR-10 data: $data" ;;
  3) echo "test.sh: no CIFAR-10 data configured (set CIFAR10_DIR or CIFAR10_ARCHIVE); data tests will be skipped" ;;
  *) exit "$rc" ;; # find_data.sh has said what is wrong
esac

summary=() passed=0 failed=0 skipped=0
# suite PRESET [QEMU_CPU [LABEL]]: configures, builds and tests PRESET (the tests under that qemu
# CPU model when given, only those labelled LABEL when given), and adds its line to the summary. A
# suite that fails before its tests run counts as one failure in the total.
suite() {
  local p=$1 cpu=${2:-} label=${3:-} st=0 counts p_fail p_total p_skip start=$SECONDS labels=()
  [[ -z $label ]] || labels=(-L "$label")
  local log=build/$1/ctest${cpu:+-$cpu}${label:+-$label}.log
  local name=$1${cpu:+ (QEMU_CPU=$cpu)}
  [[ -z $label ]] || name+=" ($label tests${cpu:+ only})"
  echo "test.sh: === $name ==="
  if ! cmake --preset "$p"; then
    summary+=("$name: FAILED to configure") && failed=$((failed + 1)) && return
  fi
  if ! cmake --build --preset "$p" -j"$(nproc)"; then
    summary+=("$name: FAILED to build") && failed=$((failed + 1)) && return
  fi
  env ${cpu:+QEMU_CPU=$cpu} ctest --preset "$p" "${labels[@]}" --output-on-failure 2>&1 | tee "$log" || st=$?
  # ctest closes with "N% tests passed, F tests failed out of T", counting skipped tests as passed.
  counts=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log")
  if [[ -z $counts ]]; then
    summary+=("$name: FAILED, ctest ran no test (see $log)") && failed=$((failed + 1)) && return
  fi
  read -r p_fail p_total <<<"$counts"
  if ((st != 0 && p_fail == 0)); then # ctest failed for a reason other than a failing test
    summary+=("$name: FAILED, ctest exited $st (see $log)") && failed=$((failed + 1)) && return
  fi
  p_skip=$(grep -c '(Skipped)$' "$log" || true)
  summary+=("$name: $((p_total - p_fail - p_skip)) passed, $p_fail failed, $p_skip skipped, $((SECONDS - start)) s")
  passed=$((passed + p_total - p_fail - p_skip)) failed=$((failed + p_fail)) skipped=$((skipped + p_skip))
}

# The no-AES shim the rpi-aarch64 build makes (tests/packaging): with it, qemu's cortex-a72 is a Pi
# 3/4's CPU, whose missing AES made Highway 1.0.3 warn (engine/ops/dispatch.cc).
shim=$PWD/build/rpi-aarch64/tests/packaging/libno_aes_shim.so

# cross_check: builds the inference-only binaries a Pi gets (presets rpi-*-inference, stripped
# copies beside them), then runs the host's cross_arch_test on them under qemu (default CPU and the
# Pi CPUs), and on the full rpi-aarch64 binary on a Pi 4's CPU without AES. It needs the data:
# without it the test skips itself.
cross_check() {
  local log=build/release/ctest-cross.log st=0 runners p sizes="" start=$SECONDS
  local a64=$PWD/build/rpi-aarch64-inference/tinymlp a32=$PWD/build/rpi-armhf-inference/tinymlp
  echo "test.sh: === cross-arch ==="
  for p in rpi-aarch64-inference rpi-armhf-inference; do
    if ! { cmake --preset "$p" && cmake --build --preset "$p" -j"$(nproc)"; }; then
      summary+=("cross-arch: FAILED to build $p") && failed=$((failed + 1)) && return
    fi
  done
  aarch64-linux-gnu-strip -o "$a64.stripped" "$a64"
  arm-linux-gnueabihf-strip -o "$a32.stripped" "$a32"
  sizes="stripped inference-only binaries: aarch64 $(stat -c %s "$a64.stripped") bytes,"
  sizes+=" armhf $(stat -c %s "$a32.stripped") bytes"
  runners="aarch64=qemu-aarch64 $a64;aarch64-cortex-a72=env QEMU_CPU=cortex-a72 qemu-aarch64 $a64"
  runners+=";armhf=qemu-arm $a32;armhf-cortex-a7=env QEMU_CPU=cortex-a7 qemu-arm $a32"
  if [[ -f $shim && -x build/rpi-aarch64/tinymlp ]]; then
    runners+=";aarch64-full-pi4-no-aes=env QEMU_CPU=cortex-a72 qemu-aarch64 -E LD_PRELOAD=$shim"
    runners+=" $PWD/build/rpi-aarch64/tinymlp"
  fi
  TINYMLP_CROSS_RUNNERS=$runners ctest --test-dir build/release -R '^CrossArch\.' -V 2>&1 |
    tee "$log" || st=$?
  if ((st != 0)); then
    summary+=("cross-arch: FAILED (see $log)") && failed=$((failed + 1))
  elif ! grep -q '100% tests passed' "$log"; then
    summary+=("cross-arch: FAILED, ctest ran no test (see $log)") && failed=$((failed + 1))
  elif grep -q '(Skipped)$\|\[  SKIPPED \]' "$log"; then
    summary+=("cross-arch: skipped (no CIFAR-10 data); $sizes") && skipped=$((skipped + 1))
  else
    summary+=("cross-arch: passed, $((SECONDS - start)) s; $sizes") && passed=$((passed + 1))
  fi
}

# packages: the .deb files of the release build and, unless TINYMLP_SKIP_ARM=1, of the
# inference-only Pi builds (scripts/package.sh; the presets are built by then, so this is mostly
# cpack), checked by tests/packaging/check_deb.sh, lintian included (deps.sh --lint installs it).
packages() {
  local presets=(release) log=build/packages-check.log st=0 start=$SECONDS
  [[ $skip_arm == 1 ]] || presets+=(rpi-aarch64-inference rpi-armhf-inference)
  echo "test.sh: === packages ==="
  rm -rf build/packages
  if ! ./scripts/package.sh --no-deps "${presets[@]}"; then
    summary+=("packages: FAILED to build (scripts/package.sh)") && failed=$((failed + 1)) && return
  fi
  local args=(--lintian)
  [[ ! -f $shim ]] || args+=(--no-aes-shim "$shim")
  tests/packaging/check_deb.sh "${args[@]}" build/packages 2>&1 | tee "$log" || st=$?
  if ((st != 0)); then
    summary+=("packages: FAILED (see $log)") && failed=$((failed + 1))
  else
    summary+=("packages: passed ($(cd build/packages && echo *.deb)), $((SECONDS - start)) s")
    passed=$((passed + 1))
  fi
}

suite release
# The distributed search (preset release-mpi: the tinymlp binary built with Open MPI and the
# tests labelled mpi, which start `mpirun -np 3`; a couple of minutes).
suite release-mpi
# The inference-only build (what the Pi packages hold), with the tests that only it compiles.
suite release-inference
# Memory errors and undefined behaviour: the unit suite under ASan + UBSan (float-cast-overflow
# too), and the fuzz targets from their corpora (scripts/fuzz.sh fuzzes them for longer).
suite sanitize
if [[ $skip_arm == 1 ]]; then
  echo "test.sh: TINYMLP_SKIP_ARM=1: skipped the rpi-aarch64 and rpi-armhf suites"
  summary+=("rpi-aarch64: skipped (TINYMLP_SKIP_ARM=1)" "rpi-armhf: skipped (TINYMLP_SKIP_ARM=1)"
    "cross-arch: skipped (TINYMLP_SKIP_ARM=1)")
else
  # The whole suite on a Pi's CPU model, which is what it will run on (and, on aarch64, 3x faster
  # under qemu than the default CPU's SVE: 283 -> 83 s); the aarch64 kernels again on the default
  # CPU, where Highway picks SVE and SVE2 (the rest of the suite does not depend on the target).
  # armhf's default CPU offers no other target than a Pi 2's NEON.
  suite rpi-aarch64 cortex-a72 # Pi 4
  suite rpi-aarch64 "" kernel
  suite rpi-armhf cortex-a7 # Pi 2
  cross_check
fi
packages

echo "test.sh: summary"
printf '%s\n' "${summary[@]}"
echo "total: $passed passed, $failed failed, $skipped skipped, $((SECONDS / 60)) min $((SECONDS % 60)) s"
((failed == 0))
