// Requantization of int32 GEMM results to q-bit integers, in integer arithmetic only, as the
// hardware's quantizer does it (docs/interfaces.md section 2; every choice is explained in
// docs/quantization.md).
#pragma once

#include "qta/golden/matrix.h"

namespace qta::golden {

enum class Rounding { RNE = 0, SR = 1 };
const char* rounding_name(Rounding r);

// Fixed-point multiplier M = m0 * 2^-n with m0 in [2^30, 2^31) and n in [0, 63].
// amax == 0 gives {0, 0}: every output is 0.
struct FixedPoint {
  int32_t m0 = 0;
  int n = 0;
  bool operator==(const FixedPoint&) const = default;
};

// Decomposes a positive real multiplier into FixedPoint (gemmlowp / TFLite scheme), for explicit
// (static) multipliers.
FixedPoint fixed_point_from(double multiplier);
// The dynamic multiplier that maps max|acc| = amax onto qmax, M = qmax / amax, in integer
// arithmetic only (docs/interfaces.md section 2, step 4; the hardware's qta_recip computes the
// same bits): m0 = qmax * 2^n / amax rounded to nearest, n chosen so that m0 is in [2^30, 2^31).
// amax == 0 gives {0, 0}. Throws qta::UsageError if amax < 0 or n would exceed 63 (never for
// amax <= 2^32).
FixedPoint requant_multiplier(int64_t amax, int q);

// p / 2^n rounded to an integer: RNE rounds half to even, SR adds n random bits taken from the
// top of lfsr_state before flooring.
int64_t round_shift(int64_t p, int n, Rounding mode, uint32_t lfsr_state);
// One element: round(acc * m0 / 2^n), saturated to [-qmax, qmax].
int32_t requantize_one(int32_t acc, FixedPoint m, Rounding mode, uint32_t lfsr_state, int q);

struct Requantized {
  MatI values;
  int64_t amax = 0;
  FixedPoint m;
};
// Whole tensor: amax = max|acc|, M from requant_multiplier, elements in row-major order, element
// e using the LFSR state step^(e+1)(sr_seed) (SR only; sr_seed must be non-zero for SR).
Requantized requantize(const MatI& acc, int q, Rounding mode, uint32_t sr_seed);

}  // namespace qta::golden
