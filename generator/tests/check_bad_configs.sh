#!/usr/bin/env bash
# Bad configurations: exit code 2, a message naming the field, the value and the valid range,
# and no output directory (nor temporary directory) left behind.
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
fail=0
# expect NAME "substring1|substring2..." qta-gen-args...
expect() {
  local name="$1" patterns="$2"; shift 2
  local out="$work/out_$name"
  "$qta" gen "$@" --out "$out" > "$work/$name.log" 2>&1
  local rc=$?
  local msg; msg=$(cat "$work/$name.log")
  if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, want 2: $msg"; fail=1; return; fi
  IFS='|' read -ra pats <<< "$patterns"
  for p in "${pats[@]}"; do
    if ! grep -qF -- "$p" "$work/$name.log"; then echo "FAIL $name: message lacks '$p': $msg"; fail=1; fi
  done
  if ls -d "$work"/out_"$name"* > /dev/null 2>&1; then echo "FAIL $name: output left behind"; fail=1; fi
  echo "ok   $name: $msg"
}
printf '{"rows": 8, "colums": 8}\n' > "$work/unknown_key.json"
printf '{"rows": "8"}\n' > "$work/wrong_type.json"
printf '{"dataflows": "wss"}\n' > "$work/typo_mode.json"
printf '{"rows": 8,\n' > "$work/broken.json"
expect rows_0        "'rows'|= 0|1..128"               --rows 0
expect cols_1000     "'cols'|= 1000|1..128"            --cols 1000
expect width_3       "'data_width'|= 3|4..16"          --data-width 3
expect acc_small     "'acc_width'|= 12|16..32"         --acc-width 12
expect buffer_small  "'input_depth'|= 32|64..|at least rows * cols = 8 * 8 = 64"            --input-depth 32
expect out_small     "'output_depth'|= 100|128..|at least 2 * rows * cols = 2 * 8 * 8 = 128" --output-depth 100
expect buffer_4x16   "'weight_depth'|= 60|64..|at least rows * cols = 4 * 16 = 64"           --rows 4 --cols 16 --weight-depth 60
expect banks_3       "'banks'|= 3|power of two"        --banks 3
expect depth_banks   "'weight_depth'|4097|multiple of banks" --weight-depth 4097 --banks 2
expect typo_flag     "'rounding'|\"rnd\"|rne, sr, both" --rounding rnd
expect typo_file     "'dataflows'|\"wss\"|ws, os, both" --config "$work/typo_mode.json"
expect unknown_key   "'colums'|valid fields"           --config "$work/unknown_key.json"
expect wrong_type    "'rows'|expected an integer"      --config "$work/wrong_type.json"
expect not_integer   "'rows'|\"eight\"|not an integer|1..128" --rows eight
expect broken_json   "not valid JSON"                  --config "$work/broken.json"
expect missing_file  "cannot open"                     --config "$work/nope.json"
expect bad_mutation  "'mutation'|\"flip\""             --mutation flip
# An existing directory that is not a qta gen output is never replaced.
mkdir -p "$work/keep" && echo precious > "$work/keep/file.txt"
"$qta" gen --out "$work/keep" > "$work/keep.log" 2>&1; rc=$?
if [ $rc -ne 2 ] || [ "$(cat "$work/keep/file.txt")" != precious ]; then
  echo "FAIL keep: exit $rc, want 2 and the directory untouched"; fail=1
else echo "ok   keep: $(cat "$work/keep.log")"; fi
if ls "$work" | grep -qE "\.tmp-|\.old-"; then echo "FAIL: temporary directories left behind"; fail=1; fi
exit $fail
