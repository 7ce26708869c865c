#!/usr/bin/env bash
# Nightly regression: `qta verify` over several array configurations and seeds, with many more
# random GEMMs than `make test`, X checks, and a Markdown report a team reads in the morning.
#   scripts/nightly.sh [OUT_DIR]          (default out/nightly/<UTC date>)
# Environment: CONFIGS (sizes RxC or named configurations of generator/configs; default every
#   named configuration plus 4x4, 16x8 and 32x32), SEEDS (default "1 2 3"),
#   RANDOM_CASES (default 5000), XCHECK (default 2), BUILD (default build),
#   SYNTH_SWEEP (default "4x4,8x8,16x16"; empty skips the synthesis sweep).
# Exit code: 0 if every run passed, 1 otherwise. Long: never part of `make test`.
set -uo pipefail
BUILD=${BUILD:-build}
OUT=${1:-out/nightly/$(date -u +%Y-%m-%d)}
CONFIGS=${CONFIGS:-"default_8x8 ws_only banked wide16 paper_64x64 max_128x128 4x4 16x8 32x32"}
SEEDS=${SEEDS:-"1 2 3"}
RANDOM_CASES=${RANDOM_CASES:-5000}
XCHECK=${XCHECK:-2}
SYNTH_SWEEP=${SYNTH_SWEEP-4x4,8x8,16x16}
mkdir -p "$OUT"
runs="$OUT/runs.tsv"
printf 'config\tseed\texit\tseconds\tlog\twork\n' > "$runs"
status=0
for cfg in $CONFIGS; do
  if [[ $cfg =~ ^[0-9]+x[0-9]+$ ]]; then cfg_args=(--rows "${cfg%x*}" --cols "${cfg#*x}"); else cfg_args=(--config "$cfg"); fi
  for seed in $SEEDS; do
    work="$OUT/$cfg"
    log="$OUT/$cfg-seed$seed.log"
    start=$(date +%s)
    "$BUILD/qta" verify "${cfg_args[@]}" --suite all --seed "$seed" \
      --random-cases "$RANDOM_CASES" --xcheck "$XCHECK" --work "$work" > "$log" 2>&1
    rc=$?
    # keep this seed's results beside the log (the work directory is shared by the seeds)
    cp "$work/results.xml" "$OUT/$cfg-seed$seed.results.xml" 2>/dev/null
    cp "$work/functional_coverage.json" "$OUT/$cfg-seed$seed.coverage.json" 2>/dev/null
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$cfg" "$seed" "$rc" "$(( $(date +%s) - start ))" "$log" "$work" >> "$runs"
    [ "$rc" = 0 ] || status=1
    echo "$cfg seed $seed: exit $rc ($(tail -1 "$log"))"
  done
done
if [ -n "$SYNTH_SWEEP" ]; then
  # Area and clock against array size (Yosys + OpenSTA), with the SVG plot.
  "$BUILD/qta" synth --sweep "$SYNTH_SWEEP" --out "$OUT/synth" > "$OUT/synth.log" 2>&1 || status=1
  echo "synth sweep $SYNTH_SWEEP: $(tail -1 "$OUT/synth.log")"
fi
python3 "$(dirname "$0")/nightly_report.py" "$OUT" > "$OUT/report.md"
echo "report: $OUT/report.md"
exit $status
