#!/usr/bin/env bash
# train_cases.sh CASE QTA WORK: one check of `qta train` (runtime/tests/CMakeLists.txt).
#   rtl_matches_golden_*   the RTL backend's stdout (loss, cycles, predicted cycles, utilization,
#                          descriptors and a digest of every tensor and factor per step) equals the
#                          golden backend's, and --check-golden compares every tensor bit for bit
#   bad input / divergence the exit code, the message naming the value, nothing written
# On failure it prints the command to reproduce.
set -u
case=$1 qta=$2 T=$3
rm -rf "$T"; mkdir -p "$T"
fail() { echo "FAIL ($case): $*"; exit 1; }

# expect CODE NEEDLE CMD...: exit code, message, and no --json / --plot file left in $T.
expect() {
  local code=$1 needle=$2; shift 2
  out=$("$@" --json "$T/run.json" --plot "$T/loss.svg" 2>&1); rc=$?
  echo "$out" | tail -5
  [ "$rc" = "$code" ] || fail "exit code $rc, expected $code; reproduce: $* --json $T/run.json"
  grep -qF -- "$needle" <<<"$out" || fail "the output lacks '$needle'; reproduce: $*"
  [ -z "$(ls -A "$T")" ] || fail "left behind in $T: $(ls -A "$T"); reproduce: $*"
  echo "ok: exit $rc, '$needle', nothing written"
}

# compare ARGS...: golden and rtl backends, same arguments; stdout identical, --check-golden passes.
compare() {
  "$qta" train --backend golden "$@" >"$T/golden.txt" 2>"$T/golden.err" || { cat "$T/golden.err"; fail "golden backend failed: $qta train --backend golden $*"; }
  "$qta" train --backend rtl --check-golden "$@" --json "$T/rtl.json" >"$T/rtl.txt" 2>"$T/rtl.err" ||
    { tail -20 "$T/rtl.err"; fail "rtl backend failed; reproduce: $qta train --backend rtl --check-golden $*"; }
  cat "$T/rtl.txt"
  grep -q "^step 1 loss " "$T/golden.txt" || fail "no step lines from the golden backend"
  diff <(grep -v '^every step bit-exact' "$T/rtl.txt") "$T/golden.txt" ||
    fail "the backends differ (above); reproduce: diff <($qta train --backend golden $*) <($qta train --backend rtl $*)"
  grep -q "^every step bit-exact with the golden model" "$T/rtl.txt" || fail "--check-golden did not confirm"
  python3 -c "import json,sys; j=json.load(open('$T/rtl.json')); assert j['backend']=='rtl' and len(j['steps'])>0" ||
    fail "rtl.json is not the run's JSON log"
  echo "ok: rtl == golden ($(grep -c '^step' "$T/rtl.txt") steps)"
}

case $case in
  rtl_matches_golden_lora) compare --block lora --steps 3 --seed 5 ;;
  rtl_matches_golden_attention) compare --block attention --steps 2 --seed 5 ;;
  # X (128 x 48) exceeds the 8x8 default input buffer (4096 words): split GEMMs on the RTL.
  rtl_matches_golden_split)
    compare --block lora --steps 2 --seed 3 --tokens 128 --d-in 48 --d-out 40 --rank 4
    grep -q " split [1-9]" "$T/rtl.txt" || fail "no GEMM was split" ;;
  golden_writes_json_and_plot)
    "$qta" train --backend golden --steps 4 --json "$T/run.json" --plot "$T/loss.svg" >"$T/out.txt" || fail "exit $?"
    [ "$(grep -c '^step [0-9]* loss ' "$T/out.txt")" = 4 ] || fail "expected 4 step lines: $(cat "$T/out.txt")"
    python3 - "$T/run.json" <<'PY' || fail "run.json"
import json, sys
j = json.load(open(sys.argv[1]))
assert [s["step"] for s in j["steps"]] == [1, 2, 3, 4], j["steps"]
assert all(s["cycles"] == s["predicted_cycles"] > 0 and len(s["gemms"]) == 8 for s in j["steps"])
PY
    grep -q "<polyline" "$T/loss.svg" || fail "loss.svg has no curve"
    ls -A "$T" | grep -q 'tmp-' && fail "temporary file left behind"
    echo "ok: 4 steps, JSON and SVG" ;;
  # A 16-bit accumulator at q = 8 holds K <= 2: fwd_xw (K = d_in = 32) cannot run, split or not.
  cannot_fit_after_splitting) expect 2 "K = 32 cannot run even after splitting" "$qta" train --backend rtl --acc-width 16 --data-width 8 ;;
  q_mismatch) expect 2 "q = 8 of the training does not match data_width = 4" "$qta" train --backend rtl --data-width 4 ;;
  rounding_mismatch) expect 2 "--bwd-rounding = sr needs a rounding mode" "$qta" train --backend rtl --config wide16 ;;
  divergence) expect 1 "training diverged at step" "$qta" train --backend golden --lr 1e30 --steps 5 ;;
  shape_flag_of_other_block) expect 2 "--d-in and --d-out shape a LoRA layer" "$qta" train --block attention --d-in 8 ;;
  # A limit derived from another flag names it (issue 28).
  attention_rank_names_d_ctx) expect 2 "rank = 7 is out of range; valid: 1..6 (at most --d-ctx = 6" "$qta" train --block attention --d-ctx 6 --rank 7 ;;
  bad_steps) expect 2 "--steps = 0 is out of range; valid: 1..1000000" "$qta" train --steps 0 ;;
  *) fail "unknown case" ;;
esac
