#!/usr/bin/env bash
# Installs the training-speed peer of `npm run bench`: Debian's PyTorch (python3-torch) for the
# system Python, with OpenBLAS. Without libopenblas0 Debian's torch falls back to the reference
# BLAS, about 13x slower per matrix product, which would make the peer look far slower than
# PyTorch is. Idempotent and quick when both are there; the tests never need them.
# With --audio: the peer of the `eqp apply` rows instead, sox, and GNU time (its wall time and
# peak memory).
set -euo pipefail
install_packages() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-bench-tools: $* missing and apt-get is not available" >&2
    exit 1
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup-bench-tools: installing $* needs root (or sudo)" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  echo "setup-bench-tools: installing $* with apt-get" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if [ "${1:-}" = "--audio" ]; then
  if command -v sox >/dev/null 2>&1 && [ -x /usr/bin/time ]; then exit 0; fi
  install_packages sox time
  exit 0
fi
blas_is_openblas() {
  readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null | grep -q openblas ||
    readlink -f "/usr/lib/$(uname -m)-linux-gnu/libblas.so.3" 2>/dev/null | grep -q openblas
}
if /usr/bin/python3 -c "import torch" >/dev/null 2>&1 && blas_is_openblas; then exit 0; fi
install_packages python3-torch python3-numpy libopenblas0-pthread
/usr/bin/python3 -c "import torch; print('setup-bench-tools: python3-torch', torch.__version__)" >&2
