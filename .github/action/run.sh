#!/usr/bin/env bash
# Runs the commands the `command` input names, in order, and writes the step
# outputs. Every input arrives as an environment variable (see action.yml).
# On pull_request_target and workflow_run, the runs that judge a pull request
# from the base branch's workflow, the commands run once per pull request on
# its head and base read as git objects (trusted.sh).
set -uo pipefail
# shellcheck source=lib.sh
source "$GITHUB_ACTION_PATH/.github/action/lib.sh"
# shellcheck source=trusted.sh
source "$GITHUB_ACTION_PATH/.github/action/trusted.sh"
# shellcheck source=intake.sh
source "$GITHUB_ACTION_PATH/.github/action/intake.sh"

root="${INPUT_PATH:-.}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
outputs="${GITHUB_OUTPUT:-/dev/null}"
status=0
# The pull request being judged and its revisions (set by trusted.sh's judge).
pull="" head_rev="" base_rev=""
context=""

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
  [ -n "$head_rev" ] && args+=(--rev "$head_rev")
  itsm "${args[@]}"
  record $?
}

run_approvals() {
  local args=(-C "$root" approvals)
  if [ -n "$pull" ]; then
    args+=(--base "$base_rev" --head "$head_rev" --pr "$pull" --github "${GITHUB_REPOSITORY:?}")
  else
    case "${GITHUB_EVENT_NAME:-}" in
      pull_request | pull_request_review)
        echo "::warning title=itsm approvals::this ${GITHUB_EVENT_NAME} run uses the workflow as the pull request has it, so the pull request can change what judges it: run the gate on pull_request_target and workflow_run (the itsm guide, chapter The GitHub Action: docs/src/github-action.md)"
        ;;
      *)
        echo "::notice title=itsm approvals::the approval gate judges pull requests (pull_request_target, workflow_run); this is a ${GITHUB_EVENT_NAME:-manual} event, so it was skipped"
        return
        ;;
    esac
    args+=(--event "${GITHUB_EVENT_PATH:?}")
  fi
  args+=(--format github --summary "$summary")
  truthy "${INPUT_COMMENT:-false}" && args+=(--comment)
  itsm "${args[@]}"
  local rc=$?
  if [ "$rc" = 0 ]; then output approved true; else output approved false; fi
  record "$rc"
}

run_build() {
  if [ -n "$pull" ]; then
    echo "::error title=itsm action::build does not run in a run that judges a pull request: build on push"
    record 2
    return
  fi
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

run_commands() {
  local commands="${INPUT_COMMAND:-check}" command
  for command in ${commands//,/ }; do
    case "$command" in
      check) run_check ;;
      approvals) run_approvals ;;
      build) run_build ;;
      intake) run_intake ;;
      *)
        echo "::error title=itsm action::unknown command '$(escape_data "$command")': use check, approvals, build or intake"
        record 2
        ;;
    esac
  done
}

case "${GITHUB_EVENT_NAME:-}" in
  pull_request_target | workflow_run) judge_pulls ;;
  *)
    if [ -n "${INPUT_STATUS:-}" ]; then
      echo "::warning title=itsm action::the \`status\` input is reported only from pull_request_target and workflow_run runs (which run the base branch's workflow); this is a ${GITHUB_EVENT_NAME:-manual} event"
    fi
    run_commands
    ;;
esac
exit "$status"
