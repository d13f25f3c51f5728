#!/usr/bin/env bash
# The README's test command, and what CI runs: installs the packages, finds CIFAR-10 without
# downloading it, builds and tests the release preset on the host, then cross-builds the rpi-aarch64
# and rpi-armhf presets and runs their tests under qemu. Ends with one summary line per suite
# ("release: 40 passed, 0 failed, 2 skipped") and a total; exits non-zero if any step failed.
# Usage: scripts/test.sh
# Environment: CIFAR10_DIR / CIFAR10_ARCHIVE  the data (see find_data.sh); without them the data
#              tests skip themselves.  TINYMLP_SKIP_ARM=1  skips the ARM suites and their packages.
set -euo pipefail
cd "$(dirname "$0")/.."

skip_arm=${TINYMLP_SKIP_ARM:-0}
if [[ $skip_arm == 1 ]]; then ./scripts/deps.sh; else ./scripts/deps.sh --arm; fi

rc=0
data=$(./scripts/find_data.sh --no-download) || rc=$?
case $rc in
  0) export CIFAR10_DIR=$data && echo "test.sh: CIFAR-10 data: $data" ;;
  3) echo "test.sh: no CIFAR-10 data configured (set CIFAR10_DIR or CIFAR10_ARCHIVE); data tests will be skipped" ;;
  *) exit "$rc" ;; # find_data.sh has said what is wrong
esac

summary=() passed=0 failed=0 skipped=0
# suite PRESET: configures, builds and tests PRESET, and adds its line to the summary. A suite that
# fails before its tests run counts as one failure in the total.
suite() {
  local p=$1 log=build/$1/ctest.log st=0 counts p_fail p_total p_skip
  echo "test.sh: === $p ==="
  if ! cmake --preset "$p"; then
    summary+=("$p: FAILED to configure") && failed=$((failed + 1)) && return
  fi
  if ! cmake --build --preset "$p" -j"$(nproc)"; then
    summary+=("$p: FAILED to build") && failed=$((failed + 1)) && return
  fi
  ctest --preset "$p" --output-on-failure 2>&1 | tee "$log" || st=$?
  # ctest closes with "N% tests passed, F tests failed out of T", counting skipped tests as passed.
  counts=$(sed -n 's/.*tests passed, \([0-9]*\) tests failed out of \([0-9]*\).*/\1 \2/p' "$log")
  if [[ -z $counts ]]; then
    summary+=("$p: FAILED, ctest ran no test (see $log)") && failed=$((failed + 1)) && return
  fi
  read -r p_fail p_total <<<"$counts"
  if ((st != 0 && p_fail == 0)); then # ctest failed for a reason other than a failing test
    summary+=("$p: FAILED, ctest exited $st (see $log)") && failed=$((failed + 1)) && return
  fi
  p_skip=$(grep -c '(Skipped)$' "$log" || true)
  summary+=("$p: $((p_total - p_fail - p_skip)) passed, $p_fail failed, $p_skip skipped")
  passed=$((passed + p_total - p_fail - p_skip)) failed=$((failed + p_fail)) skipped=$((skipped + p_skip))
}

suite release
if [[ $skip_arm == 1 ]]; then
  echo "test.sh: TINYMLP_SKIP_ARM=1: skipped the rpi-aarch64 and rpi-armhf suites"
  summary+=("rpi-aarch64: skipped (TINYMLP_SKIP_ARM=1)" "rpi-armhf: skipped (TINYMLP_SKIP_ARM=1)")
else
  suite rpi-aarch64
  suite rpi-armhf
fi

echo "test.sh: summary"
printf '%s\n' "${summary[@]}"
echo "total: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
