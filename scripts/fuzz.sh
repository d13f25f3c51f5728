#!/usr/bin/env bash
# Fuzzes every reader of outside bytes (the libFuzzer targets of tests/fuzz, built by the preset
# sanitize: clang 14, ASan + UBSan) for SECONDS each, two targets at a time on a 2-core machine,
# and prints per target the executions, the coverage reached (cov: edges, ft: features), the
# corpus size and the findings. Each target grows a working corpus under build/sanitize/
# fuzz-corpus/<target>, seeded from tests/fuzz/corpus/<target> (the committed seeds are only
# read), so later runs start where earlier ones stopped. A finding (crash, sanitizer report,
# timeout, out of memory) is saved under build/sanitize/fuzz-findings/<date-time>/<target>/ and
# listed; the target is then started again for the time left. Exits 1 when anything was found.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 s; targets: model_file cifar10_batch
#        image_input metrics_csv search_results cli)
# Reproduce a finding: build/sanitize/fuzz/<target>_fuzz FILE
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(model_file cifar10_batch image_input metrics_csv search_results cli)
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "fuzz.sh: SECONDS must be a whole number > 0" >&2; exit 2; }

./scripts/deps.sh --fuzz
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$(nproc)" --target "${targets[@]/%/_fuzz}"

build=build/sanitize
logs=$build/fuzz-logs
found_dir=$build/fuzz-findings/$(date +%Y%m%d-%H%M%S)
mkdir -p "$logs"

# Extra flags per target, as tests/fuzz/CMakeLists.txt gives them: the longest input worth
# trying (a three-record batch is 9219 bytes), and the target's dictionary when it has one.
flags_of() {
  case $1 in
    cifar10_batch | image_input) echo -n "-max_len=10000" ;;
    cli) echo -n "-max_len=512" ;;
    *) echo -n "-max_len=4096" ;;
  esac
  [[ ! -f tests/fuzz/$1.dict ]] || echo -n " -dict=tests/fuzz/$1.dict"
  echo
}

# fuzz_one TARGET: runs it until SECONDS have passed, restarting after each finding.
fuzz_one() {
  local t=$1 corpus=$build/fuzz-corpus/$1 findings=$found_dir/$1 log=$logs/$1.log
  local start=$SECONDS left run=0
  mkdir -p "$corpus" "$findings"
  : >"$log"
  while left=$((seconds - (SECONDS - start))) && ((left > 0)); do
    run=$((run + 1))
    # shellcheck disable=SC2046  # flags_of gives several words
    "$build/fuzz/${t}_fuzz" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$findings/" $(flags_of "$t") \
      "$corpus" "tests/fuzz/corpus/$t" >>"$log" 2>&1 || true
    ((run < 50)) || break  # the same finding over and over: enough
  done
}

echo "fuzz.sh: ${#targets[@]} targets, $seconds s each, $(nproc) at a time; logs in $logs"
running=0
for t in "${targets[@]}"; do
  fuzz_one "$t" &
  running=$((running + 1))
  if ((running >= $(nproc))); then
    wait -n
    running=$((running - 1))
  fi
done
wait

found=0
printf '%-16s %8s %12s %10s %6s %7s %7s %9s\n' target seconds execs exec/s cov ft corpus findings
for t in "${targets[@]}"; do
  log=$logs/$t.log
  # Executions: the sum over the runs (one per restart) of libFuzzer's final count.
  execs=$(awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}' "$log")
  # Coverage: the last status line ("#N ... cov: C ft: F corp: K/...").
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(find "$build/fuzz-corpus/$t" -type f | wc -l)
  n=$(find "$found_dir/$t" -type f | wc -l)
  found=$((found + n))
  printf '%-16s %8s %12s %10s %6s %7s %7s %9s\n' "$t" "$seconds" "$execs" \
    "$((execs / seconds))" "${cov:-?}" "${ft:-?}" "$corp" "$n"
done
if ((found)); then
  echo "fuzz.sh: $found findings (reproduce: $build/fuzz/TARGET_fuzz FILE):"
  find "$found_dir" -type f | sort
  exit 1
fi
echo "fuzz.sh: no findings"
