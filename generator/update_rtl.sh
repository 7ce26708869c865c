#!/usr/bin/env bash
# Regenerates the checked-in default configuration rtl/default_8x8 from templates/.
# Usage: generator/update_rtl.sh [BUILD_DIR]   (default build; needs BUILD_DIR/qta)
# The test gen_rtl_up_to_date fails until this has been run after a template change.
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
before=$(cat rtl/default_8x8/qta_top.f 2>/dev/null || true)
"$build/qta" gen --config generator/configs/default_8x8.json --out rtl/default_8x8
# A module added or removed: the main build's verif_tb_default reads the list at configure time.
if [[ "$before" != "$(cat rtl/default_8x8/qta_top.f)" && -f "$build/build.ninja" ]]; then
  cmake -S . -B "$build" > /dev/null
fi
