#!/usr/bin/env bash
# The README's main job: installs the host packages, finds CIFAR-10 (downloading it if nothing is
# set), builds the release preset and trains the reference network (50 hidden units, 3 cycles,
# 49k/1k split). Setup output goes to stderr, so stdout is the trainer's alone; its last line is
# test_accuracy=0.xxxx.
# Usage: scripts/demo.sh [--data DIR | --archive FILE] [more `tinymlp train` arguments...]
#   --data/--archive go to scripts/find_data.sh (as do $CIFAR10_DIR and $CIFAR10_ARCHIVE); any other
#   argument is appended to the train command, e.g. --cycles 1. Each run replaces runs/demo (--force).
set -euo pipefail
cd "$(dirname "$0")/.."

find_args=() train_args=()
while (($#)); do
  case $1 in
    --data | --archive)
      (($# >= 2)) || { echo "demo.sh: $1 needs a value" >&2 && exit 1; }
      find_args+=("$1" "$2") && shift 2
      ;;
    --data=* | --archive=*) find_args+=("$1") && shift ;;
    *) train_args+=("$1") && shift ;;
  esac
done

./scripts/deps.sh >&2
data=$(./scripts/find_data.sh "${find_args[@]}")
cmake --preset release >&2
cmake --build --preset release -j"$(nproc)" >&2

exec ./build/release/tinymlp train --data "$data" --split 49k --hidden 50 --lambda 0.00115 \
  --n-s 980 --cycles 3 --force --out runs/demo "${train_args[@]}"
