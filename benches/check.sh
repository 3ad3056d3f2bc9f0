#!/usr/bin/env bash
# `itsm check` on generated repositories, on the work tree and at `--rev HEAD`,
# each beside the time to merely read the same files, measured in the same run:
# `tar` of the work tree, `git archive` of the commit.
#
#   benches/check.sh [SIZES...]        default: 1000 10000 100000; RUNS=10
#
# Prints the two tables of BENCHMARKS.md ("check" and "check --rev"). See
# benches/lib.sh for GEN (which generator) and what is needed.
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
read -r -a sizes <<<"${*:-1000 10000 100000}"
runs=${RUNS:-10}
build

check_rows=()
rev_rows=()
for n in "${sizes[@]}"; do
  dir=$(corpus "$n" --git)
  files=$(git -C "$dir" ls-files | wc -l)
  mb=$(find "$dir" -path "$dir/.git" -prune -o -type f -printf '%s\n' | awk '{s += $1} END {printf "%.1f", s / 1e6}')
  json=target/bench/check-$n.json
  # The pipes matter: GNU tar skips reading the files when its output is /dev/null.
  hyperfine --style none -N -w 2 -r "$runs" --export-json "$json" \
    "bash -c 'tar cf - --exclude=.git -C $dir . | cat >/dev/null'" \
    "$bin -C $dir check -q --today $today" \
    "bash -c 'git -C $dir archive HEAD | cat >/dev/null'" \
    "$bin -C $dir check -q --today $today --rev HEAD" >/dev/null
  mapfile -t r < <(hf_stats "$json")
  read -r tar tar_min tar_max _ _ <<<"${r[0]}"
  read -r chk chk_min chk_max _ _ <<<"${r[1]}"
  read -r arc arc_min arc_max _ _ <<<"${r[2]}"
  read -r rev rev_min rev_max _ _ <<<"${r[3]}"
  check_rows+=("| $(thousands "$n") | $(thousands "$files") | $mb | $(secs "$chk") | $(span "$chk_min" "$chk_max") | $(secs "$tar") | $(span "$tar_min" "$tar_max") | $(awk -v a="$chk" -v b="$tar" 'BEGIN {printf "%.2fx", a / b}') | $(peak_mb "$bin" -C "$dir" check -q --today "$today") |")
  rev_rows+=("| $(thousands "$n") | $(secs "$rev") | $(span "$rev_min" "$rev_max") | $(secs "$arc") | $(span "$arc_min" "$arc_max") | $(awk -v a="$rev" -v b="$arc" 'BEGIN {printf "%.2fx", a / b}') | $(peak_mb "$bin" -C "$dir" check -q --today "$today" --rev HEAD) |")
done

echo "## check"
echo
about "$runs"
echo
echo "Command: \`itsm -C DIR check -q --today $today\`. Read floor: \`tar cf - --exclude=.git -C DIR . | cat >/dev/null\`."
echo
echo "| records | files | MB | median | range | read floor (tar), median | range | ratio | peak memory |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${check_rows[@]}"
echo
echo "## check --rev"
echo
about "$runs"
echo
echo "Command: \`itsm -C DIR check -q --today $today --rev HEAD\`. Read floor: \`git -C DIR archive HEAD | cat >/dev/null\`."
echo
echo "| records | median | range | read floor (git archive), median | range | ratio | peak memory |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rev_rows[@]}"
