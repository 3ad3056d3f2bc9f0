#!/usr/bin/env bash
# Benchmark of the approval gate (`itsm approvals`, offline) on a pull request
# touching 1,000 records of a 100,000-record repository.
#
#   benches/gate.sh [BIN...]      default: target/release/itsm (built first)
#
# The repository is generated once into $GATE_DIR (default /tmp/gate100k) with
# ../shared/bench/gen_corpus.py ... --git, its commit named `main`; the branch
# `pr-1000` (benches/gate_branch.py) touches 1,000 records of mixed kinds.
# Several binaries (say, before and after a change) are timed in the same run.
# Needs hyperfine and GNU time. RUNS (default 10) sets the number of runs.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${GATE_DIR:-/tmp/gate100k}
runs=${RUNS:-10}
if [ $# -eq 0 ]; then
  cargo build --release --quiet
  set -- "$PWD/target/release/itsm"
fi
if [ ! -d "$dir/.git" ]; then
  python3 ../shared/bench/gen_corpus.py "$dir" 100000 --git >/dev/null
fi
git -C "$dir" rev-parse -q --verify main >/dev/null || git -C "$dir" branch main HEAD
git -C "$dir" rev-parse -q --verify pr-1000 >/dev/null || python3 benches/gate_branch.py "$dir" pr-1000
head=$(git -C "$dir" rev-parse pr-1000)
reviews=$(mktemp)
json=$(mktemp)
trap 'rm -f "$reviews" "$json"' EXIT
printf '[{"user": {"login": "someone-else"}, "state": "APPROVED", "commit_id": "%s", "submitted_at": "2026-11-21T12:00:00Z"}]\n' "$head" >"$reviews"

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); $(date -u '+%F %H:%M') UTC; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Changed: $(git -C "$dir" diff --shortstat main pr-1000)"
echo
cmds=()
for bin in "$@"; do
  cmds+=("$bin -C $dir approvals --base main --head pr-1000 --reviews $reviews --author someone --today 2026-11-21")
done
# Exit code 1 (requirements not met) is the expected verdict.
hyperfine -N -w 1 -r "$runs" -i --export-json "$json" "${cmds[@]}" >/dev/null
echo "| binary | min | median | mean user + sys |"
echo "|---|---:|---:|---:|"
python3 - "$json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command'].split()[0]} | {min(r['times']):.2f} s | {r['median']:.2f} s | {r['user']:.2f} + {r['system']:.2f} s |")
PY
echo
for cmd in "${cmds[@]}"; do
  for _ in 1 2 3; do
    /usr/bin/time -o "$json" -f "%e s wall, %U user + %S sys, %M KB peak  ${cmd%% *}" $cmd >/dev/null 2>&1 || true
    grep wall "$json"
  done
done
