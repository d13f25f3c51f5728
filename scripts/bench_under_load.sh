#!/usr/bin/env bash
# Training speed idle and on a busy machine, side by side (`scripts/bench.sh --under-load` runs
# this). Each measurement is a median of REPS runs (PyTorch's of 3), taken three times: idle;
# beside a loop that starts short processes one after another (what a build or a shell script
# does to a desktop); beside a steady busy loop. Both loads stop by themselves (`timeout`) even if this script dies.
#
# Measurements, at 1 and 2 threads: `tinymlp bench-train` (49k, m = 50, batch 100: ms per step),
# the 49k default run without evaluations (train_seconds and wall seconds), one epoch of the wide
# network (3072-1024-512-10, batch norm, dropout 0.1, Adam, batch 100: train_seconds) and the
# same epoch in PyTorch (scripts/peers/wide_epoch_torch.py, Debian python3-torch), and, with
# TINYMLP_PEER set, the same tinymlp measurements of that other binary (e.g. the previous commit).
#
# Usage: CIFAR10_DIR=... scripts/bench_under_load.sh
# Environment: TINYMLP_BENCH_BUILD (default build/release), TINYMLP_PEER, REPS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CIFAR10_DIR:?set CIFAR10_DIR to the CIFAR-10 binary folder}"
build=${TINYMLP_BENCH_BUILD:-build/release}
reps=${REPS:-5}
tmp=$(mktemp -d)
load_pid=""
cleanup() {
  [[ -n $load_pid ]] && kill "$load_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# The value of key=... in a command's output.
value_of() { grep -o "$1=[0-9.e+-]*" | tail -1 | cut -d= -f2; }

# measure NAME KEY COMMAND...: REPS runs (3 for the slow PyTorch peer), the median of the value
# of KEY the command prints last. Each run gets fresh output folders: train refuses an occupied one.
declare -A results
measure() {
  local name=$1 key=$2 n=$reps
  shift 2
  [[ $name != pytorch* ]] || n=$((reps < 3 ? reps : 3))
  local v
  v=$(for _ in $(seq "$n"); do
    rm -rf "$tmp/run" "$tmp/wide"
    "$@" 2>&1 | value_of "$key"
  done | median)
  results["$condition/$name"]=$v
  printf '  %-44s %10s\n' "$name" "$v"
}
wall() { /usr/bin/time -f "wall=%e" "$@" 2>&1 >/dev/null; }

run_all() {
  local bin label
  for bin in "$build/tinymlp" ${TINYMLP_PEER:+"$TINYMLP_PEER"}; do
    label=$([[ $bin == "$build/tinymlp" ]] && echo tinymlp || echo peer)
    for t in 1 2; do
      measure "$label bench-train ms/step, $t thr" ms_per_step \
        "$bin" bench-train --data "$CIFAR10_DIR" --threads "$t" --steps 2000
      measure "$label 49k run train s, $t thr" train_seconds \
        "$bin" train --data "$CIFAR10_DIR" --split 49k --lambda 0.00115 --n-s 980 --cycles 3 \
        --evals-per-cycle 0 --threads "$t" --out "$tmp/run"
      measure "$label 49k run wall s, $t thr" wall \
        wall "$bin" train --data "$CIFAR10_DIR" --split 49k --lambda 0.00115 --n-s 980 \
        --cycles 3 --evals-per-cycle 0 --threads "$t" --out "$tmp/run"
      measure "$label wide epoch s, $t thr" train_seconds \
        "$bin" train --data "$CIFAR10_DIR" --split 10k --hidden 1024,512 --batch-norm \
        --dropout 0.1 --optimizer adam --schedule linear-decay --eta-max 1e-3 --eta-min 1e-5 \
        --epochs 1 --evals-per-cycle 0 --lambda 1e-4 --threads "$t" --out "$tmp/wide"
    done
  done
  if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    for t in 1 2; do
      measure "pytorch wide epoch s, $t thr" torch_epoch_seconds \
        /usr/bin/python3 scripts/peers/wide_epoch_torch.py "$CIFAR10_DIR" "$t"
    done
  fi
}

cmake --build "$build" --target tinymlp >/dev/null
conditions=(idle churn busy)
for condition in "${conditions[@]}"; do
  case $condition in
    churn) timeout 3600 sh -c 'while :; do /bin/true; done' & load_pid=$! ;;
    busy) timeout 3600 sh -c 'while :; do :; done' & load_pid=$! ;;
  esac
  echo "bench_under_load: $condition ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
  run_all
  if [[ -n $load_pid ]]; then
    kill "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
    load_pid=""
  fi
done

echo "bench_under_load: medians of $reps, idle / beside a process-spawning loop / beside a busy loop"
printf '%-44s %10s %10s %10s %8s\n' measurement idle churn busy churn/idle
for key in "${!results[@]}"; do
  [[ $key == idle/* ]] || continue
  name=${key#idle/}
  i=${results[idle/$name]} c=${results[churn/$name]:-} b=${results[busy/$name]:-}
  printf '%-44s %10s %10s %10s %8s\n' "$name" "$i" "$c" "$b" \
    "$(awk -v c="$c" -v i="$i" 'BEGIN { if (i > 0) printf "x%.2f", c / i }')"
done | sort
