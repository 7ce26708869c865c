#!/usr/bin/env bash
# Generates one configuration and runs `verilator --lint-only -Wall` on its top, as synthesis sees
# it and with the test benches' DPI-C buffer backdoor (+define+QTA_DPI_BACKDOOR): any warning fails.
# Usage: lint.sh QTA WORKDIR [qta gen flags...]
set -uo pipefail
qta="$1"; work="$2"; shift 2
rm -rf "$work"; mkdir -p "$(dirname "$work")"
"$qta" gen -q "$@" --out "$work" || { echo "FAIL: qta gen $* exited $?"; exit 1; }
cd "$work"
start=$(date +%s.%N)
for defines in "" "+define+QTA_DPI_BACKDOOR"; do
  # shellcheck disable=SC2086
  verilator --lint-only -Wall $defines -f qta_top.f > lint.log 2>&1
  rc=$?
  cat lint.log
  if [ $rc -ne 0 ] || grep -q "%Warning" lint.log; then
    echo "FAIL: verilator --lint-only -Wall $defines on qta gen $* (exit $rc); reproduce: cd $work && verilator --lint-only -Wall $defines -f qta_top.f"
    exit 1
  fi
done
end=$(date +%s.%N)
printf 'PASS: lint clean for qta gen %s, with and without QTA_DPI_BACKDOOR (%.1f s)\n' "$*" "$(echo "$end - $start" | bc)"
