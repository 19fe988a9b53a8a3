#!/usr/bin/env bash
# Installs Neovim (Debian's package, 0.7.2 on bookworm) for the third-party LSP client test
# (test/neovim). Idempotent: does nothing when `nvim` is already on PATH.
# Needs apt-get and root (or sudo); about 27 MB and 10-15 s when it installs.
set -euo pipefail

if command -v nvim >/dev/null 2>&1; then
  echo "setup-neovim: $(nvim --version | head -n 1) already installed at $(command -v nvim)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-neovim: nvim is missing and apt-get is not available; install Neovim >= 0.7 by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "setup-neovim: installing nvim needs root (or sudo)" >&2
    exit 1
  fi
fi

echo "setup-neovim: installing neovim with apt-get"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim
echo "setup-neovim: $(nvim --version | head -n 1) installed at $(command -v nvim)"
