# Sourced by the benchmark scripts: the release build, the generated
# repositories, and the lines above and in a BENCHMARKS.md table.
#
# GEN=rust (the default) generates with the project's examples/gen_corpus.rs;
# GEN=python with $GEN_PY (default ../shared/bench/gen_corpus.py), a second
# opinion. RUNS sets the number of measured runs (each script has a default).
# Needs hyperfine and GNU time (apt-get install hyperfine time).
# shellcheck shell=bash

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export today=2026-11-21
GEN=${GEN:-rust}
case "$GEN" in
rust | python) ;;
*)
  echo "GEN must be rust or python, not '$GEN'" >&2
  exit 2
  ;;
esac
target=${CARGO_TARGET_DIR:-$PWD/target}
export bin=$target/release/itsm
mkdir -p target/bench

# The release binaries: itsm and the generator.
build() {
  cargo build --release --quiet --bin itsm --example gen_corpus
}

# gen_corpus OUT N [--git] [--errors K]: generate a repository with $GEN.
gen_corpus() {
  if [ "$GEN" = rust ]; then
    "$target"/release/examples/gen_corpus "$@" >/dev/null
  else
    python3 "${GEN_PY:-../shared/bench/gen_corpus.py}" "$@" >/dev/null
  fi
}

# corpus N [--git]: the path of an N-record repository, generated once and
# kept in target/bench (with --git: committed).
corpus() {
  local n=$1 dir=$PWD/target/bench/corpus-$GEN-$1
  shift
  if [ ! -d "$dir" ] || { [ "${1:-}" = --git ] && [ ! -d "$dir/.git" ]; }; then
    rm -rf "$dir"
    gen_corpus "$dir" "$n" "$@"
  fi
  echo "$dir"
}

# about RUNS: the line above a table: date, machine, commit, generator, runs.
about() {
  local commit
  commit=$(git rev-parse --short HEAD)
  git diff --quiet HEAD -- src Cargo.toml Cargo.lock || commit="$commit + uncommitted changes"
  printf '%s · %s cores, %s GiB, %s · load %s · commit %s · GEN=%s · %s runs\n' \
    "$(date -u +%F)" "$(nproc)" "$(free -g | awk '/Mem:/ {print $2}')" "$(uname -sr)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$commit" "$GEN" "$1"
}

# secs S: "123 ms" under a second, else "1.23 s".
secs() {
  awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'
}

# span MIN MAX: "120-140 ms" or "1.10-1.40 s" (the unit of the larger).
span() {
  awk -v a="$1" -v b="$2" 'BEGIN {
    if (b < 1) printf "%.0f-%.0f ms", a * 1000, b * 1000; else printf "%.2f-%.2f s", a, b }'
}

# hf_stats JSON: per hyperfine command, "median min max user system" (seconds).
hf_stats() {
  python3 - "$1" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["median"], min(r["times"]), max(r["times"]), r["user"], r["system"])
PY
}

# peak_mb CMD...: peak resident memory of one run of CMD, in MB.
peak_mb() {
  { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -1 | awk '{printf "%.0f MB", $1 / 1024}'
}

# thousands N: "100,000".
thousands() {
  echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'
}
