#!/usr/bin/env bash
# Installs the Debian packages tinymlp builds with. Safe to run again: it only installs what is
# missing. Needs root or sudo; without either it names what is missing and stops.
# Usage: scripts/deps.sh [--arm] [--mpi] [--fuzz] [--lint] [--ccache] [--bench]   (--arm adds the
#        Raspberry Pi cross tools and qemu; --mpi adds Open MPI for the distributed search, preset
#        release-mpi; --fuzz adds clang 14 with its sanitizer runtimes and libFuzzer, for the preset
#        sanitize; --lint adds lintian, which test.sh runs on the .deb packages; --ccache adds
#        ccache, with which test.sh compiles what its presets share once; --bench adds PyTorch,
#        the peer scripts/bench_under_load.sh measures beside tinymlp)
set -euo pipefail

host_pkgs=(cmake ninja-build g++ make pkg-config xz-utils curl ca-certificates
  libhwy-dev libcli11-dev nlohmann-json3-dev libstb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libopenblas-dev python3-numpy
  help2man dpkg-dev) # the man pages (help2man) and the .deb packages' Depends (dpkg-shlibdeps)
mpi_pkgs=(openmpi-bin libopenmpi-dev)
fuzz_pkgs=(clang-14 libclang-rt-14-dev libfuzzer-14-dev)
lint_pkgs=(lintian)
ccache_pkgs=(ccache)
bench_pkgs=(python3-torch)
arm_pkgs=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user binutils-aarch64-linux-gnu
  binutils-arm-linux-gnueabihf
  libhwy-dev:arm64 libhwy-dev:armhf
  libgtest-dev:arm64 libgtest-dev:armhf)

arm=0
want=("${host_pkgs[@]}")
for flag in "$@"; do
  case $flag in
    --arm) arm=1 && want+=("${arm_pkgs[@]}") ;;
    --mpi) want+=("${mpi_pkgs[@]}") ;;
    --fuzz) want+=("${fuzz_pkgs[@]}") ;;
    --lint) want+=("${lint_pkgs[@]}") ;;
    --ccache) want+=("${ccache_pkgs[@]}") ;;
    --bench) want+=("${bench_pkgs[@]}") ;;
    *) echo "deps.sh: unknown flag $flag (usage: scripts/deps.sh [--arm] [--mpi] [--fuzz] [--lint] [--ccache] [--bench])" >&2 && exit 2 ;;
  esac
done

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo); else
    echo "deps.sh: missing packages and no root to install them: ${missing[*]}" >&2
    exit 1
  fi
fi

if ((arm)); then
  for a in arm64 armhf; do
    dpkg --print-foreign-architectures | grep -qx "$a" || "${sudo[@]}" dpkg --add-architecture "$a"
  done
fi
export DEBIAN_FRONTEND=noninteractive
# apt-get update may exit 100 when one secondary index fails its size check (see shared NOTES);
# what matters is whether the packages install, which the next command checks.
"${sudo[@]}" apt-get update -qq || echo "deps.sh: apt-get update reported errors; trying the install anyway" >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
