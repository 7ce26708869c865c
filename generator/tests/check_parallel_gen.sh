#!/usr/bin/env bash
# check_parallel_gen.sh QTA DIR: several `qta gen --out X` at once all succeed, X is one complete
# output (every file its manifest lists), and nothing (X.tmp-*, X.old-*, X.lock) is left beside it.
set -u
qta=$1 work=$2
rm -rf "$work"; mkdir -p "$work"
pids=()
for i in 1 2 3 4 5 6; do
  "$qta" gen -q --rows 4 --cols 4 --out "$work/out" > "$work/log.$i" 2>&1 &
  pids+=($!)
done
fail=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || { echo "FAIL: writer $((i + 1)) exited $?"; cat "$work/log.$((i + 1))"; fail=1; }
done
python3 - "$work/out" <<'PY' || fail=1
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
missing = [f for f in m["files"] if not os.path.isfile(os.path.join(d, f))]
assert not missing, f"incomplete output, missing {missing}"
PY
left=$(ls -A "$work" | grep -vE '^(out|log\.[0-9]+)$')
if [ -n "$left" ]; then echo "FAIL: left beside out: $left"; fail=1; fi
[ $fail -eq 0 ] && echo "ok: 6 parallel qta gen into one --out, one complete output, nothing left beside it"
exit $fail
