# shellcheck shell=bash
# The gate in the runs that judge a pull request from the base branch's
# workflow (pull_request_target, workflow_run): which pull requests the event
# is about, their heads read as git objects only (never checked out, nothing
# of them run), and the verdict reported as a commit status. Sourced by
# run.sh, whose `root`, `status`, `record`, `run_commands` and per-pull-request
# `pull`, `head_rev`, `base_rev` it uses (hence SC2154 and SC2034 off).
# shellcheck disable=SC2034,SC2154

# At most this many pull requests are judged in one run.
max_pulls=10

# Judges every open pull request the event is about, by what GitHub says of it
# now (not by the event, which may be stale): its head, its base, its reviews.
judge_pulls() {
  api_token=${GITHUB_TOKEN:-}
  if ! plain_token "$api_token"; then
    echo "::error title=itsm action::the github-token input is empty or not a GitHub token: the gate reads the pull request and its reviews with it"
    record 2
    return
  fi
  status_token=${STATUS_TOKEN:-$api_token}
  if ! plain_token "$status_token"; then
    echo "::error title=itsm action::the status-token input is not a GitHub token"
    record 2
    return
  fi
  local pulls n count=0
  pulls=$(pulls_of_event) || {
    echo "::error title=itsm action::could not find the pull request of this ${GITHUB_EVENT_NAME} event on GitHub"
    record 2
    return
  }
  if [ -z "$pulls" ]; then
    echo "::notice title=itsm gate::no open pull request for this ${GITHUB_EVENT_NAME} event: nothing to judge"
    return
  fi
  for n in $pulls; do
    count=$((count + 1))
    if [ "$count" -gt "$max_pulls" ]; then
      echo "::warning title=itsm gate::more than $max_pulls open pull requests share this head: only the first $max_pulls were judged"
      break
    fi
    judge "$n"
  done
}

# The numbers of the pull requests, one a line. pull_request_target: the
# event's. workflow_run (after the review relay): the open pull requests whose
# head is the triggering run's head branch, looked up on GitHub, because the
# run's `pull_requests` list is empty for pull requests from forks.
pulls_of_event() {
  local numbers n
  case "$GITHUB_EVENT_NAME" in
    pull_request_target)
      numbers=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:?}") || return 1
      ;;
    workflow_run) numbers=$(pulls_of_run) || return 1 ;;
  esac
  for n in $numbers; do
    case "$n" in
      "" | 0* | *[!0-9]* | ??????????*) return 1 ;;
    esac
    echo "$n"
  done
}

pulls_of_run() {
  local owner branch head
  owner=$(jq -r '.workflow_run.head_repository.owner.login // empty' "${GITHUB_EVENT_PATH:?}") || return 1
  branch=$(jq -r '.workflow_run.head_branch // empty' "$GITHUB_EVENT_PATH") || return 1
  if [ -z "$owner" ] || [ -z "$branch" ]; then
    return 0
  fi
  head=$(jq -rn --arg head "$owner:$branch" '$head | @uri') || return 1
  api GET "/repos/${GITHUB_REPOSITORY:?}/pulls?state=open&per_page=100&head=$head" \
    | jq -r 'if type == "array" then .[].number else error("not a list of pull requests") end'
}

# Judges pull request $1: reads it from GitHub, reports `pending` on its head,
# fetches its head and base as git objects, runs the commands on them and
# reports the verdict.
judge() {
  local n=$1 pr fields state head base base_ref default before=$status
  if ! pr=$(api GET "/repos/$GITHUB_REPOSITORY/pulls/$n"); then
    echo "::error title=itsm gate::could not read pull request #$n from GitHub"
    record 2
    return
  fi
  fields=$(jq -r '[.state, .head.sha, .base.sha, .base.ref, .base.repo.default_branch]
    | map(. // "" | tostring) | @tsv' <<<"$pr") || fields=""
  IFS=$'\t' read -r state head base base_ref default <<<"$fields"
  if [ -n "$state" ] && [ "$state" != open ]; then
    echo "::notice title=itsm gate::pull request #$n is $(escape_data "$state"): not judged"
    return
  fi
  if ! is_sha "$head" || ! is_sha "$base" || ! git check-ref-format "refs/heads/$base_ref"; then
    echo "::error title=itsm gate::GitHub's answer for pull request #$n has no head and base commits"
    record 2
    return
  fi
  context=$(status_context "$base_ref" "$default")
  echo "itsm: judging pull request #$n: head $head, base $(escape_data "$base_ref") at $base"
  printf '\n### Pull request #%s\n\n' "$n" >>"$summary"
  post_status "$head" pending "judging pull request #$n" || {
    record 2
    return
  }
  status=0
  if fetch_pull "$n" "$base_ref" "$head" "$base"; then
    pull=$n head_rev=$head base_rev=$base
    run_commands
    pull="" head_rev="" base_rev=""
  else
    record 2
  fi
  post_verdict "$head" || record 2
  record "$before"
}

# True when $1 is a full commit id (SHA-1 or SHA-256, lower case).
is_sha() {
  case "${#1}:$1" in
    40:* | 64:*) case "$1" in *[!0-9a-f]*) return 1 ;; *) return 0 ;; esac ;;
    *) return 1 ;;
  esac
}

