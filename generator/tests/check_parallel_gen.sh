#!/usr/bin/env bash
# check_parallel_gen.sh QTA DIR [WRITERS]: WRITERS (default 24) `qta gen --out X` at once, three
# rounds: into a new X, replacing it, and replacing it by two renames (QTA_ATOMIC_DIR_NO_EXCHANGE=1,
# the path of filesystems without RENAME_EXCHANGE). Every writer exits 0, X is one complete output
# (every file its manifest lists), and nothing (X.tmp-*, X.old-*, X.lock) is left beside it.
set -u
qta=$1 work=$2 writers=${3:-24}
rm -rf "$work"; mkdir -p "$work"
fail=0
round() {
  local name=$1; shift
  local pids=() i
  for i in $(seq "$writers"); do
    env "$@" "$qta" gen -q --rows 4 --cols 4 --out "$work/out" > "$work/log.$name.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}"
    local rc=$?
    if [ $rc -ne 0 ]; then
      echo "FAIL ($name): writer $((i + 1)) exited $rc: $(cat "$work/log.$name.$((i + 1))")"
      echo "reproduce: for i in \$(seq $writers); do $* $qta gen --rows 4 --cols 4 --out $work/out & done; wait"
      fail=1
    fi
  done
  python3 - "$work/out" <<'PY' || fail=1
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
missing = [f for f in m["files"] if not os.path.isfile(os.path.join(d, f))]
assert not missing, f"incomplete output, missing {missing}"
PY
  local left
  left=$(ls -A "$work" | grep -vE '^(out|log\..*)$')
  if [ -n "$left" ]; then echo "FAIL ($name): left beside out: $left"; fail=1; fi
  [ $fail -eq 0 ] && echo "ok   $name: $writers parallel qta gen into one --out, all exit 0, one complete output, nothing beside it"
}
round new QTA_ATOMIC_DIR_NO_EXCHANGE=0
round replace QTA_ATOMIC_DIR_NO_EXCHANGE=0
round two_renames QTA_ATOMIC_DIR_NO_EXCHANGE=1
exit $fail
