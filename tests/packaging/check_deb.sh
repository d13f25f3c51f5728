#!/usr/bin/env bash
# Checks the Debian packages scripts/package.sh made: for each tinymlp_<version>_<arch>.deb in DIR
# and its tinymlp-dev sibling, the control fields (Package, Version, Architecture, Depends: the
# shared libraries with versions) and contents (dpkg-deb --info/--contents: the binary for <arch>,
# a man page for tinymlp and each subcommand its --help lists, copyright, changelog, README;
# headers, static libraries, CMake and pkg-config files). Then it unpacks each into a temporary
# root (dpkg-deb -x) and runs the binary from there, natively for amd64 and under qemu on a Pi's
# CPU for arm64 (cortex-a72; with --no-aes-shim, without AES as on a Pi 3/4) and armhf
# (cortex-a7): `--version` and `info` (its version, a NEON target on ARM, nothing on stderr),
# and `predict` on 200 random images with a model the amd64 package trains there, which must give
# every image the class the amd64 package gives it.
# With --lintian, also runs lintian on the amd64 packages: an error fails, warnings are listed.
# Usage: tests/packaging/check_deb.sh [--lintian] [--no-aes-shim FILE] DIR
# Prints one line per package and exits non-zero when any check failed.
set -euo pipefail

lintian=0 shim="" dir=""
while (($#)); do
  case $1 in
    --lintian) lintian=1 && shift ;;
    --no-aes-shim) shim=$(realpath "$2") && shift 2 ;;
    -*) echo "check_deb.sh: unknown flag $1" >&2 && exit 2 ;;
    *) dir=$1 && shift ;;
  esac
done
[[ -n $dir && -d $dir ]] || { echo "usage: check_deb.sh [--lintian] [--no-aes-shim FILE] DIR" >&2 && exit 2; }
dir=$(realpath "$dir")
shopt -s nullglob
debs=("$dir"/tinymlp_*.deb)
((${#debs[@]})) || { echo "check_deb.sh: no tinymlp_*.deb in $dir" >&2 && exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "check_deb.sh: FAILED: $*" >&2 && failures=$((failures + 1)); }

# field DEB NAME: one control field.
field() { dpkg-deb -f "$1" "$2"; }

# runner ARCH: the command that runs a binary of ARCH here, as on a Pi for the ARM ones.
runner() {
  case $1 in
    amd64) echo "" ;;
    arm64) echo "env QEMU_CPU=cortex-a72 qemu-aarch64${shim:+ -E LD_PRELOAD=$shim}" ;;
    armhf) echo "env QEMU_CPU=cortex-a7 qemu-arm" ;;
    *) echo "unknown" ;;
  esac
}

# The ELF machine readelf reports for each architecture.
declare -A machine=([amd64]="Advanced Micro Devices X86-64" [arm64]="AArch64" [armhf]="ARM")

# Random CIFAR-10 files for the 10k split (200 images each, labels 0-9 in turn), from a seeded
# generator (perl is in every Debian system).
data=$tmp/data
mkdir -p "$data"
for b in data_batch_1:1 data_batch_2:2 test_batch:99; do
  perl -e 'srand($ARGV[0]); print chr($_ % 10), pack("C*", map { int(rand(256)) } 1 .. 3072) for 0 .. 199' \
    "${b#*:}" >"$data/${b%:*}.bin"
done
[[ $(stat -c %s "$data/test_batch.bin") == $((200 * 3073)) ]] || fail "could not write the random test images"

