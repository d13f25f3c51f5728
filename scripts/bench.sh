#!/usr/bin/env bash
# Regenerates the figures in docs/benchmarks.md: builds the release preset, runs tinymlp-bench
# (every Highway target, 1 and all threads, OpenBLAS and the scalar reference in the same run;
# medians of 5 repetitions), prints each GEMM's median beside OpenBLAS's as a ratio, then times
# training steps with `tinymlp bench-train` and the 49k / 3-cycle training run.
# Usage: scripts/bench.sh [extra tinymlp-bench flags, e.g. --benchmark_filter=NN_50x]
#        scripts/bench.sh --under-load   training speed idle and beside two kinds of load, side by
#                                        side (scripts/bench_under_load.sh; needs CIFAR10_DIR)
# Environment: CIFAR10_DIR  the data for bench-train and the training run (skipped without it).
#              TINYMLP_BENCH_BUILD  an already configured build folder to use instead of the
#              release preset's (build/release).
#
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for tinymlp-bench only, so OpenBLAS picks its
# best kernels for this CPU (the machine's environment may pin it to older ones); tests and CI
# keep the environment as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --under-load ]]; then
  shift
  ./scripts/deps.sh --bench
  [[ -n ${TINYMLP_BENCH_BUILD:-} ]] || cmake --preset release >/dev/null
  exec scripts/bench_under_load.sh "$@"
fi

./scripts/deps.sh # libopenblas-dev, the peer of the GEMM benchmarks
build=${TINYMLP_BENCH_BUILD:-build/release}
[[ -n ${TINYMLP_BENCH_BUILD:-} ]] || cmake --preset release >/dev/null
cmake --build "$build" --target tinymlp tinymlp-bench
out=$build/bench
mkdir -p "$out"

echo "bench.sh: $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$build"/tinymlp-bench \
  --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.1 "$@" | tee "$out/kernels.txt"

# Ratios: each GEMM median over the OpenBLAS median of the same shape and thread count.
# And each as a share of its target's FMA peak (fma_peak/...: one core on registers alone), times
# the thread count: the ceiling nothing can pass, measured in the same run.
echo "bench.sh: GEMM median GFLOP/s, the ratio to OpenBLAS in this run, the share of the FMA peak"
awk '$1 ~ /_median$/ && $1 ~ /^(gemm|openblas|fma_peak)\// {
       split($1, f, "/"); g = $NF; sub(/GFLOPS=/, "", g); sub(/\/s$/, "", g)
       key = f[2] "/" f[4]
       if (f[1] == "fma_peak") peak[f[2]] = g
       else if (f[1] == "openblas") blas[key] = g
       else { rows[++n] = key "/" f[3]; val[n] = g; k[n] = key; t[n] = f[3]; thr[n] = substr(f[4], 2) }
     }
     END { for (i = 1; i <= n; ++i) {
             share = (t[i] in peak) ? sprintf("%3.0f%% of peak", 100 * val[i] / (peak[t[i]] * thr[i])) : ""
             printf "%-40s %8.1f  x%.2f  %s\n", rows[i], val[i], (k[i] in blas) ? val[i] / blas[k[i]] : 0, share
           }
           for (target in peak) printf "FMA peak, one core, %-20s %8.1f\n", target, peak[target] }' \
  "$out/kernels.txt" | sort

# The same ratios taken call by call (paired/...: each iteration one call of each), which a drift
# in the host's speed between two benchmarks does not reach.
echo "bench.sh: GEMM against OpenBLAS call by call (paired/...: median of OpenBLAS's time over ours)"
awk '$1 ~ /_median$/ && $1 ~ /^paired\// {
       split($1, f, "/"); r = ""
       for (i = 2; i <= NF; ++i) if ($i ~ /^vs_openblas=/) { r = $i; sub(/vs_openblas=/, "", r) }
       printf "%-40s x%.2f\n", f[2] "/" f[4] "/" f[3], r
     }' "$out/kernels.txt" | sort

# The first layer read straight from uint8 images against gathering the batch first.
echo "bench.sh: first layer (forward + backward with the SGD step), images in the GEMM vs gathered"
awk '$1 ~ /_median$/ && $1 ~ /^first_layer\// {
       split($1, f, "/"); g = $NF; sub(/GFLOPS=/, "", g); sub(/\/s$/, "", g)
       key = f[3] "/" f[4]; v[f[2] "/" key] = g; keys[key] = 1
     }
     END { for (key in keys) if (("images_in_gemm/" key) in v && ("gather_then_gemm/" key) in v)
             printf "%-24s images %7.1f  gathered %7.1f GFLOP/s  x%.2f\n", key,
                    v["images_in_gemm/" key], v["gather_then_gemm/" key],
                    v["images_in_gemm/" key] / v["gather_then_gemm/" key] }' "$out/kernels.txt"

if [[ -z ${CIFAR10_DIR:-} ]]; then
  echo "bench.sh: CIFAR10_DIR is not set: skipping bench-train and the training run"
  exit 0
fi
for threads in 1 2; do
  echo "bench.sh: bench-train --threads $threads"
  "$build"/tinymlp bench-train --data "$CIFAR10_DIR" --threads "$threads" --steps 2000
done
echo "bench.sh: 49k, 3 cycles, no evaluations"
"$build"/tinymlp train --data "$CIFAR10_DIR" --split 49k --lambda 0.00115 --n-s 980 \
  --cycles 3 --evals-per-cycle 0 --force --out "$out/run" | tail -3
