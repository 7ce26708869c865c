#!/usr/bin/env bash
# Nightly regression: `qta regress nightly` (regress/lists.json: every test on the 6 named
# configurations incl. paper_64x64 and the 128-column wide_8x128, 5 seeds, 5000 random GEMMs per job; triage,
# history in BUILD/regress/history.sqlite, OUT/report.html, OUT/junit.xml; docs/regress.md), then
# the synthesis sweep and the long fuzz of the command line and configuration files (FUZZ_COUNT
# invocations, default 20000, seeded by SEED; common/tests/fuzz_cli.py, issue 11; about two
# minutes), the simulation benchmark (bench_sim.py), then mutation testing of the RTL templates
# (MUTANTS per configuration, default 150).
# Hours on two cores: never part of `make test`.
#   scripts/nightly.sh [OUT_DIR] [qta regress options...]     (default out/nightly/<UTC date>)
# Environment: BUILD (default build), WORKERS (default 2), SEED (first seed, default the date, so
#   each night explores new seeds), BACKEND (local or slurm), SYNTH_SWEEP (default
#   "4x4,8x8,16x16"; empty skips the sweep), FUZZ_COUNT (0 skips the fuzz).
# Exit code: 0 if every job passed, 1 otherwise, 2 bad input.
set -uo pipefail
BUILD=${BUILD:-build}
OUT=${1:-out/nightly/$(date -u +%Y-%m-%d)}
[ $# -gt 0 ] && shift
SYNTH_SWEEP=${SYNTH_SWEEP-4x4,8x8,16x16}
"$BUILD/qta" regress nightly --out "$OUT" --workers "${WORKERS:-2}" --seed "${SEED:-$(date -u +%Y%m%d)}" \
  --backend "${BACKEND:-local}" "$@"
status=$?
[ "$status" = 2 ] && exit 2
if [ -n "$SYNTH_SWEEP" ]; then
  "$BUILD/qta" synth --sweep "$SYNTH_SWEEP" --out "$OUT/synth" > "$OUT/synth.log" 2>&1 || status=1
  echo "synth sweep $SYNTH_SWEEP: $(tail -1 "$OUT/synth.log") (plot: $OUT/synth/area_scaling.svg)"
fi
FUZZ_COUNT=${FUZZ_COUNT:-20000}
if [ "$FUZZ_COUNT" != 0 ]; then
  python3 "$(dirname "$0")/../common/tests/fuzz_cli.py" "$BUILD/qta" "$OUT/fuzz" --count "$FUZZ_COUNT" \
    --seed "${SEED:-$(date -u +%Y%m%d)}" > "$OUT/fuzz.log" 2>&1 || status=1
  rm -rf "$OUT/fuzz"
  echo "fuzz: $(grep -E '^(fuzz seed|exit codes|crashes)' "$OUT/fuzz.log" | tr '\n' ' ')(log: $OUT/fuzz.log)"
fi
# The simulation benchmark (scripts/bench_sim.py, make bench-sim): the paper_64x64 model's clean
# build and the whole suite three times, median cycles per second per test.
python3 "$(dirname "$0")/bench_sim.py" --qta "$BUILD/qta" --config paper_64x64 --runs 3 --out "$OUT/bench_sim" \
  > "$OUT/bench_sim.log" 2>&1 || status=1
echo "bench-sim: $(grep -E '^model build|^  all ' "$OUT/bench_sim.log" | tr -s ' ' | tr '\n' ' ')(log: $OUT/bench_sim.log)"
# The CTests too long for `make test` (label nightly: the 64x64 Yosys elaboration, the smoke list
# on the single-node SLURM cluster).
(cd "$BUILD" && ctest -L nightly --output-on-failure > "$OUT/ctest-nightly.log" 2>&1) || status=1
echo "ctest -L nightly: $(grep -E 'tests passed|tests failed' "$OUT/ctest-nightly.log")"
# Mutation testing of the RTL templates (scripts/mutate.py, verif/README.md): a seeded sample on
# the default 8x8 and on the banked configuration, each gated at a 97% kill rate over the
# non-equivalent mutants. MUTANTS per configuration (default 150; 0 skips).
MUTANTS=${MUTANTS:-150}
if [ "$MUTANTS" != 0 ]; then
  for cfg in default_8x8 banked; do
    python3 "$(dirname "$0")/mutate.py" --qta "$BUILD/qta" --config "$cfg" --suite all --sample "$MUTANTS" \
      --seed "${SEED:-$(date -u +%Y%m%d)}" --jobs "${WORKERS:-2}" --out "$OUT/mutate/$cfg" > "$OUT/mutate-$cfg.log" 2>&1 \
      || status=1
    echo "mutation $cfg: $(grep '^kill rate' "$OUT/mutate-$cfg.log") (report: $OUT/mutate/$cfg/report.txt)"
  done
fi
exit $status
