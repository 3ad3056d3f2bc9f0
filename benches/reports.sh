#!/usr/bin/env bash
# The reports on a generated repository, each beside `itsm check` and the
# time to merely read the same files, measured in the same run.
#
#   benches/reports.sh [SIZE]          default: 100000; RUNS=5
#
# Prints the "Reports" table of BENCHMARKS.md. Issue 16's target: `report
# cost` and `report sla` within 1.5x of `check`. See benches/lib.sh for GEN.
# shellcheck source=benches/lib.sh
source "$(dirname "$0")/lib.sh"
n=${1:-100000}
runs=${RUNS:-5}
build

dir=$(corpus "$n")
json=target/bench/reports-$n.json
names=("read floor (tar)" "check" "report cost" "report sla" "report coverage")
hyperfine --style none -N -w 1 -r "$runs" --export-json "$json" \
  "bash -c 'tar cf - --exclude=.git -C $dir . | cat >/dev/null'" \
  "$bin -C $dir check -q --today $today" \
  "$bin -C $dir report cost --period 2026-11 --today $today" \
  "$bin -C $dir report sla --period 2026-11 --today $today" \
  "$bin -C $dir report coverage --today $today" >/dev/null
mapfile -t r < <(hf_stats "$json")
read -r check _ <<<"${r[1]}"
echo "## Reports"
echo
about "$runs"
echo
echo "$(thousands "$n") records. Commands: \`itsm -C DIR COMMAND --today $today\` (\`--period 2026-11\` for cost and sla), output to /dev/null."
echo
echo "| command | median | range | user + sys | vs check | peak memory |"
echo "|---|---:|---:|---:|---:|---:|"
cmds=("" "check -q" "report cost --period 2026-11" "report sla --period 2026-11" "report coverage")
for i in "${!names[@]}"; do
  read -r med lo hi user sys <<<"${r[$i]}"
  if [ "$i" = 0 ]; then
    peak="-"
  else
    read -r -a args <<<"${cmds[$i]}"
    peak=$(peak_mb "$bin" -C "$dir" "${args[@]}" --today "$today")
  fi
  printf '| %s | %s | %s | %s | %s | %s |\n' "${names[$i]}" "$(secs "$med")" "$(span "$lo" "$hi")" \
    "$(secs "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')")" \
    "$(awk -v a="$med" -v b="$check" 'BEGIN {printf "%.2fx", a / b}')" "$peak"
done
