#!/usr/bin/env bash
# Generates one configuration and elaborates it with Yosys 0.23:
#   read_verilog -sv; hierarchy -check -top qta_top; synth -run begin:fine
# Any Yosys warning or error fails the test.
set -uo pipefail
qta="$1"; work="$2"; shift 2
rm -rf "$work"; mkdir -p "$(dirname "$work")"
# Small buffers keep the elaboration quick; QTA_GEN_DEPTHS overrides them ("" = the defaults,
# needed from 64x64 on, where one tile no longer fits in 1024 words).
depths=${QTA_GEN_DEPTHS---input-depth 1024 --weight-depth 1024 --output-depth 2048}
# shellcheck disable=SC2086
"$qta" gen -q "$@" $depths --out "$work" \
  || { echo "FAIL: qta gen exited $?"; exit 1; }
cd "$work"
files=$(grep '^rtl/' qta_top.f | tr '\n' ' ')
start=$(date +%s.%N)
yosys -p "read_verilog -sv $files; hierarchy -check -top qta_top; synth -run begin:fine; stat" > yosys.log 2>&1
rc=$?
end=$(date +%s.%N)
grep -E "Number of cells|Warning|ERROR" yosys.log | tail -20
if [ $rc -ne 0 ] || grep -qE "^Warning|ERROR" yosys.log; then
  echo "FAIL: yosys elaboration of qta gen $* (exit $rc); log: $work/yosys.log"
  exit 1
fi
printf 'PASS: yosys elaborates qta gen %s (%.1f s)\n' "$*" "$(echo "$end - $start" | bc)"
