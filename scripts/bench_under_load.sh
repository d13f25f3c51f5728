#!/usr/bin/env bash
# Training speed idle and on a busy machine, side by side (`scripts/bench.sh --under-load` runs
# this). Each measurement is a median of REPS runs, taken three times: idle; beside a loop that
# starts short processes one after another (what a build or a shell script does to a desktop);
# beside a steady busy loop. Both loads stop by themselves (`timeout`) even if this script dies.
# Within a repetition every binary and thread count runs once, one after the other, so a drift
# in the machine's speed (a shared host's neighbours) reaches all of them alike.
#
# Measurements, at 1 and 2 threads: `tinymlp bench-train` (49k, m = 50, batch 100: the median step,
# the mean step, which pays for the stalled steps a median hides, and the median's GFLOP/s), the 49k
# default run without evaluations (train_seconds, and the wall seconds of the same run), one epoch
# of the wide network (3072-1024-512-10, batch norm, dropout 0.1, Adam, batch 100: train_seconds)
# and, idle, the same epoch in PyTorch (scripts/peers/wide_epoch_torch.py, Debian python3-torch,
# median of 3); with TINYMLP_PEER set, the same tinymlp measurements of that other binary (e.g. the
# previous commit's). Closes with the ratios the acceptance of issue 15 reads: 2 threads over 1 in
# each condition, loaded over idle, and this build over the peer; then the idle step's GFLOP/s as a
# share of the FMA peak (tinymlp-bench's fma_peak, where it is built).
#
# Usage: CIFAR10_DIR=... scripts/bench_under_load.sh
# Environment: TINYMLP_BENCH_BUILD (default build/release), TINYMLP_PEER, REPS (default 5),
#              CONDITIONS (default "idle churn busy").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CIFAR10_DIR:?set CIFAR10_DIR to the CIFAR-10 binary folder}"
build=${TINYMLP_BENCH_BUILD:-build/release}
reps=${REPS:-5}
read -r -a conditions <<<"${CONDITIONS:-idle churn busy}"
tmp=$(mktemp -d)
load_pid=""
cleanup() {
  if [[ -n $load_pid ]]; then kill "$load_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# The value of key=... in a command's output.
value_of() { grep -o "$1=[0-9.e+-]*" | tail -1 | cut -d= -f2; }

# One run of each measurement, for binary $1 at $2 threads; each prints "NAME VALUE" lines.
bench_train() {
  local out
  out=$("$1" bench-train --data "$CIFAR10_DIR" --threads "$2" --steps 2000 2>/dev/null)
  echo "bench-train ms/step $(value_of ms_per_step <<<"$out")"
  echo "bench-train mean ms/step $(value_of ms_mean_per_step <<<"$out")"
  echo "bench-train GFLOP/s $(value_of gflops <<<"$out")"
}
run_49k() {
  local out
  rm -rf "$tmp/run"
  out=$(/usr/bin/time -f "wall=%e" "$1" train --data "$CIFAR10_DIR" --split 49k --lambda 0.00115 \
    --n-s 980 --cycles 3 --evals-per-cycle 0 --threads "$2" --out "$tmp/run" --quiet 2>&1)
  echo "49k run train s $(value_of train_seconds <<<"$out")"
  echo "49k run wall s $(value_of wall <<<"$out")"
}
wide_epoch() {
  rm -rf "$tmp/wide"
  echo "wide epoch s $("$1" train --data "$CIFAR10_DIR" --split 10k --hidden 1024,512 --batch-norm \
    --dropout 0.1 --optimizer adam --schedule linear-decay --eta-max 1e-3 --eta-min 1e-5 \
    --epochs 1 --evals-per-cycle 0 --lambda 1e-4 --threads "$2" --out "$tmp/wide" --quiet \
    2>/dev/null | value_of train_seconds)"
}

binaries=("$build/tinymlp" ${TINYMLP_PEER:+"$TINYMLP_PEER"})
label_of() { [[ $1 == "$build/tinymlp" ]] && echo tinymlp || echo peer; }

# results: each measurement's median; runs: its samples in repetition order (for paired ratios).
declare -A samples results runs
run_condition() {
  local bin t name value
  for _ in $(seq "$reps"); do
    for bin in "${binaries[@]}"; do
      for t in 1 2; do
        while read -r -a f; do
          # A binary without the key (an older peer) prints no value: nothing to record.
          [[ ${f[-1]} =~ ^[0-9.e+-]+$ ]] || continue
          value=${f[-1]} name="$(label_of "$bin") ${f[*]:0:${#f[@]}-1}, $t thr"
          samples["$name"]+="$value "
        done < <(bench_train "$bin" "$t"; run_49k "$bin" "$t"; wide_epoch "$bin" "$t")
      done
    done
  done
  if [[ $condition == idle ]] && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    echo "bench_under_load: no PyTorch for /usr/bin/python3 (scripts/deps.sh --bench installs" \
      "python3-torch): its wide epoch is left out"
  elif [[ $condition == idle ]]; then
    for t in 1 2; do
      for _ in 1 2 3; do
        samples["pytorch wide epoch s, $t thr"]+="$(/usr/bin/python3 scripts/peers/wide_epoch_torch.py \
          "$CIFAR10_DIR" "$t" | value_of torch_epoch_seconds) "
      done
    done
  fi
  for name in "${!samples[@]}"; do
    results["$condition/$name"]=$(tr ' ' '\n' <<<"${samples[$name]}" | grep . | median)
    runs["$condition/$name"]=${samples[$name]}
  done
  for name in "${!samples[@]}"; do
    printf '  %-40s %10s   (%s)\n' "$name" "${results[$condition/$name]}" "${samples[$name]% }"
  done | sort
  samples=()
}

cmake --build "$build" --target tinymlp >/dev/null
# tinymlp-bench (for the FMA peak at the end) exists only where Google Benchmark is installed.
cmake --build "$build" --target tinymlp-bench >/dev/null 2>&1 || true
for condition in "${conditions[@]}"; do
  case $condition in
    churn) timeout 3600 sh -c 'while :; do /bin/true; done' & load_pid=$! ;;
    busy) timeout 3600 sh -c 'while :; do :; done' & load_pid=$! ;;
  esac
  echo "bench_under_load: $condition ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
  run_condition
  if [[ -n $load_pid ]]; then
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
  fi
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "x%.2f", a / b; else printf "-" }'; }
# The ratio a/b within each repetition (the two ran minutes apart at most, so a drift in the
# host's speed cancels), as "median (lowest-highest)"; $1, $2: the samples in repetition order.
paired_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); split(b, y, " "); m = 0
    for (i = 1; i <= n; ++i) if (x[i] > 0 && y[i] > 0) r[++m] = x[i] / y[i]
    if (m == 0) { printf "-"; exit }
    for (i = 2; i <= m; ++i) for (j = i; j > 1 && r[j - 1] > r[j]; --j) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
    med = (m % 2) ? r[(m + 1) / 2] : (r[m / 2] + r[m / 2 + 1]) / 2
    printf "x%.2f (x%.2f-x%.2f)", med, r[1], r[m]
  }'
}
echo "bench_under_load: medians of $reps (PyTorch: 3); ${conditions[*]}"
header=(measurement "${conditions[@]}")
printf '%-40s' "${header[0]}" && printf ' %10s' "${header[@]:1}" && echo
for key in "${!results[@]}"; do
  [[ $key == idle/* ]] || continue
  name=${key#idle/}
  printf '%-40s' "$name"
  for c in "${conditions[@]}"; do printf ' %10s' "${results[$c/$name]:--}"; done
  echo
done | sort
echo "bench_under_load: ratios (2 thr / 1 thr in each condition, of the medians, then paired:"
echo "  the median of each repetition's own ratio, lowest-highest; loaded / idle at 1 thread)"
for key in "${!results[@]}"; do
  [[ $key == */tinymlp*", 1 thr" || $key == */peer*", 1 thr" ]] || continue
  [[ $key != *GFLOP/s* ]] || continue # a rate: its ratios would read the other way round
  c=${key%%/*} name=${key#*/}
  two=${results[$c/${name%1 thr}2 thr]:-}
  line="$c ${name%, 1 thr}: 2/1 thr $(ratio "$two" "${results[$key]}")"
  line+=" paired $(paired_ratio "${runs[$c/${name%1 thr}2 thr]:-}" "${runs[$key]}")"
  [[ $c == idle ]] || line+=", $c/idle 1 thr $(ratio "${results[$key]}" "${results[idle/$name]:-}")"
  echo "  $line"
