#!/usr/bin/env bash
# The same command twice gives byte-identical trees (the command is part of every header, so the
# runs use the same --out path: the second run replaces the first).
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
cfg=(--rows 16 --cols 8 --banks 2 --rounding rne)
"$qta" gen -q "${cfg[@]}" --out "$work/out" || exit 1
(cd "$work/out" && find . -type f | sort | xargs sha256sum) > "$work/first.sha"
"$qta" gen -q "${cfg[@]}" --out "$work/out" || exit 1
(cd "$work/out" && find . -type f | sort | xargs sha256sum) > "$work/second.sha"
if ! diff "$work/first.sha" "$work/second.sha"; then echo "FAIL: qta gen ${cfg[*]} is not deterministic"; exit 1; fi
n=$(wc -l < "$work/first.sha")
ls "$work" | grep -E "\.tmp-|\.old-" && { echo "FAIL: temporary directories left behind"; exit 1; }
echo "PASS: $n files byte-identical across two runs"