# The status name: the `status` input for pull requests into the default
# branch, with the base branch appended for any other, so that a verdict on a
# commit proposed to another branch never stands for the default branch's.
status_context() {
  local name=${INPUT_STATUS:-}
  if [ -n "$name" ] && [ "$1" != "$2" ]; then
    name="$name (${1:0:100})"
  fi
  printf '%s' "$name"
}

# Fetches the head and base of pull request $1 into refs/remotes/itsm/ (objects
# only: the work tree stays the base branch's checkout) and checks that the
# commits GitHub named ($3 head, $4 base) are there.
fetch_pull() {
  local n=$1 base_ref=$2 head=$3 base=$4 auth
  if [ "$(git -C "$root" rev-parse --is-shallow-repository 2>/dev/null)" != false ]; then
    echo "::error title=itsm gate::the checkout is shallow or not a git repository: set \`fetch-depth: 0\` on actions/checkout (the gate reads the history between base and head)"
    return 1
  fi
  auth=$(printf 'x-access-token:%s' "$api_token" | base64 | tr -d '\r\n')
  echo "::add-mask::$auth"
  if ! GIT_TERMINAL_PROMPT=0 GIT_CONFIG_COUNT=1 \
    GIT_CONFIG_KEY_0="http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader" \
    GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $auth" \
    git -C "$root" fetch --quiet --no-tags --no-recurse-submodules origin \
    "+refs/pull/$n/head:refs/remotes/itsm/pull/$n/head" \
    "+refs/heads/$base_ref:refs/remotes/itsm/pull/$n/base"; then
    echo "::error title=itsm gate::could not fetch pull request #$n and its base branch from origin"
    return 1
  fi
  if ! git -C "$root" cat-file -e "$head^{commit}" 2>/dev/null; then
    echo "::error title=itsm gate::pull request #$n moved on while this run read it (its head $head is gone): the run for its new head decides"
    return 1
  fi
  if ! git -C "$root" cat-file -e "$base^{commit}" 2>/dev/null; then
    echo "::error title=itsm gate::the base commit $base of pull request #$n is not in the history of $(escape_data "$base_ref")"
    return 1
  fi
}

# Reports the verdict in $status on commit $1.
post_verdict() {
  local what
  what="itsm ${INPUT_COMMAND:-check}"
  what=${what//,/ }
  case "$status" in
    0) post_status "$1" success "$what: passed" ;;
    1) post_status "$1" failure "$what: not passed (approvals missing or records with errors), see the run" ;;
    *) post_status "$1" error "$what: could not decide, so the gate fails; see the run" ;;
  esac
}

# Posts the commit status `$context` on commit $1: state $2, description $3.
# Nothing when the `status` input is empty.
post_status() {
  [ -n "$context" ] || return 0
  local body url=""
  if [ -n "${GITHUB_RUN_ID:-}" ]; then
    url="${GITHUB_SERVER_URL:-https://github.com}/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID"
  fi
  body=$(jq -cn --arg state "$2" --arg context "$context" --arg description "${3:0:140}" --arg url "$url" \
    '{state: $state, context: $context, description: $description} + (if $url == "" then {} else {target_url: $url} end)') || return 1
  if ! api_token=$status_token api POST "/repos/$GITHUB_REPOSITORY/statuses/$1" "$body" >/dev/null; then
    echo "::error title=itsm gate::could not post the commit status '$(escape_data "$context")' ($2) on $1: the job needs \`statuses: write\`"
    return 1
  fi
  echo "itsm: status '$context' on $1: $2"
}
