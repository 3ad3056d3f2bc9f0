#!/usr/bin/env bash
# Benchmark of `itsm check` on generated repositories, next to the time to merely
# read the same files (`tar cf - DIR | cat >/dev/null`), measured in the same run.
#
#   benches/check.sh [SIZES...]        default: 1000 10000 100000
#
# Needs hyperfine and GNU time (apt-get install hyperfine time) and
# ../shared/bench/gen_corpus.py. Prints a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
gen=../shared/bench/gen_corpus.py
out=target/bench
runs=${RUNS:-10}
mkdir -p "$out"
cargo build --release --quiet
bin=$PWD/target/release/itsm
today=2026-11-21

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(date -u +%F)"
echo
echo "| records | files | MB | read (tar) | itsm check | ratio | check --rev HEAD | peak memory (check) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  dir=$out/corpus-$n
  [ -d "$dir/.git" ] || { rm -rf "$dir"; python3 "$gen" "$dir" "$n" --git >/dev/null; }
  files=$(find "$dir" -name '*.yaml' -o -name '*.md' | grep -vc '/\.git/')
  mb=$(find "$dir" -path '*/.git' -prune -o -type f -printf '%s\n' | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  json=$out/hyperfine-$n.json
  # tar reads the records only (not .git), like `itsm check` on the work tree; the pipe
  # matters: GNU tar skips reading file contents when its output is /dev/null.
  hyperfine --style none -N -w 2 -r "$runs" --export-json "$json" \
    "bash -c 'tar cf - --exclude=.git -C $dir . | cat >/dev/null'" \
    "$bin -C $dir check -q --today $today" \
    "$bin -C $dir check -q --today $today --rev HEAD" >/dev/null 2>&1 || true
  read -r tar check rev < <(python3 - "$json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(*(x["median"] for x in r))
PY
)
  peak=$(/usr/bin/time -f %M "$bin" -C "$dir" check -q --today $today 2>&1 >/dev/null | tail -1)
  python3 - "$n" "$files" "$mb" "$tar" "$check" "$rev" "$peak" <<'PY'
import sys
n, files, mb, tar, check, rev, peak = sys.argv[1:]
tar, check, rev = float(tar), float(check), float(rev)
ms = lambda s: f"{s*1000:.0f} ms" if s < 1 else f"{s:.2f} s"
print(f"| {int(n):,} | {int(files):,} | {mb} | {ms(tar)} | {ms(check)} | {check/tar:.2f}x | {ms(rev)} | {int(peak)/1024:.0f} MB |")
PY
done