model="" host_classes=""
for deb in "${debs[@]}"; do
  name=$(basename "$deb")
  IFS=_ read -r _ version arch_deb <<<"${name%.deb}"
  dev="$dir/tinymlp-dev_${version}_${arch_deb}.deb"
  before=$failures

  # Control fields.
  [[ $(field "$deb" Package) == tinymlp ]] || fail "$name: Package is not tinymlp"
  [[ $(field "$deb" Version) == "$version" ]] || fail "$name: Version $(field "$deb" Version)"
  arch=$(field "$deb" Architecture)
  [[ $arch == "$arch_deb" ]] || fail "$name: Architecture $arch"
  depends=$(field "$deb" Depends)
  for lib in libc6 libhwy1 libstdc++6; do
    [[ ", $depends" == *", $lib (>= "[0-9]* ]] || fail "$name: Depends lacks '$lib (>= ...)': $depends"
  done

  # Contents.
  listing=$(dpkg-deb --contents "$deb" | awk '{print $1, $2, $6}')
  for f in usr/bin/tinymlp usr/share/man/man1/tinymlp.1.gz usr/share/doc/tinymlp/copyright \
    usr/share/doc/tinymlp/changelog.gz usr/share/doc/tinymlp/README.md; do
    grep -q " ./$f$" <<<"$listing" || fail "$name: no /$f"
  done
  grep -q "^-rwxr-xr-x root/root ./usr/bin/tinymlp$" <<<"$listing" ||
    fail "$name: /usr/bin/tinymlp is not -rwxr-xr-x root/root"

  root=$tmp/$arch
  mkdir -p "$root"
  dpkg-deb -x "$deb" "$root"
  bin=$root/usr/bin/tinymlp
  elf=$(readelf -h "$bin" 2>/dev/null || true)
  grep -q "Machine: *${machine[$arch]:-none}$" <<<"$elf" ||
    fail "$name: /usr/bin/tinymlp is not a ${machine[$arch]:-?} program"
  copyright=$root/usr/share/doc/tinymlp/copyright
  for line in "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" \
    "Copyright: 2026 The tinymlp authors" "License: Expat" "License: Apache-2.0"; do
    grep -qxF "$line" "$copyright" || fail "$name: copyright lacks '$line'"
  done

  # The unpacked binary runs, says its version, and prints nothing on stderr.
  run=$(runner "$arch")
  [[ $run != unknown ]] || { fail "$name: no way to run $arch here" && continue; }
  version_out=$($run "$bin" --version 2>"$tmp/err") || fail "$name: tinymlp --version failed"
  [[ $version_out == "tinymlp $version" ]] || fail "$name: --version says '$version_out'"
  info=$($run "$bin" info 2>"$tmp/err") || fail "$name: tinymlp info failed"
  [[ ! -s $tmp/err ]] || fail "$name: tinymlp info wrote on stderr: $(head -c 300 "$tmp/err")"
  grep -qx "version=$version" <<<"$info" || fail "$name: info does not say version=$version"
  chosen=$(sed -n 's/^chosen_target=//p' <<<"$info")
  if [[ $arch != amd64 && $chosen != NEON ]]; then fail "$name: chosen_target=$chosen, not NEON"; fi
  [[ -n $chosen && $chosen != SCALAR ]] || fail "$name: chosen_target='$chosen'"

  # A man page for every subcommand the binary lists, each named for it.
  # The list ends at its blank line; the example after it also starts with two spaces.
  subcommands=$($run "$bin" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
  [[ -n $subcommands ]] || fail "$name: tinymlp --help lists no subcommand"
  for page in tinymlp $(sed 's/^/tinymlp-/' <<<"$subcommands"); do
    gz=$root/usr/share/man/man1/$page.1.gz
    title=$(echo "$page" | tr a-z A-Z)
    [[ -f $gz ]] && zcat "$gz" | grep -q "^\.TH $title \"1\"" || fail "$name: no man page $page(1)"
  done

  # predict: the amd64 package (the full build) trains a small model first.
  if [[ -z $model ]] && grep -qx "build=full" <<<"$info"; then
    if $run "$bin" train --data "$data" --split 10k --hidden 8 --n-s 20 --cycles 1 \
      --evals-per-cycle 0 --seed 3 --out "$tmp/run" >/dev/null 2>"$tmp/err"; then
      model=$tmp/run/model.tmlp
    else
      fail "$name: train on random data failed: $(head -c 300 "$tmp/err")"
    fi
  fi
  if [[ -n $model ]]; then
    classes=$($run "$bin" predict --json --per-image --top 1 --model "$model" "$data/test_batch.bin" \
      2>"$tmp/err" | grep -o '"index":[0-9]*' | tr -d '"index:' | tr '\n' ' ') ||
      fail "$name: predict failed"
    [[ ! -s $tmp/err ]] || fail "$name: predict wrote on stderr: $(head -c 300 "$tmp/err")"
    [[ $(wc -w <<<"$classes") == 200 ]] || fail "$name: predict gave $(wc -w <<<"$classes") classes, not 200"
    if [[ -z $host_classes ]]; then host_classes=$classes; fi
    [[ $classes == "$host_classes" ]] || fail "$name: predict's classes differ from the first package's"
    predicted="predict: 200 classes as the model's trainer"
  else
    predicted="predict: not run (no full amd64 package to train a model)"
  fi

  # The -dev package of the same version and architecture.
  if [[ -f $dev ]]; then
    [[ $(field "$dev" Package) == tinymlp-dev ]] || fail "$(basename "$dev"): Package"
    [[ $(field "$dev" Version) == "$version" ]] || fail "$(basename "$dev"): Version"
    [[ $(field "$dev" Architecture) == "$arch" ]] || fail "$(basename "$dev"): Architecture"
    [[ $(field "$dev" Depends) =~ (^|, )libhwy-dev ]] || fail "$(basename "$dev"): Depends lacks libhwy-dev"
    devroot=$tmp/dev-$arch
    mkdir -p "$devroot"
    dpkg-deb -x "$dev" "$devroot"
    for f in include/tinymlp/tinymlp.h include/tinymlp/error.h lib/libtinymlp_engine.a \
      lib/libtinymlp_ops.a lib/cmake/tinymlp/tinymlpConfig.cmake lib/pkgconfig/tinymlp.pc \
      share/doc/tinymlp-dev/copyright; do
      [[ -f $devroot/usr/$f ]] || fail "$(basename "$dev"): no /usr/$f"
    done
    elf=$(readelf -h "$devroot/usr/lib/libtinymlp_ops.a" 2>/dev/null || true)
    grep -q "Machine: *${machine[$arch]:-none}$" <<<"$elf" ||
      fail "$(basename "$dev"): libtinymlp_ops.a is not built for $arch"
  else
    fail "no $(basename "$dev") beside $name"
  fi

  if ((lintian)) && [[ $arch == amd64 ]]; then
    if command -v lintian >/dev/null; then
      lint=$(lintian "$deb" "$dev" 2>&1 | grep -v '^running with root privileges' || true)
      grep -q '^E:' <<<"$lint" && fail "lintian found errors:"$'\n'"$lint"
      echo "check_deb.sh: lintian on the amd64 packages:${lint:+$'\n'}${lint:- nothing to report}"
    else
      echo "check_deb.sh: lintian is not installed: not run"
    fi
  fi

  if ((failures == before)); then
    echo "check_deb.sh: $name ok: $(stat -c %s "$deb") bytes, Depends: $depends; chosen_target=$chosen; $predicted"
  fi
done
((failures == 0)) || { echo "check_deb.sh: $failures check(s) failed" >&2 && exit 1; }
