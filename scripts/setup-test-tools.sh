#!/usr/bin/env bash
# Installs the editors and tools the test suite drives: Neovim and Mono's mcs (Debian), code-server (npm, outside the
# repo). Idempotent and quick when they are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-neovim.sh
bash scripts/setup-code-server.sh
bash scripts/setup-mono.sh
