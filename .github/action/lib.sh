# shellcheck shell=bash
# Shared by the action's scripts (sourced, not run).

# SHA-256 of standard input, as lowercase hex, on Linux, macOS and Windows (Git Bash).
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum | cut -d' ' -f1
  else
    shasum -a 256 | cut -d' ' -f1
  fi
}

# Appends `name=value` to the step outputs.
output() {
  printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"
}

# The release target triple of this runner.
target_triple() {
  case "${RUNNER_OS:-$(uname -s)}/${RUNNER_ARCH:-$(uname -m)}" in
    Linux/X64 | Linux/x86_64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64 | Linux/aarch64) echo aarch64-unknown-linux-musl ;;
    macOS/ARM64 | Darwin/arm64) echo aarch64-apple-darwin ;;
    macOS/X64 | Darwin/x86_64) echo x86_64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

# Escapes text for the data of a workflow command (`::notice::DATA`), so that
# a branch name or a message cannot end the command or start another.
escape_data() {
  local s=${1//%/%25}
  s=${s//$'\r'/%0D}
  printf '%s' "${s//$'\n'/%0A}"
}

# Calls the GitHub REST API: `api METHOD PATH [JSON]`, the response body on
# standard output, with the token in $api_token. The token reaches curl as a
# config read from a pipe, never on a command line; curl retries transient
# failures and fails (non-zero) on any HTTP error.
api() {
  local args=(-sS --fail --retry 3 --retry-delay 2 --max-time 60 --max-filesize 50000000
    -X "$1" -H "Accept: application/vnd.github+json" -H "X-GitHub-Api-Version: 2022-11-28"
    -H "User-Agent: itsm-action")
  [ -n "${3:-}" ] && args+=(-H "Content-Type: application/json" --data-binary "$3")
  curl "${args[@]}" -K <(printf 'header = "Authorization: Bearer %s"\n' "${api_token:?}") \
    "${GITHUB_API_URL:-https://api.github.com}$2"
}

# True when $1 is a token that can be written into curl's config as is.
plain_token() {
  case "$1" in
    "" | *[!A-Za-z0-9_.-]*) return 1 ;;
    *) return 0 ;;
  esac
}
