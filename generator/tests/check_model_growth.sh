#!/usr/bin/env bash
# The generated RTL must not make Verilator's output grow faster than R*C. A packed
# (R+1)*C*AW-bit psum bus did: traced as one variable, rebuilt every cycle from R*C
# concatenations into (R+1)*C*AW-bit temporaries (VlWide<4160> at 64x64), code growing with
# (R*C)^2. Verilates qta_top at 8x8 and 16x16 (4x the PEs), with and without --trace-fst, and
# fails if the C++ grows more than 1.25 x 4, or if the widest wide value (VlWide<N>) grows faster
# than one array side (ratio above 2.5; the old bus gave 3.8). Both sizes have row_groups 2: the
# widest value is the output buffer's write data, row_groups*C + requant_lanes lanes, and the
# derived row groups (2 at 8x8, 4 at 16x16) would count a configuration choice as growth.
# Usage: check_model_growth.sh QTA WORKDIR   (QTA_TEMPLATE_DIR: templates to check; the old
# psum bus, templates/qta_array.v.mustache of commit 61bfb26, fails the --trace-fst check)
set -uo pipefail
qta="$1"; work="$2"
rm -rf "$work"; mkdir -p "$work"
bytes() {  # bytes of C++ Verilator writes for an n x n array; $2: extra verilator flags
  local n=$1 flags=$2
  local dir="$work/v${n}${flags// /}"
  QTA_TEMPLATE_DIR=${QTA_TEMPLATE_DIR:-} "$qta" gen -q --rows "$n" --cols "$n" --row-groups 2 --out "$work/g$n" >/dev/null 2>&1 || { echo "FAIL: qta gen ${n}x${n}" >&2; exit 1; }
  # shellcheck disable=SC2086
  (cd "$work/g$n" && verilator --cc $flags -Wno-fatal --top-module qta_top -f qta_top.f --Mdir "$dir" >/dev/null 2>&1) ||
    { echo "FAIL: verilator --cc $flags on ${n}x${n}" >&2; exit 1; }
  local b w
  b=$(cat "$dir"/*.cpp "$dir"/*.h | wc -c)
  w=$(cat "$dir"/*.cpp "$dir"/*.h | grep -o 'VlWide<[0-9]*>' | tr -dc '0-9\n' | sort -n | tail -1)
  echo "$b ${w:-1}"
}
status=0
for flags in "" "--trace-fst"; do
  read -r small wsmall < <(bytes 8 "$flags") || exit 1
  read -r big wbig < <(bytes 16 "$flags") || exit 1
  ratio=$(python3 -c "print(f'{$big / $small:.2f}')")
  wratio=$(python3 -c "print(f'{$wbig / $wsmall:.2f}')")
  verdict=$(python3 -c "print('ok' if $big / $small <= 1.25 * 4 and $wbig / $wsmall <= 2.5 else 'FAIL')")
  echo "$verdict verilator --cc ${flags:-(no trace)}: 8x8 $small bytes, 16x16 $big bytes, ratio $ratio (PEs x4, limit 5.00);" \
       "widest VlWide 8x8 $wsmall, 16x16 $wbig words, ratio $wratio (limit 2.50)"
  [ "$verdict" = ok ] || status=1
done
[ $status = 0 ] && echo "PASS: Verilator output grows no faster than R*C"
exit $status
