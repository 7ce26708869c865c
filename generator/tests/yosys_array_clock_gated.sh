#!/usr/bin/env bash
# The array is clock-gated (docs/rtl.md, "Clock gating"): in the elaborated qta_array of the given
# qta gen directory, the only flip-flops clocked by the free-running clk_i are the enable
# flip-flops of the clock gates (u_cg: one per row and column group, G = col_groups; with G > 1
# also u_cg_wsc, one per row but row 0, for WSC's own skew lines) and their enable copies (u_en,
# u_en_wsc); every PE, skew and control register runs on a gated clock.
# (Gating is invisible to the bit-exact suites: a gate that stayed open, or a register left on
# clk_i, would only cost energy and simulation time.)
# Usage: yosys_array_clock_gated.sh GEN_DIR
set -uo pipefail
gen="$1"
gates_expected=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(c['rows'] * c['col_groups'] + (c['rows'] - 1 if c['col_groups'] > 1 else 0))" "$gen/config.json") ||
  { echo "FAIL: $gen/config.json has no rows / col_groups"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=$(ls "$gen"/rtl/*.v | tr '\n' ' ')
yosys -q -p "read_verilog -sv $files; hierarchy -top qta_array; proc; flatten; opt_clean;
             tee -q -o $work/all.txt select -list t:\$dff;
             tee -q -o $work/on_clk.txt select -list w:clk_i %co1 t:\$dff %i" > "$work/log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then cat "$work/log"; echo "FAIL: yosys could not elaborate qta_array in $gen"; exit 1; fi
all=$(grep -c '\$dff\|procdff' "$work/all.txt")
on_clk=$(grep -c 'procdff' "$work/on_clk.txt")
gates=$(grep -c '\.u_cg\(_wsc\)\?\.' "$work/on_clk.txt")
copies=$(grep -c '\.u_en\(_wsc\)\?\.' "$work/on_clk.txt")
others=$(grep 'procdff' "$work/on_clk.txt" | grep -v '\.u_cg\(_wsc\)\?\.\|\.u_en\(_wsc\)\?\.')
echo "qta_array ($gen): $all flip-flop cells, $on_clk on clk_i ($gates gate enables, $copies enable copies)"
if [ -n "$others" ]; then
  echo "FAIL: registers of the array on the ungated clk_i (expected only the gates' u_cg* / u_en*):"
  echo "$others" | head -10
  exit 1
fi
if [ "$gates" -ne "$gates_expected" ] || [ "$copies" -ne "$gates_expected" ]; then
  echo "FAIL: expected $gates_expected clock gates (rows x col_groups, + rows - 1 for WSC's lines when col_groups > 1) and as many enable copies on clk_i, found $gates and $copies"
  exit 1
fi
if [ "$all" -le $((2 * gates_expected)) ]; then echo "FAIL: only $all flip-flop cells in qta_array"; exit 1; fi
echo "PASS: every other register of qta_array runs on a gated clock ($gates gates)"
