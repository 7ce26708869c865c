#!/usr/bin/env bash
# The main job on the default configuration (an 8x8 array): golden model, RTL generation,
# performance prediction, verification against the golden model, synthesis.
# Outputs go to out/demo/. Usage: scripts/demo.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
QTA="$BUILD/qta"
OUT=out/demo
rm -rf "$OUT"; mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*"; }

step "golden model: one LoRA forward+backward step, FP32 vs INT8 (tensors in $OUT/golden)"
"$QTA" golden lora --tokens 64 --d-in 32 --d-out 48 --rank 4 --seed 1 --dump "$OUT/golden"

step "Stable Diffusion v1.5 cross-attention LoRA layers (the workload table)"
"$QTA" golden workloads

step "golden model: FP32 and INT8 LoRA training side by side"
"$QTA" golden train --steps 200 --seed 1

step "generate the 8x8 configuration ($OUT/rtl8x8)"
"$QTA" gen --rows 8 --cols 8 --out "$OUT/rtl8x8"

step "predicted performance on Stable Diffusion v1.5 LoRA GEMMs, 8x8 and 64x64 arrays"
"$QTA" perf --rows 8 --cols 8 --rank 4
"$QTA" perf --rows 64 --cols 64 --rank 4

step "verify the 8x8 RTL against the golden model (results under build/verify/)"
"$QTA" verify --rows 8 --cols 8 --suite all --seed 1

step "synthesize the 8x8 configuration with the OSU 0.18um library"
"$QTA" synth --rows 8 --cols 8 --out "$OUT/synth8x8" --equiv
grep -E "^(top|pe|array|quantizer|scheduler) " "$OUT/synth8x8/area.rpt" | head -8
grep -E "^achievable clock" "$OUT/synth8x8/timing.rpt"
sed -n '/^Energy per/,$p' "$OUT/synth8x8/energy.rpt"
grep -E "^EQUIV" "$OUT/synth8x8/equiv.rpt"

step "done: reports under $OUT"
