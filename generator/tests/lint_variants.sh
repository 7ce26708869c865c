#!/usr/bin/env bash
# Lint of the less common configuration choices: banks, single dataflow, single rounding mode,
# narrow operands, a one-entry queue, the test mutations, a 1x1 and a non-square odd array.
set -uo pipefail
qta="$1"; work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
fail=0
variants=(
  "--banks 4 --dataflows ws --rounding rne"
  "--rows 3 --cols 5 --dataflows os --rounding sr --queue-depth 1"
  "--rows 1 --cols 1 --data-width 4 --acc-width 8 --input-depth 64 --weight-depth 64 --output-depth 64"
  "--data-width 16 --acc-width 32 --banks 2"
  "--mutation pe_drop_acc_msb"
  "--mutation quant_round_half_up"
)
i=0
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  bash "$here/lint.sh" "$qta" "$work/v$i" $v || fail=1
  i=$((i + 1))
done
exit $fail
