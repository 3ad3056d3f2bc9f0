#!/usr/bin/env bash
# `itsm build` on generated repositories: a first build (no site yet) and a
# rebuild over the previous site, beside the time to merely create the same
# files (`tar -x` of the built site, one thread), measured in the same run.
#
#   benches/build.sh [SIZES...]        default: 10000 100000; RUNS=3
#
# Prints the "build" table of BENCHMARKS.md. See benches/lib.sh for GEN and
# what is needed.
#
# Creating files dominates a build, and the file system's state matters: on
# ext4 without a journal, for a minute or more after many files are deleted,
# the inode allocator skips the recently freed inodes one by one, and creating
# files becomes several times slower. So every site built here is kept until
# the end of the script (in target/bench/sites-*).
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
read -r -a sizes <<<"${*:-10000 100000}"
runs=${RUNS:-3}
build

# "wall user sys kb" of one run of a command.
timed() {
  /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1
}

# row N PAGES WHAT FLOOR RUNS...: one table row from "wall user sys kb" runs.
row() {
  python3 - "$@" <<'PY'
import statistics, sys
n, pages, what, floor, *runs = sys.argv[1:]
runs = sorted(tuple(map(float, r.split())) for r in runs)
floors = sorted(float(f) for f in floor.split())
mid = runs[(len(runs) - 1) // 2]
wall = statistics.median(r[0] for r in runs)
s = lambda x: f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"
span = lambda a, b: f"{a * 1000:.0f}-{b * 1000:.0f} ms" if b < 1 else f"{a:.2f}-{b:.2f} s"
print(f"| {int(n):,} | {int(pages):,} | {what} | {s(wall)} | {span(runs[0][0], runs[-1][0])} "
      f"| {int(pages) / wall:,.0f} | {mid[1] + mid[2]:.1f} s | {max(r[3] for r in runs) / 1024:.0f} MB "
      f"| {s(statistics.median(floors))} | {span(floors[0], floors[-1])} |")
PY
}

rows=()
all_sites=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n")
  sites=$PWD/target/bench/sites-$n-$(date +%s)
  mkdir -p "$sites"
  all_sites+=("$sites")
  "$bin" -C "$dir" check -q --today "$today" # warm the page cache
  first=()
  rebuild=()
  for r in $(seq "$runs"); do
    first+=("$(timed "$bin" -C "$dir" build -q --today "$today" --out "$sites/first-$r")")
  done
  for _ in $(seq "$runs"); do # the same folder, rebuilt over and over
    rebuild+=("$(timed "$bin" -C "$dir" build -q --today "$today" --out "$sites/first-1")")
  done
  pages=$(find "$sites/first-1" -name '*.html' | wc -l)
  tar -cf "$sites/site.tar" -C "$sites/first-1" .
  floor=()
  for r in $(seq "$runs"); do
    mkdir -p "$sites/tar-$r"
    read -r wall _ < <(timed tar -xf "$sites/site.tar" -C "$sites/tar-$r")
    floor+=("$wall")
  done
  rows+=("$(row "$n" "$pages" "first build (no site yet)" "${floor[*]}" "${first[@]}")")
  rows+=("$(row "$n" "$pages" "rebuild over the previous site, nothing changed" "${floor[*]}" "${rebuild[@]}")")
done
# Only now, with every figure taken, the sites go.
rm -rf "${all_sites[@]}"

echo "## build"
echo
about "$runs"
echo
echo "Command: \`itsm -C DIR build -q --today $today --out SITE\`. Floor: \`tar -xf SITE.tar\` of the built site (creating the same files, one thread)."
echo
echo "| records | pages | what | median | range | pages/s (median) | user + sys (median run) | peak memory | floor (tar -x), median | range |"
echo "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
