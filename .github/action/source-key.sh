#!/usr/bin/env bash
# The cache key of a build from source: a hash of everything the binary is built from.
set -euo pipefail
# shellcheck source=lib.sh
source "$GITHUB_ACTION_PATH/.github/action/lib.sh"
cd "$GITHUB_ACTION_PATH"
hash=$(
  find Cargo.toml Cargo.lock src schemas example-repo -type f -print 2>/dev/null \
    | LC_ALL=C sort \
    | while IFS= read -r f; do printf '%s ' "$f"; sha256 <"$f"; done \
    | sha256
)
output dir "${RUNNER_TEMP:?}/itsm-build"
output key "itsm-${RUNNER_OS:-os}-${RUNNER_ARCH:-arch}-${hash}"
