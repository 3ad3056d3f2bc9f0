#!/usr/bin/env bash
# Benchmark of `itsm build` on generated repositories: pages per second for a
# first build (no site yet) and for a rebuild over the previous site.
#
#   benches/build.sh [SIZES...]        default: 10000 100000
#
# Needs GNU time (apt-get install time) and ../shared/bench/gen_corpus.py.
# Prints a Markdown table for BENCHMARKS.md.
#
# Creating files dominates a build, and the file system's state matters: on
# ext4 without a journal, for a minute or more after many files are deleted,
# the inode allocator skips the recently freed inodes one by one, and creating
# files becomes several times slower. So every site built here is kept until
# the end of the script (in target/bench/sites-*).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000}")
read -r -a sizes <<<"${sizes[*]}"
gen=../shared/bench/gen_corpus.py
out=target/bench
runs=${RUNS:-3}
mkdir -p "$out"
cargo build --release --quiet
bin=$PWD/target/release/itsm
today=2026-11-21

# Seconds, user, system and peak memory of one command, as "wall user sys kb".
timed() {
  /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1
}

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(date -u +%F)"
echo
echo "| records | pages | what | wall (each run) | pages/s (best) | user + sys (best run) | peak memory |"
echo "|---:|---:|---|---|---:|---:|---:|"
all_sites=()
for n in "${sizes[@]}"; do
  dir=$out/corpus-$n
  [ -d "$dir" ] || python3 "$gen" "$dir" "$n" >/dev/null
  sites=$out/sites-$n-$(date +%s)
  mkdir -p "$sites"
  all_sites+=("$sites")
  "$bin" -C "$dir" check -q --today "$today" # warm the page cache
  for what in first rebuild; do
    walls=()
    best=""
    for r in $(seq "$runs"); do
      if [ "$what" = first ]; then
        site=$sites/first-$r
      else
        site=$sites/first-1 # the same folder, rebuilt over and over
      fi
      read -r wall user sys kb < <(timed "$bin" -C "$dir" build -q --today "$today" --out "$site")
      walls+=("$wall")
      if [ -z "$best" ] || awk "BEGIN {exit !($wall < ${best%% *})}"; then
        best="$wall $user $sys $kb"
      fi
    done
    pages=$(find "$sites/first-1" -name '*.html' | wc -l)
    read -r wall user sys kb <<<"$best"
    python3 - "$n" "$pages" "$what" "${walls[*]}" "$wall" "$user" "$sys" "$kb" <<'PY'
import sys
n, pages, what, walls, wall, user, sys_, kb = sys.argv[1:]
label = {"first": "first build (no site yet)", "rebuild": "rebuild over the previous site, nothing changed"}[what]
each = ", ".join(f"{float(w):.2f}" for w in walls.split())
print(f"| {int(n):,} | {int(pages):,} | {label} | {each} s | {int(pages)/float(wall):,.0f} | {float(user)+float(sys_):.1f} s | {int(kb)/1024:.0f} MB |")
PY
  done
  # For scale: how long this machine takes just to create the same files, with
  # `tar -x` (one thread) of the first site.
  tar -cf "$sites/site.tar" -C "$sites/first-1" .
  mkdir -p "$sites/tar"
  read -r wall user sys kb < <(timed tar -xf "$sites/site.tar" -C "$sites/tar")
  python3 -c 'import sys; n, p, w, u, s = sys.argv[1:]; print(f"| {int(n):,} | {int(p):,} | `tar -x` of the same site (only creating the files, one thread; for scale) | {float(w):.2f} s | {int(p)/float(w):,.0f} | {float(u)+float(s):.1f} s | |")' "$n" "$pages" "$wall" "$user" "$sys"
done
# Only now, with every figure taken, the sites go.
rm -rf "${all_sites[@]}"
