#!/usr/bin/env bash
# check_streams.sh QTA WORK: diagnostics on stderr, results on stdout (issue 28,
# docs/interfaces.md section 5). Bad input to each subcommand: exit 2, stdout empty, the
# message on stderr; a good run of qta perf: its table on stdout, no log line there.
set -u
qta=$1 W=$2
rm -rf "$W"; mkdir -p "$W"
fail=0
# bad NAME "NEEDLE" ARGS...: exit 2, nothing on stdout, "[error] ...NEEDLE" on stderr.
bad() {
  local name=$1 needle=$2; shift 2
  "$@" >"$W/$name.out" 2>"$W/$name.err"; local rc=$?
  local ok=1
  [ "$rc" = 2 ] || { echo "FAIL $name: exit $rc, want 2"; ok=0; }
  [ -s "$W/$name.out" ] && { echo "FAIL $name: stdout is not empty: $(head -c 400 "$W/$name.out")"; ok=0; }
  grep -q '^\[error\]' "$W/$name.err" || { echo "FAIL $name: no [error] line on stderr"; ok=0; }
  grep -qF -- "$needle" "$W/$name.err" || { echo "FAIL $name: stderr lacks '$needle'"; ok=0; }
  if [ $ok = 1 ]; then echo "ok   $name: $(head -c 300 "$W/$name.err")"; else
    echo "  stderr: $(head -c 600 "$W/$name.err")"
    printf '  reproduce:'; printf ' %q' "$@"; echo
    fail=1
  fi
}
bad gen_rows_0       "field 'rows' = 0"          "$qta" gen --rows 0 --out "$W/x"
bad gen_unknown_flag "--no-such-flag"            "$qta" gen --out "$W/x" --no-such-flag
bad golden_rank      "rank = 4 is out of range"  "$qta" golden lora --d-out 3 --rank 4
bad golden_train     "optimizer = 'adamw'"       "$qta" golden train --optimizer adamw
bad perf_rows_0      "field 'rows' = 0"          "$qta" perf --rows 0
bad verify_rows_0    "field 'rows' = 0"          "$qta" verify --rows 0
bad synth_sram       "--sram-bit-um2"            "$qta" synth --sram-bit-um2 inf --rows 4 --out "$W/s"
bad train_steps_0    "--steps = 0"               "$qta" train --steps 0
bad regress_list     "no_such_list"              "$qta" regress no_such_list
[ -e "$W/x" ] || [ -e "$W/s" ] && { echo "FAIL: an output was left"; fail=1; }

# A good run: the results on stdout, every log line on stderr.
"$qta" perf --rows 8 --cols 8 >"$W/perf.out" 2>"$W/perf.err"; rc=$?
if [ $rc != 0 ] || ! grep -q "speedup of flexible dataflow" "$W/perf.out" || grep -q '^\[' "$W/perf.out"; then
  echo "FAIL perf_good: exit $rc; stdout must hold the table and no [level] line: $(head -c 400 "$W/perf.out")"; fail=1
else echo "ok   perf_good: table on stdout"; fi
"$qta" gen --out "$W/g" >"$W/gen.out" 2>"$W/gen.err"; rc=$?
if [ $rc != 0 ] || [ -s "$W/gen.out" ] || ! grep -q '^\[info\] wrote' "$W/gen.err"; then
  echo "FAIL gen_good: exit $rc; want stdout empty and '[info] wrote' on stderr"; fail=1
else echo "ok   gen_good: log on stderr"; fi
exit $fail
