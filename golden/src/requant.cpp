#include "qta/golden/requant.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/golden/lfsr.h"
#include "qta/golden/quant.h"

namespace qta::golden {

const char* rounding_name(Rounding r) { return r == Rounding::RNE ? "rne" : "sr"; }

FixedPoint fixed_point_from(double multiplier) {
  if (!(multiplier > 0) || !std::isfinite(multiplier))
    throw UsageError(fmt::format("requantization multiplier {} must be positive and finite", multiplier));
  int e = 0;
  const double f = std::frexp(multiplier, &e);  // multiplier = f * 2^e, f in [0.5, 1)
  int64_t m0 = std::llround(f * 2147483648.0);  // f * 2^31, in [2^30, 2^31]
  if (m0 == (int64_t{1} << 31)) {               // f rounded up to 1.0
    m0 = int64_t{1} << 30;
    e += 1;
  }
  const int n = 31 - e;
  if (n < 0 || n > 63)
    throw UsageError(fmt::format("requantization multiplier {} needs shift n = {}; valid: 0..63", multiplier, n));
  return FixedPoint{int32_t(m0), n};
}

FixedPoint requant_multiplier(int64_t amax, int q) {
  // docs/interfaces.md section 2, step 4: integers only, the recipe the RTL (qta_recip) follows.
  if (amax < 0) throw UsageError(fmt::format("amax = {} must not be negative", amax));
  const int64_t qmax = qmax_for(q);
  if (amax == 0) return FixedPoint{};  // every output is 0
  const int la = std::bit_width(uint64_t(amax));
  const int lq = std::bit_width(uint64_t(qmax));
  // qmax * 2^s / amax lies in (2^30, 2^32) for s = 31 + La - Lq; qmax * 2^s < 2^(31 + La) <= 2^94.
  int s = 31 + la - lq;
  unsigned __int128 quot = 0, rem = 0;
  auto divide = [&] {
    const unsigned __int128 num = (unsigned __int128)qmax << s;
    quot = num / uint64_t(amax);
    rem = num % uint64_t(amax);
  };
  divide();
  if (quot >= (unsigned __int128)1 << 31) {  // quotient in [2^31, 2^32): one shift less
    s -= 1;
    divide();
  }
  if (2 * rem >= (unsigned __int128)amax) quot += 1;  // round half up (an exact half never occurs)
  if (quot == (unsigned __int128)1 << 31) {          // rounded up to 2^31: renormalize
    quot = (unsigned __int128)1 << 30;
    s -= 1;
  }
  if (s < 0 || s > 63)
    throw UsageError(fmt::format("amax = {} with q = {} needs shift n = {}; valid: n in 0..63 (amax up to 2^32 for "
                                 "every q)", amax, q, s));
  return FixedPoint{int32_t(uint32_t(quot)), s};
}

int64_t round_shift(int64_t p, int n, Rounding mode, uint32_t lfsr_state) {
  if (n == 0) return p;
  if (mode == Rounding::SR) {
    // u: n uniformly random bits, the top n bits of the 32-bit LFSR state (zero-extended below
    // bit n-32 when n > 32). floor((p + u) / 2^n) rounds up with probability frac(p / 2^n).
    // Computed as floor(p / 2^n) plus the carry of (p mod 2^n) + u past 2^n: the same value
    // without forming p + u, which can exceed int64 for n > 32 (the RTL does the same in 64 bits).
    const uint64_t u = n <= 32 ? uint64_t(lfsr_state >> (32 - n)) : uint64_t(lfsr_state) << (n - 32);
    const uint64_t rem = uint64_t(p) & ((uint64_t{1} << n) - 1);  // p mod 2^n
    return (p >> n) + int64_t((rem + u) >> n);                     // arithmetic shift: floor
  }
  const int64_t y = p >> n;  // floor
  const int64_t r = p - (y << n);
  const int64_t half = int64_t{1} << (n - 1);
  return y + ((r > half || (r == half && (y & 1))) ? 1 : 0);
}

int32_t requantize_one(int32_t acc, FixedPoint m, Rounding mode, uint32_t lfsr_state, int q) {
  const int64_t qmax = qmax_for(q);
  const int64_t p = int64_t(acc) * int64_t(m.m0);
  const int64_t y = round_shift(p, m.n, mode, lfsr_state);
  return int32_t(std::clamp(y, -qmax, qmax));
}

Requantized requantize(const MatI& acc, int q, Rounding mode, uint32_t sr_seed) {
  if (mode == Rounding::SR && sr_seed == 0)
    throw UsageError("stochastic rounding seed sr_seed = 0 is a fixed point of the LFSR; valid: any non-zero 32-bit value");
  Requantized out;
  for (int32_t v : acc.data) out.amax = std::max<int64_t>(out.amax, std::llabs(int64_t(v)));
  out.m = requant_multiplier(out.amax, q);
  out.values = MatI(acc.rows, acc.cols);
  uint32_t state = sr_seed;
  for (size_t e = 0; e < acc.data.size(); ++e) {  // row-major order of the logical output
    state = lfsr_step(state);                      // element e uses step^(e+1)(sr_seed)
    out.values.data[e] = out.amax == 0 ? 0 : requantize_one(acc.data[e], out.m, mode, state, q);
  }
  return out;
}

}  // namespace qta::golden
