#!/usr/bin/env bash
# Builds the Debian packages (cmake/packaging.cmake) of the given presets and collects them in
# build/packages/: tinymlp_<version>_<arch>.deb (the command, man pages, copyright) and
# tinymlp-dev_<version>_<arch>.deb (static libraries, headers, CMake and pkg-config files).
# Default presets: release (amd64, the full build) and the inference-only Pi builds
# rpi-aarch64-inference (arm64) and rpi-armhf-inference (armhf), what a Pi gets (README,
# "Raspberry Pi"). Each preset is configured and its command, libraries and man pages built
# first (nothing to do when they are built already), then `cpack` makes its two packages. Prints
# one line per package file and its size.
# Usage: scripts/package.sh [--no-deps] [PRESET...]   (--no-deps: do not run scripts/deps.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

deps=1 presets=()
for arg in "$@"; do
  case $arg in
    --no-deps) deps=0 ;;
    -*) echo "package.sh: unknown flag $arg (usage: scripts/package.sh [--no-deps] [PRESET...])" >&2 && exit 2 ;;
    *) presets+=("$arg") ;;
  esac
done
((${#presets[@]})) || presets=(release rpi-aarch64-inference rpi-armhf-inference)

if ((deps)); then
  arm=()
  for p in "${presets[@]}"; do [[ $p == rpi-* ]] && arm=(--arm); done
  ./scripts/deps.sh "${arm[@]}" >&2
fi

command -v help2man >/dev/null || { echo "package.sh: help2man is missing (Debian package help2man; scripts/deps.sh installs it)" >&2 && exit 1; }
out=build/packages
mkdir -p "$out"
for p in "${presets[@]}"; do
  cmake --preset "$p" >&2
  cmake --build --preset "$p" -j"$(nproc)" --target tinymlp tinymlp_man_pages >&2
  rm -rf "build/$p/cpack"
  cpack --config "build/$p/CPackConfig.cmake" -B "build/$p/cpack" >&2
  for deb in "build/$p/cpack"/*.deb; do
    cp "$deb" "$out/"
    echo "package.sh: $out/$(basename "$deb") $(stat -c %s "$deb") bytes (preset $p)"
  done
done
