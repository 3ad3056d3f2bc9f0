# shellcheck shell=bash
# `command: intake`: on an `issues` event, turns the new issue (opened from the
# issue forms itsm writes) into a record file and opens a pull request with it,
# so that the record is reviewed like any other. Sourced by run.sh, whose
# `root` and `record` it uses (hence SC2154 off).
# shellcheck disable=SC2154

run_intake() {
  if [ "${GITHUB_EVENT_NAME:-}" != issues ]; then
    echo "::notice title=itsm intake::intake turns a new issue into a record: run it on \`issues: [opened]\`; this is a ${GITHUB_EVENT_NAME:-manual} event, so it was skipped"
    return
  fi
  api_token=${GITHUB_TOKEN:-}
  if ! plain_token "$api_token"; then
    echo "::error title=itsm intake::the github-token input is empty or not a token"
    record 2
    return
  fi
  local path rc
  path=$(itsm -C "$root" intake --event "${GITHUB_EVENT_PATH:?}")
  rc=$?
  if [ "$rc" != 0 ]; then
    record "$rc"
    return
  fi
  output record "$path"
  open_intake_pull "$path" || record 2
}

# Commits the record at $1 (relative to the root) on a new branch, pushes it
# and opens a pull request into the default branch.
open_intake_pull() {
  local rel=$1 name branch base auth body number
  name=$(basename "$rel")
  name=${name%.*}
  case "$name" in
    "" | *[!a-z0-9-]*)
      echo "::error title=itsm intake::unexpected record path '$(escape_data "$rel")'"
      return 1
      ;;
  esac
  branch="itsm/intake/$name"
  base=$(jq -r '.repository.default_branch // empty' "${GITHUB_EVENT_PATH:?}")
  number=$(jq -r '.issue.number' "${GITHUB_EVENT_PATH:?}")
  case "$base" in "" | *[!A-Za-z0-9._/-]*) base=main ;; esac
  auth=$(printf 'x-access-token:%s' "$api_token" | base64 | tr -d '\r\n')
  echo "::add-mask::$auth"
  if ! commit_and_push "$rel" "$branch" "Record $name from issue #$number" "$auth"; then
    echo "::error title=itsm intake::could not commit and push $(escape_data "$rel") on $branch: the job needs \`contents: write\`"
    return 1
  fi
  body=$(jq -cn --arg title "Record $name (issue #$number)" --arg head "$branch" --arg base "$base" \
    --arg body "From issue #$number, by \`itsm intake\`. Closes #$number once merged." \
    '{title: $title, head: $head, base: $base, body: $body}') || return 1
  if ! api POST "/repos/${GITHUB_REPOSITORY:?}/pulls" "$body" >/dev/null; then
    echo "::error title=itsm intake::could not open the pull request for $branch: the job needs \`pull-requests: write\`"
    return 1
  fi
  echo "itsm: opened a pull request with $rel from $branch"
}

# Commits $1 on a new branch $2 with message $3 and pushes it, authenticated by
# the header value $4 (never on a command line).
commit_and_push() {
  git -C "$root" switch --quiet -c "$2" || return 1
  git -C "$root" add -- "$1" || return 1
  git -C "$root" -c user.name="itsm" -c user.email="itsm@users.noreply.github.com" \
    commit --quiet -m "$3" || return 1
  GIT_TERMINAL_PROMPT=0 GIT_CONFIG_COUNT=1 \
    GIT_CONFIG_KEY_0="http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader" \
    GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $4" \
    git -C "$root" push --quiet origin "HEAD:refs/heads/$2"
}
