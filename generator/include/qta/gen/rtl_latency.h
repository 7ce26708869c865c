// Fixed latencies of the generated RTL, the same for every configuration. The generator renders
// them into the templates (`scale_cycles`); the performance model counts them (qta::perf, which
// re-exports them: perf/include/qta/perf/perf.h). Header only, in library qta_gen_config.
#pragma once

#include <cstdint>

namespace qta::gen {

// Cycles of the on-chip multiplier derivation of a DYNAMIC descriptor: qta_recip normalizes
// amax (1 cycle), produces 32 quotient bits of a restoring division (32) and rounds (1), between
// the last compute cycle and the requantization pass (qta_finish's SCALE state).
inline constexpr int64_t kScaleCycles = 34;

}  // namespace qta::gen
