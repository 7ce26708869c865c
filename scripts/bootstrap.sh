#!/usr/bin/env bash
# Installs the Debian packages qta needs. Idempotent: packages already present are skipped,
# and apt is only touched when something is missing. Fails with a clear message naming the
# package that could not be installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build clang
  verilator yosys opensta qflow-tech-osu018
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev
  libcli11-dev libkainjow-mustache-dev nlohmann-json3-dev
  python3 python3-numpy python3-yaml ccache
  libtinyxml2-dev lcov librsvg2-bin
  slurmctld slurmd slurm-client munge sqlite3
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "bootstrap: missing packages: ${missing[*]}; not root and no sudo: install them by hand" >&2
    exit 1
  fi
fi

echo "bootstrap: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "bootstrap: apt-get update failed" >&2; exit 1; }
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/qta-bootstrap.log 2>&1; then
  # Find which package failed, so the message names it.
  for p in "${missing[@]}"; do
    if ! apt-cache show "$p" >/dev/null 2>&1; then
      echo "bootstrap: package '$p' is not available from the configured Debian registry" >&2
    fi
  done
  echo "bootstrap: apt-get install failed; log in /tmp/qta-bootstrap.log" >&2
  tail -20 /tmp/qta-bootstrap.log >&2
  exit 1
fi
echo "bootstrap: done"
