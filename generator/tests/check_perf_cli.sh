#!/usr/bin/env bash
# `qta perf`: runs, writes JSON whose AUTO cycles are the per-step minimum of WS and OS, reports a
# speedup >= 1 over both single-dataflow baselines, and rejects bad arguments with exit 2.
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
"$qta" perf --rows 16 --cols 8 --rank 4 --json "$work/perf.json" > "$work/perf.txt" || { echo "FAIL: qta perf exited $?"; exit 1; }
grep -q "speedup of flexible dataflow" "$work/perf.txt" || { echo "FAIL: no speedup line"; cat "$work/perf.txt"; exit 1; }
python3 - "$work/perf.json" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
assert r["array"] == {"rows": 16, "cols": 8}, r["array"]
assert len(r["layers"]) == 16  # to_q, to_k, to_v, to_out at four UNet levels
assert sum(l["count"] for l in r["layers"]) == 64
for layer in r["layers"]:
    assert len(layer["steps"]) == 8
    for s in layer["steps"]:
        assert s["auto_cycles"] == min(s["ws_cycles"], s["os_cycles"]), s
    assert layer["auto_cycles"] == sum(s["auto_cycles"] for s in layer["steps"])
t = r["total"]
assert t["auto_cycles"] == sum(l["count"] * l["auto_cycles"] for l in r["layers"]), t
assert t["speedup_vs_ws"] >= 1.0 and t["speedup_vs_os"] >= 1.0, t
print("PASS: perf JSON consistent; speedup vs WS-only %.3f, vs OS-only %.3f" % (t["speedup_vs_ws"], t["speedup_vs_os"]))
PY
for bad in "--rows 0" "--cols 129" "--rank 0"; do
  # shellcheck disable=SC2086
  "$qta" perf $bad > "$work/bad.log" 2>&1; rc=$?
  if [ $rc -ne 2 ]; then echo "FAIL: qta perf $bad exited $rc, want 2"; cat "$work/bad.log"; exit 1; fi
  echo "ok   qta perf $bad: $(cat "$work/bad.log")"
done
