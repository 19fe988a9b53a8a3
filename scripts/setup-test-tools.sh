#!/usr/bin/env bash
# Installs the editors the test suite drives: Neovim (Debian) and code-server (npm, outside the
# repo). Idempotent and quick when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-neovim.sh
bash scripts/setup-code-server.sh
