#!/usr/bin/env bash
# The generated FuseSoC core file passes check_core_file.py (CAPI2 structure, files = qta_top.f),
# for the checked-in default and a banked non-square configuration; and the checker is not blind:
# a core that lost one RTL file, and one whose target names an undeclared parameter, both fail.
# Usage: check_core_file.sh QTA SOURCE_DIR WORKDIR
set -uo pipefail
qta="$1"; src="$2"; work="$3"
check="$src/generator/tests/check_core_file.py"
python3() { /usr/bin/python3 "$@"; }  # Debian's python3-yaml, from the bootstrap
rm -rf "$work"; mkdir -p "$work"
python3 "$check" "$src/rtl/default_8x8" || exit 1
"$qta" gen -q --rows 3 --cols 5 --banks 4 --out "$work/gen" || { echo "FAIL: qta gen exited $?"; exit 1; }
python3 "$check" "$work/gen" || exit 1
cp -r "$work/gen" "$work/missing"
sed -i '/- rtl\/qta_fifo.v/d' "$work/missing/qta.core"
if python3 "$check" "$work/missing"; then echo "FAIL: a core without rtl/qta_fifo.v passed"; exit 1; fi
cp -r "$work/gen" "$work/undeclared"
sed -i 's/QTA_DPI_BACKDOOR=true/QTA_NO_SUCH_DEFINE=true/' "$work/undeclared/qta.core"
if python3 "$check" "$work/undeclared"; then echo "FAIL: a target with an undeclared parameter passed"; exit 1; fi
echo "PASS: core files well-formed; broken cores are caught"
