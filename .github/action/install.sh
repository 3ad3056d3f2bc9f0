#!/usr/bin/env bash
# Puts `itsm` on PATH. With a version: downloads the release archive for this
# runner and verifies its SHA-256 before unpacking. Without: builds the action's
# own source with cargo into ITSM_BUILD_DIR (restored from cache when unchanged).
set -euo pipefail
# shellcheck source=lib.sh
source "$GITHUB_ACTION_PATH/.github/action/lib.sh"

fail() {
  echo "::error title=itsm action::$1"
  exit 2
}

version="${INPUT_VERSION:-}"
version="${version#v}"
exe=itsm
[ "${RUNNER_OS:-}" = Windows ] && exe=itsm.exe

if [ -z "$version" ]; then
  dir="${ITSM_BUILD_DIR:?the source-key step did not run}"
  if [ -x "$dir/bin/$exe" ]; then
    echo "itsm: using the cached build of this source in $dir"
  else
    command -v cargo >/dev/null || fail "cargo is not installed: set the \`version\` input to download a release, or install Rust first"
    cargo install --locked --path "$GITHUB_ACTION_PATH" --root "$dir"
  fi
  echo "$dir/bin" >>"${GITHUB_PATH:?}"
  "$dir/bin/$exe" --version
  exit 0
fi

case "$version" in
  *[!0-9A-Za-z.+-]*) fail "\`version\` must be a version number such as 0.1.0, not '$version'" ;;
esac
target=$(target_triple) || fail "no itsm release for ${RUNNER_OS:-this OS} on ${RUNNER_ARCH:-this architecture}: leave \`version\` empty to build from source"
archive="itsm-v${version}-${target}.tar.gz"
[ "${RUNNER_OS:-}" = Windows ] && archive="itsm-v${version}-${target}.zip"
base="${INPUT_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}/${GITHUB_ACTION_REPOSITORY:-itsm-dev/itsm}/releases/download}"
base="${base%/}/v${version}"
work="${RUNNER_TEMP:?}/itsm-v${version}"
mkdir -p "$work"
echo "itsm: downloading $base/$archive"
curl -fsSL --retry 3 --retry-delay 2 -o "$work/$archive" "$base/$archive" \
  || fail "could not download $base/$archive: check the \`version\` input"
curl -fsSL --retry 3 --retry-delay 2 -o "$work/$archive.sha256" "$base/$archive.sha256" \
  || fail "could not download the checksum $base/$archive.sha256"
expected=$(cut -d' ' -f1 <"$work/$archive.sha256" | tr 'A-F' 'a-f')
actual=$(sha256 <"$work/$archive")
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  rm -f "$work/$archive"
  fail "the SHA-256 of $archive is $actual, but the release says '$expected': refusing to run it"
fi
echo "itsm: SHA-256 verified ($actual)"
case "$archive" in
  *.zip) unzip -q -o "$work/$archive" -d "$work" ;;
  *) tar -xzf "$work/$archive" -C "$work" ;;
esac
[ -f "$work/$exe" ] || fail "$archive does not hold $exe"
chmod +x "$work/$exe"
echo "$work" >>"${GITHUB_PATH:?}"
"$work/$exe" --version
