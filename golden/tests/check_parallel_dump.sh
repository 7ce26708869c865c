#!/usr/bin/env bash
# check_parallel_dump.sh QTA DIR: 8 `qta golden lora --dump X` at once. A dump never replaces a
# non-empty directory, so exactly one writer succeeds and the others fail cleanly (exit 2, "already
# exists"); X is that one complete dump and nothing (X.tmp-*, X.lock) is left beside it.
set -u
qta=$1 work=$2
rm -rf "$work"; mkdir -p "$work"
pids=()
for i in $(seq 8); do
  "$qta" golden lora --tokens 16 --seed "$i" --dump "$work/dump" > "$work/log.$i" 2>&1 &
  pids+=($!)
done
ok=0 refused=0 fail=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}"; rc=$?
  log="$work/log.$((i + 1))"
  if [ $rc -eq 0 ]; then ok=$((ok + 1))
  elif [ $rc -eq 2 ] && grep -q "already exists and is not empty" "$log"; then refused=$((refused + 1))
  else echo "FAIL: writer $((i + 1)) exited $rc: $(tail -2 "$log")"; fail=1; fi
done
if [ $ok -ne 1 ]; then echo "FAIL: $ok writers succeeded, want exactly 1"; fail=1; fi
[ -f "$work/dump/manifest.json" ] || { echo "FAIL: no complete dump"; fail=1; }
left=$(ls -A "$work" | grep -vE '^(dump|log\.[0-9]+)$')
if [ -n "$left" ]; then echo "FAIL: left beside the dump: $left"; fail=1; fi
if [ $fail -ne 0 ]; then
  echo "reproduce: for i in \$(seq 8); do $qta golden lora --tokens 16 --dump $work/dump & done; wait"
else
  echo "ok: 8 parallel dumps into one directory: 1 written, $refused refused with exit 2, nothing left beside it"
fi
exit $fail
