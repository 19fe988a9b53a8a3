#!/usr/bin/env bash
# Installs what the end-to-end tests in real VS Code (test/e2e) need:
#   - Debian packages: Chromium (drives code-server's web workbench headless), fonts, and the
#     headers/tools code-server's native modules build against; ripgrep (see below).
#   - code-server (VS Code's workbench + Node extension host, from npm), pinned to the last
#     release that runs on Node 20, in a cache folder OUTSIDE the repo:
#     ${EQP_CACHE:-$HOME/.cache/eqpreset}/code-server
#
# Idempotent: when everything is there it checks and exits in well under a second.
# The first install needs root (or sudo) for apt-get, the npm registry, ~2 minutes and ~750 MB.
# Exits non-zero only when something could not be installed.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3" # = VS Code 1.100.3; newer releases need Node 22+.
# @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless it finds the archive in its
# cache under $TMPDIR. These match the @vscode/ripgrep that code-server 4.100.3 depends on.
RIPGREP_CACHE_DIR_NAME="vscode-ripgrep-cache-1.15.11"
RIPGREP_ARCHIVE_NAME="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
APT_PACKAGES=(chromium fonts-dejavu-core libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep strace gcc libc6-dev)

CACHE_ROOT="${EQP_CACHE:-$HOME/.cache/eqpreset}"
INSTALL_DIR="$CACHE_ROOT/code-server"
CODE_SERVER_BIN="$INSTALL_DIR/node_modules/.bin/code-server"
MARKER="$INSTALL_DIR/.installed-$CODE_SERVER_VERSION"

say() { echo "setup-code-server: $*"; }
banner() {
  local line
  line="$(printf '=%.0s' {1..100})"
  printf '\n%s\nsetup-code-server: %s\n%s\n\n' "$line" "$*" "$line" >&2
}
die() {
  banner "FAILED: $*"
  exit 1
}

# --- Debian packages -----------------------------------------------------------------------------
package_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing_packages=()
if command -v dpkg-query >/dev/null 2>&1; then
  for package in "${APT_PACKAGES[@]}"; do
    package_installed "$package" || missing_packages+=("$package")
  done
else
  # Not Debian: we can only check the commands the tests run.
  for command in chromium rg strace cc; do
    command -v "$command" >/dev/null 2>&1 || missing_packages+=("$command")
  done
fi

if [ "${#missing_packages[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing_packages[*]} and apt-get is not available: install them by hand"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "installing ${missing_packages[*]} needs root (or sudo)"
    SUDO=(sudo)
  fi
  say "installing Debian packages: ${missing_packages[*]}"
  "${SUDO[@]}" apt-get update -qq || die "apt-get update failed"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" ||
    die "apt-get install ${missing_packages[*]} failed"
else
  say "Debian packages present: ${APT_PACKAGES[*]}"
fi

# --- code-server ---------------------------------------------------------------------------------
if [ -f "$MARKER" ] && [ -x "$CODE_SERVER_BIN" ]; then
  say "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm is not on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" -ge 20 ] || die "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node --version))"

say "installing code-server@$CODE_SERVER_VERSION into $INSTALL_DIR (about 2 minutes the first time)"
mkdir -p "$INSTALL_DIR"
rm -f "$INSTALL_DIR"/.installed-*
# A private package, so npm installs here and never walks up into a project.
if [ ! -f "$INSTALL_DIR/package.json" ]; then
  printf '{\n  "name": "eqpreset-code-server",\n  "private": true,\n  "description": "code-server for the eqpreset end-to-end tests; made by scripts/setup-code-server.sh"\n}\n' >"$INSTALL_DIR/package.json"
fi

# Pre-seed @vscode/ripgrep's download cache with Debian's rg, so its postinstall stays offline.
install_tmp="$CACHE_ROOT/tmp"
ripgrep_cache="$install_tmp/$RIPGREP_CACHE_DIR_NAME"
mkdir -p "$ripgrep_cache"
if [ ! -s "$ripgrep_cache/$RIPGREP_ARCHIVE_NAME" ]; then
  rg_path="$(command -v rg)" || die "rg (ripgrep) is not on PATH"
  tar -czf "$ripgrep_cache/$RIPGREP_ARCHIVE_NAME" -C "$(dirname "$rg_path")" "$(basename "$rg_path")"
fi

# unsafe_perm: code-server's install script refuses to run as root without it.
# yes: node-pty's install runs `npx node-gyp`, which must not stop to ask.
(
  cd "$INSTALL_DIR"
  TMPDIR="$install_tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
) || die "npm install code-server@$CODE_SERVER_VERSION failed (see the npm output above)"

[ -x "$CODE_SERVER_BIN" ] || die "npm finished but $CODE_SERVER_BIN is missing"
# Even --version writes a default config (with a password) under XDG_CONFIG_HOME: keep it private.
version_home="$(mktemp -d "$install_tmp/version-check.XXXXXX")"
installed_version="$(XDG_CONFIG_HOME="$version_home" XDG_DATA_HOME="$version_home" "$CODE_SERVER_BIN" --version 2>/dev/null | grep -m 1 -E '^[0-9]+\.[0-9]+\.[0-9]+' || true)"
rm -rf "$version_home"
case "$installed_version" in
  "$CODE_SERVER_VERSION "*) ;;
  *) die "$CODE_SERVER_BIN --version printed '$installed_version', expected $CODE_SERVER_VERSION" ;;
esac

touch "$MARKER"
banner "code-server $installed_version installed in $INSTALL_DIR"
