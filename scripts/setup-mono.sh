#!/usr/bin/env bash
# Installs Mono's C# compiler (Debian's mono-mcs, which brings the mono runtime) for the test that
# compiles and runs the Unity component's C# (test/cli/engine-scripts.test.ts). Idempotent: does
# nothing when `mcs` and `mono` are already on PATH. Needs apt-get and root (or sudo).
set -euo pipefail

if command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
  echo "setup-mono: $(mcs --version) already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-mono: mcs is missing and apt-get is not available; install Mono by hand" >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "setup-mono: installing mono-mcs needs root (or sudo)" >&2
    exit 1
  fi
fi

echo "setup-mono: installing mono-mcs with apt-get"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mono-mcs
echo "setup-mono: $(mcs --version) installed"
