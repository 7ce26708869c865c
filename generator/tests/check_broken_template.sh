#!/usr/bin/env bash
# check_broken_template.sh QTA WORK: a user's template directory (QTA_TEMPLATE_DIR) with a
# Mustache syntax error is bad input (exit 2, was 3), the message naming the template file and
# the line of the error; a missing template stays exit 2; nothing is left beside --out.
set -u
qta=$1 W=$2
src=$(cd "$(dirname "$0")/../../templates" && pwd)
rm -rf "$W"; mkdir -p "$W"
fail=0
# expect NAME "NEEDLE|NEEDLE" : runs qta gen with QTA_TEMPLATE_DIR=$W/NAME.
expect() {
  local name=$1 needles=$2
  QTA_TEMPLATE_DIR="$W/$name" "$qta" gen --out "$W/out_$name" >"$W/$name.out" 2>"$W/$name.err"; local rc=$?
  local ok=1
  [ $rc = 2 ] || { echo "FAIL $name: exit $rc, want 2"; ok=0; }
  IFS='|' read -ra pats <<<"$needles"
  for p in "${pats[@]}"; do grep -qF -- "$p" "$W/$name.err" || { echo "FAIL $name: stderr lacks '$p'"; ok=0; }; done
  ls -A "$W" | grep -q "^out_$name" && { echo "FAIL $name: output left: $(ls -A "$W" | grep "^out_$name")"; ok=0; }
  if [ $ok = 1 ]; then echo "ok   $name: $(head -c 400 "$W/$name.err")"; else
    echo "  stderr: $(head -c 600 "$W/$name.err")"
    echo "  reproduce: QTA_TEMPLATE_DIR=$W/$name $qta gen --out $W/out_$name"; fail=1
  fi
}
# The templates set the delimiters <% %> on their first line (templates/README.md).
# An unclosed section opened on line 3 of qta_pe.v.mustache.
cp -r "$src" "$W/unclosed_section"
sed -i '3i <%#no_such_end%>' "$W/unclosed_section/qta_pe.v.mustache"
expect unclosed_section "template '$W/unclosed_section/qta_pe.v.mustache' line 3, column 1: Unclosed section \"no_such_end\""
# An unclosed tag on the last line of qta_fifo.v.mustache.
cp -r "$src" "$W/unclosed_tag"
printf 'x <%%oops\n' >>"$W/unclosed_tag/qta_fifo.v.mustache"
n=$(wc -l <"$W/unclosed_tag/qta_fifo.v.mustache")
expect unclosed_tag "template '$W/unclosed_tag/qta_fifo.v.mustache' line $n, column 3: Unclosed tag"
# A template missing: exit 2 as before.
cp -r "$src" "$W/missing"
rm "$W/missing/qta_amax.v.mustache"
expect missing "has no qta_amax.v.mustache"
exit $fail