done | sort
if [[ -n ${TINYMLP_PEER:-} ]]; then
  echo "bench_under_load: this build / the peer (below 1: this build is faster)"
  for key in "${!results[@]}"; do
    [[ $key == */tinymlp* ]] || continue
    c=${key%%/*} name=${key#*/tinymlp }
    echo "  $c $name: $(ratio "${results[$key]}" "${results[$c/peer $name]:-}")"
  done | sort
fi
for t in 1 2; do
  w=${results["idle/tinymlp wide epoch s, $t thr"]:-} p=${results["idle/pytorch wide epoch s, $t thr"]:-}
  [[ -z $p ]] || echo "bench_under_load: idle wide epoch, $t thr: PyTorch / tinymlp $(ratio "$p" "$w")"
done
# The idle step against the ceiling: one core's FMA rate on registers alone (tinymlp-bench's
# fma_peak, the fastest target: the one dispatched), measured now that the loads have stopped.
if [[ -x $build/tinymlp-bench ]]; then
  peak=$("$build"/tinymlp-bench --benchmark_filter='^fma_peak/' --benchmark_min_time=0.5 2>/dev/null |
    grep -o 'GFLOPS=[0-9.e+]*' | cut -d= -f2 | sort -g | tail -1)
  for t in 1 2; do
    g=${results["idle/tinymlp bench-train GFLOP/s, $t thr"]:-}
    [[ -n $g && -n $peak ]] || continue
    echo "bench_under_load: idle bench-train, $t thr: $g GFLOP/s = $(awk -v g="$g" -v p="$peak" \
      -v t="$t" 'BEGIN { printf "%.0f", 100 * g / (p * t) }') % of $t x $peak (one core's FMA peak)"
  done
fi
