#!/usr/bin/env bash
# Prints, as one line on stdout, the absolute path of a folder holding the CIFAR-10 binary batches
# (data_batch_1.bin … data_batch_5.bin, test_batch.bin, batches.meta.txt). Progress goes to stderr.
# Usage: scripts/find_data.sh [--data DIR] [--archive FILE] [--no-download]
# Looks at, first found wins: --data DIR, --archive FILE, $CIFAR10_DIR, $CIFAR10_ARCHIVE (flags beat
# the environment), then downloads the official archive unless --no-download.
#   DIR      the folder holding the .bin files, or its parent holding cifar-10-batches-bin/
#   FILE     a .tar.gz or .tar.xz that unpacks to cifar-10-batches-bin/; unpacked once into
#            ${TINYMLP_CACHE:-${XDG_CACHE_HOME:-~/.cache}/tinymlp}/<name without extensions>/
# Exit: 0 found; 1 something is wrong (one line on stderr says what); 3 --no-download and no data set.
set -euo pipefail

readonly bin_files=(data_batch_{1..5}.bin test_batch.bin)
readonly bin_size=30730000 # 10,000 records of 1 label byte + 3,072 pixel bytes
readonly url=https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
readonly url_md5=c32a1d4ab5d03f1284b67883e8d87530

origin=''   # where the path being checked came from, for error messages
cleanup=()  # temporary files and folders to remove on exit
trap 'rm -rf "${cleanup[@]}"' EXIT

say() { echo "find_data.sh: $*" >&2; }
die() { say "$*${origin:+ (from $origin)}"; exit 1; }

# problem DIR: prints what is wrong with DIR as a CIFAR-10 folder; prints nothing if it is complete.
problem() {
  local f size
  [[ -d $1 ]] || { echo "no such folder: $1"; return; }
  for f in "${bin_files[@]}"; do
    [[ -f $1/$f ]] || { echo "missing $1/$f"; return; }
    size=$(stat -c %s "$1/$f")
    ((size == bin_size)) || { echo "$1/$f has $size bytes, expected $bin_size"; return; }
  done
  [[ -f $1/batches.meta.txt ]] || echo "missing $1/batches.meta.txt"
}

# batches_dir DIR: DIR/cifar-10-batches-bin when DIR is its parent, else DIR itself.
batches_dir() {
  if [[ ! -e $1/data_batch_1.bin && -d $1/cifar-10-batches-bin ]]; then
    echo "$1/cifar-10-batches-bin"
  else
    echo "$1"
  fi
}

# found DIR: prints the absolute path of DIR's batches folder, or dies saying what is wrong.
found() {
  local dir msg
  dir=$(batches_dir "$1")
  msg=$(problem "$dir")
  [[ -z $msg ]] || die "$msg"
  realpath "$dir"
}

# unpack ARCHIVE: unpacks ARCHIVE into the cache unless an earlier run did, then calls found.
unpack() {
  local archive=$1 name dest stamp tmp err msg old
  [[ -f $archive ]] || die "no such archive: $archive"
  name=$(basename "$archive")
  case $name in
    *.tar.gz | *.tar.xz) name=${name%.tar.*} ;;
    *) die "not a .tar.gz or .tar.xz archive: $archive" ;;
  esac
  dest=$cache/$name
  # The official .tar.gz and the .tar.xz copy share a name: remember which one the cache holds.
  stamp="$(basename "$archive") $(stat -c %s "$archive")"
  if [[ -z $(problem "$(batches_dir "$dest")") && $(cat "$dest/.source" 2>/dev/null) == "$stamp" ]]; then
    found "$dest"
    return
  fi

  mkdir -p "$cache" 2>/dev/null || die "cannot create the cache folder $cache"
  tmp=$(mktemp -d "$cache/.$name.XXXXXX") || die "cannot write to the cache folder $cache"
  cleanup+=("$tmp")
  say "unpacking $archive into $dest (about 184 MB)"
  err=$(tar -xf "$archive" -C "$tmp" --no-same-owner 2>&1) || die "cannot unpack $archive: ${err%%$'\n'*}"
  msg=$(problem "$(batches_dir "$tmp")")
  [[ -z $msg ]] || die "$archive is not a CIFAR-10 archive: ${msg//$tmp/<archive>}"
  echo "$stamp" >"$tmp/.source"
  chmod go+rx "$tmp" # mktemp made it private

  # Rename into place, so that a run stopped half-way never leaves a half folder at $dest.
  if [[ -e $dest ]]; then
    old=$(mktemp -d "$cache/.$name.old.XXXXXX")
    cleanup+=("$old")
    mv -T "$dest" "$old/x" 2>/dev/null || die "cannot move the stale $dest aside"
  fi
  mv -T "$tmp" "$dest" 2>/dev/null || true # a run beside this one may have won: use its copy
  found "$dest"
}

# download: fetches the official archive into the cache (checked against its md5), then unpacks it.
download() {
  local archive=$cache/cifar-10-binary.tar.gz part err sum
  if [[ ! -f $archive ]]; then
    mkdir -p "$cache" 2>/dev/null || die "cannot create the cache folder $cache"
    part=$(mktemp "$archive.XXXXXX") || die "cannot write to the cache folder $cache"
    cleanup+=("$part")
    say "downloading $url into $cache (162 MB)"
    err=$(curl -fsSL --retry 3 -o "$part" "$url" 2>&1) || die "cannot download $url: ${err##*$'\n'}"
    read -r sum _ < <(md5sum "$part")
    [[ $sum == "$url_md5" ]] || die "$url downloaded with md5 $sum, expected $url_md5"
    mv -f "$part" "$archive"
  fi
  origin=$url
  unpack "$archive"
}

data='' archive='' no_download=0
while (($#)); do
  case $1 in
    --data | --archive)
      [[ -n ${2:-} ]] || die "$1 needs a value"
      if [[ $1 == --data ]]; then data=$2; else archive=$2; fi
      shift 2
      ;;
    --data=*) data=${1#*=} && shift ;;
    --archive=*) archive=${1#*=} && shift ;;
    --no-download) no_download=1 && shift ;;
    -h | --help) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0" && exit 0 ;;
    *) die "unknown argument '$1' (usage: find_data.sh [--data DIR] [--archive FILE] [--no-download])" ;;
  esac
done

cache=${TINYMLP_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/tinymlp}
if [[ -n $data ]]; then
  origin=--data && found "$data"
elif [[ -n $archive ]]; then
  origin=--archive && unpack "$archive"
elif [[ -n ${CIFAR10_DIR:-} ]]; then
  origin=CIFAR10_DIR && found "$CIFAR10_DIR"
elif [[ -n ${CIFAR10_ARCHIVE:-} ]]; then
  origin=CIFAR10_ARCHIVE && unpack "$CIFAR10_ARCHIVE"
elif ((no_download)); then
  exit 3
else
  download
fi
