#!/usr/bin/env bash
# check_output_failures.sh CASE QTA WORK: outputs that cannot be written, and runs stopped by a
# signal while they write (issue 28; qta/atomic_dir.h, qta/staging.h). The disk is made "full"
# without root: the command runs under `ulimit -f` with SIGXFSZ ignored, so its writes beyond
# the limit fail with EFBIG, as they would with ENOSPC. Each case checks the exit code, a message
# on stderr naming the output, nothing on stdout for a failure, and nothing left in the scratch
# directory but what was there before. On failure it prints the command to reproduce.
set -u
case=$1 qta=$2 T=$3
rm -rf "$T" "$T.logs"; mkdir -p "$T" "$T.logs"
L=$T.logs
fail() { echo "FAIL ($case): $*"; exit 1; }

# limited KB ARGS...: runs ARGS with a file size limit of KB kilobytes; stdout (through a pipe,
# which the limit does not apply to), stderr in $L; returns its exit code.
limited() {
  local kb=$1; shift
  ( trap '' XFSZ; ulimit -f "$kb"; exec "$@" ) 2>"$L/err" | cat >"$L/out"
  return "${PIPESTATUS[0]}"
}
# expect_refused RC "NEEDLE|NEEDLE" BEFORE: exit RC, needles on stderr, the scratch directory as BEFORE.
expect_refused() {
  local rc=$1 needles=$2 before=$3 want=$4; shift 4
  echo "exit $rc: $(head -c 600 "$L/err")"
  [ "$rc" = "$want" ] || fail "exit $rc, want $want; reproduce: $*"
  IFS='|' read -ra pats <<<"$needles"
  for p in "${pats[@]}"; do grep -qF -- "$p" "$L/err" || fail "stderr lacks '$p'; reproduce: $*"; done
  local after; after=$(ls -A "$T" | tr '\n' ' ')
  [ "$after" = "$before" ] || fail "the scratch directory changed: before [$before], after [$after]; reproduce: $*"
}

case $case in
  gen_file_size_limit)  # was exit 3 ("internal error: cannot write '.../x.tmp-.../rtl/...'")
    limited 8 "$qta" gen --out "$T/x"; rc=$?
    expect_refused $rc "--out '$T/x': cannot write 'rtl/|File too large|left as it was" "" 2 \
      bash -c "trap '' XFSZ; ulimit -f 8; $qta gen --out $T/x"
    [ -s "$L/out" ] && fail "stdout is not empty: $(head -c 300 "$L/out")" ;;
  gen_replace_file_size_limit)  # a previous output is kept whole
    "$qta" gen -q --out "$T/x" || fail "first qta gen failed"
    sum=$(cd "$T/x" && find . -type f | sort | xargs md5sum | md5sum)
    limited 8 "$qta" gen --rows 16 --cols 16 --out "$T/x"; rc=$?
    expect_refused $rc "--out '$T/x'|File too large" "x " 2 bash -c "ulimit -f 8; $qta gen --rows 16 --cols 16 --out $T/x"
    [ "$(cd "$T/x" && find . -type f | sort | xargs md5sum | md5sum)" = "$sum" ] || fail "the previous output changed" ;;
  golden_dump_file_size_limit)  # was exit 3 (std::ofstream: "write failed")
    limited 16 "$qta" golden lora --tokens 256 --d-in 64 --dump "$T/d"; rc=$?
    expect_refused $rc "dump directory '$T/d': cannot write '|File too large" "" 2 \
      bash -c "ulimit -f 16; $qta golden lora --tokens 256 --d-in 64 --dump $T/d" ;;
  perf_json_file_size_limit)
    limited 4 "$qta" perf --rows 8 --cols 8 --json "$T/p.json"; rc=$?
    expect_refused $rc "--json '$T/p.json' cannot be written (File too large)" "" 2 \
      bash -c "ulimit -f 4; $qta perf --rows 8 --cols 8 --json $T/p.json" ;;
  perf_stdout_full)  # the results cannot reach stdout: exit 2 saying so, not a silent exit 0
    "$qta" perf --rows 8 --cols 8 >/dev/full 2>"$L/err"; rc=$?
    expect_refused $rc "stdout|No space left on device" "" 2 "$qta" perf --rows 8 --cols 8 ">/dev/full" ;;
  gen_sigterm_mid_write|gen_sigint_mid_write)
    # A slow qta gen (128x128) stopped while it writes its staging directory: it ends by the
    # signal (the shell sees 128 + N) and leaves no *.tmp-* (nor the output, nor a lock). The
    # command starts with the signal's default action (a non-interactive shell would start a
    # background job with SIGINT ignored).
    if [ $case = gen_sigterm_mid_write ]; then sig=TERM want=143; else sig=INT want=130; fi
    for attempt in 1 2 3 4 5; do
      rm -rf "$T"; mkdir -p "$T"
      python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$qta" gen -q --rows 128 --cols 128 --out "$T/big" &
      pid=$!
      for _ in $(seq 4000); do
        compgen -G "$T/big.tmp-*/rtl/*" >/dev/null && break
        sleep 0.005
      done
      kill -$sig $pid
      wait $pid; rc=$?
      if [ $rc = 0 ]; then echo "attempt $attempt: qta gen finished before the signal; again"; continue; fi
      echo "attempt $attempt: exit status $rc after SIG$sig; left: [$(ls -A "$T" | tr '\n' ' ')]"
      [ $rc = $want ] || fail "exit status $rc, want $want (killed by SIG$sig); reproduce: $qta gen --rows 128 --cols 128 --out $T/big & kill -$sig \$!"
      [ -z "$(ls -A "$T")" ] || fail "left behind: $(ls -A "$T"); reproduce: $qta gen --rows 128 --cols 128 --out $T/big & kill -$sig \$!"
      echo "ok: $case"; exit 0
    done
    echo "SKIP: qta gen always finished before the signal"; exit 77 ;;
  *) fail "unknown case" ;;
esac
echo "ok: $case"
