#!/usr/bin/env bash
# Runs the commands the `command` input names, in order, and writes the step
# outputs. Every input arrives as an environment variable (see action.yml).
set -uo pipefail
# shellcheck source=lib.sh
source "$GITHUB_ACTION_PATH/.github/action/lib.sh"

root="${INPUT_PATH:-.}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
status=0

# Keeps the worst exit status: 2 (could not run) over 1 (findings) over 0.
record() {
  if [ "$1" -gt "$status" ]; then status=$1; fi
}

# Bash 3 (macOS) has no ${x,,}: lower-case with tr.
truthy() {
  case "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" in true | yes | 1 | on) return 0 ;; *) return 1 ;; esac
}

run_check() {
  local args=(-C "$root" check --format "${INPUT_FORMAT:-github}" --summary "$summary" --github-output "$outputs")
  truthy "${INPUT_DENY_WARNINGS:-false}" && args+=(--deny-warnings)
  [ -n "${INPUT_SARIF:-}" ] && args+=(--sarif "$INPUT_SARIF")
  itsm "${args[@]}"
  record $?
}

run_approvals() {
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target | pull_request_review) ;;
    *)
      echo "::notice title=itsm approvals::the approval gate runs on pull_request and pull_request_review events; this is a ${GITHUB_EVENT_NAME:-manual} event, so it was skipped"
      return
      ;;
  esac
  local args=(-C "$root" approvals --event "${GITHUB_EVENT_PATH:?}" --format github --summary "$summary")
  truthy "${INPUT_COMMENT:-false}" && args+=(--comment)
  itsm "${args[@]}"
  local rc=$?
  if [ "$rc" = 0 ]; then output approved true; else output approved false; fi
  record "$rc"
}

run_build() {
  local out="${INPUT_SITE_DIR:-}"
  [ -n "$out" ] || out="${RUNNER_TEMP:?}/itsm-site"
  case "$out" in
    /* | [A-Za-z]:[/\\]*) ;;
    *) out="$PWD/$out" ;;
  esac
  itsm -C "$root" build --out "$out"
  local rc=$?
  [ "$rc" = 0 ] && output site-dir "$out"
  record "$rc"
}

commands="${INPUT_COMMAND:-check}"
for command in ${commands//,/ }; do
  case "$command" in
    check) run_check ;;
    approvals) run_approvals ;;
    build) run_build ;;
    *)
      echo "::error title=itsm action::unknown command '$command': use check, approvals or build"
      record 2
      ;;
  esac
done
exit "$status"
