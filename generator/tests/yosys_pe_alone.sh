#!/usr/bin/env bash
# qta_pe synthesizes alone with its default parameters (docs/interfaces.md section 7):
# full generic `synth -top qta_pe` on the checked-in RTL, no warning, and a multiplier present.
set -uo pipefail
rtl="$1"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
yosys -p "read_verilog -sv $rtl/rtl/qta_pe.v; synth -top qta_pe; stat" > "$log" 2>&1
rc=$?
grep -E "Number of cells|Warning|ERROR" "$log" | tail -5
if [ $rc -ne 0 ] || grep -qE "^Warning|ERROR" "$log"; then echo "FAIL: yosys synth -top qta_pe"; exit 1; fi
cells=$(grep -m1 "Number of cells" "$log" | awk '{print $4}')
if [ -z "$cells" ] || [ "$cells" -lt 100 ]; then echo "FAIL: qta_pe has only '${cells}' cells"; exit 1; fi
echo "PASS: qta_pe synthesizes alone ($cells cells)"
