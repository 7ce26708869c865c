#!/usr/bin/env bash
# expect_exit.sh CODE TEXT PATH CMD...: runs CMD, checks its exit code is CODE, that its output
# contains TEXT, and (unless PATH is "-") that PATH does not exist afterwards (nothing half-written).
set -u
code=$1 text=$2 path=$3; shift 3
out=$("$@" 2>&1); rc=$?
echo "$out"
if [ "$rc" != "$code" ]; then echo "FAIL: exit code $rc, expected $code: $*"; exit 1; fi
if ! grep -qF -- "$text" <<<"$out"; then echo "FAIL: output lacks '$text': $*"; exit 1; fi
if [ "$path" != "-" ] && [ -e "$path" ]; then echo "FAIL: $path was left behind: $*"; exit 1; fi
if [ "$path" != "-" ] && ls -a "$(dirname "$path")" 2>/dev/null | grep -q '\.tmp-'; then
  echo "FAIL: temporary directory left beside $path"; exit 1; fi
echo "ok: exit $rc"
