#!/usr/bin/env bash
# rtl/default_8x8 (checked in) equals a fresh `qta gen` of generator/configs/default_8x8.json run
# with the same command line. Fix a failure with: generator/update_rtl.sh BUILD_DIR
set -uo pipefail
qta="$1"; src="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
# Same relative paths as generator/update_rtl.sh, so the headers' command line matches.
mkdir -p "$work/generator/configs" "$work/rtl"
cp "$src/generator/configs/default_8x8.json" "$work/generator/configs/"
(cd "$work" && QTA_TEMPLATE_DIR="$src/templates" "$qta" gen --config generator/configs/default_8x8.json \
   --out rtl/default_8x8) || exit 1
if ! diff -r "$src/rtl/default_8x8" "$work/rtl/default_8x8"; then
  echo "FAIL: rtl/default_8x8 is stale; regenerate with: generator/update_rtl.sh BUILD_DIR"
  exit 1
fi
echo "PASS: rtl/default_8x8 matches the templates"
