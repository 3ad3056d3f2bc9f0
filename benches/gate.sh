#!/usr/bin/env bash
# The approval gate (`itsm approvals`, offline) on a pull request touching 1%
# of the records of a generated repository (1,000 of 100,000), beside
# `itsm check --rev` of the pull request's head (the gate loads and checks
# head, then works out base from it), measured in the same run.
#
#   benches/gate.sh [RECORDS] [BIN...]   default: 100000 target/release/itsm; RUNS=10
#
# The repository is generated with --git (its commit is `main`), then
# benches/gate_branch.py makes the branch `pr-K`, one commit touching K
# records of mixed kinds. Several binaries (say, before and after a change)
# are timed in the same run, one row each. Prints the "gate" table of
# BENCHMARKS.md. See benches/lib.sh for GEN and what is needed.
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
n=100000
if [[ ${1:-} =~ ^[0-9]+$ ]]; then
  n=$1
  shift
fi
runs=${RUNS:-10}
build
[ $# -gt 0 ] || set -- "$bin"
bins=("$@")
dir=$(corpus "$n" --git)
touch=$((n / 100))
branch=pr-$touch
git -C "$dir" rev-parse -q --verify "$branch" >/dev/null ||
  python3 benches/gate_branch.py "$dir" "$branch" "$touch" >/dev/null
head=$(git -C "$dir" rev-parse "$branch")
changed=$(git -C "$dir" diff --name-only main "$branch" | wc -l)
reviews=$(mktemp)
json=$(mktemp)
trap 'rm -f "$reviews" "$json"' EXIT
printf '[{"user": {"login": "someone-else"}, "state": "APPROVED", "commit_id": "%s", "submitted_at": "2026-11-21T12:00:00Z"}]\n' "$head" >"$reviews"

gate_args=(approvals --base main --head "$branch" --reviews "$reviews" --author someone --today "$today")
cmds=()
for b in "$@"; do
  cmds+=("$b -C $dir ${gate_args[*]}")
done
# Exit code 1 (requirements not met) is the expected verdict, hence -i.
hyperfine --style none -N -w 1 -r "$runs" -i --export-json "$json" \
  "${cmds[@]}" "$1 -C $dir check -q --today $today --rev $branch" >/dev/null
mapfile -t stats < <(hf_stats "$json")
read -r floor floor_min floor_max _ _ <<<"${stats[-1]}"

echo "## gate"
echo
about "$runs"
echo
echo "Command: \`itsm -C DIR approvals --base main --head $branch --reviews FILE --author someone --today $today\` (offline; $changed files changed)."
echo "For scale: \`itsm -C DIR check -q --today $today --rev $branch\`."
echo
label=""
[ $# -eq 1 ] || label="binary | "
echo "| ${label}records | records touched | median | range | user + sys (mean) | peak memory | check --rev of head, median | range |"
echo "|${label:+---|}---:|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!cmds[@]}"; do
  read -r med min max user sys <<<"${stats[$i]}"
  b=${bins[$i]}
  first=""
  [ -z "$label" ] || first="$b | "
  echo "| ${first}$(thousands "$n") | $(thousands "$changed") | $(secs "$med") | $(span "$min" "$max") | $(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f + %.2f s", u, s}') | $(peak_mb "$b" -C "$dir" "${gate_args[@]}") | $(secs "$floor") | $(span "$floor_min" "$floor_max") |"
done
