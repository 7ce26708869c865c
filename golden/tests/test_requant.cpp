// Integer requantization (fixed-point multiplier, RNE and stochastic rounding, saturation) and
// the LFSR, against hand-worked cases; docs/interfaces.md section 2 is the specification.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>

#include "qta/cli.h"
#include "qta/golden/lfsr.h"
#include "qta/golden/quant.h"
#include "qta/golden/requant.h"

using namespace qta::golden;

TEST(Lfsr, SequenceIsPinned) {
  // If these change, the RTL's LFSR and every SR golden vector change with them.
  uint32_t s = 1;
  const uint32_t want[] = {0x80200003u, 0xc0300002u, 0x60180001u, 0xb02c0003u, 0xd8360002u};
  for (uint32_t w : want) {
    s = lfsr_step(s);
    EXPECT_EQ(s, w);
  }
  s = 1;
  for (int i = 0; i < 1000000; ++i) s = lfsr_step(s);
  EXPECT_EQ(s, 0xc83ac5c1u) << "state after 10^6 steps from seed 1";
  EXPECT_EQ(lfsr_step(0), 0u) << "0 is the fixed point that seeds must avoid";
}

TEST(FixedPoint, HandWorkedMultipliers) {
  EXPECT_EQ(fixed_point_from(0.5), (FixedPoint{1 << 30, 31}));
  EXPECT_EQ(fixed_point_from(1.0), (FixedPoint{1 << 30, 30}));
  EXPECT_EQ(fixed_point_from(0.75), (FixedPoint{3 << 29, 31}));
  EXPECT_EQ(requant_multiplier(127, 8), (FixedPoint{1 << 30, 30}));  // M = 1
  EXPECT_EQ(requant_multiplier(254, 8), (FixedPoint{1 << 30, 31}));  // M = 0.5
  EXPECT_EQ(requant_multiplier(0, 8), (FixedPoint{0, 0}));
  // f * 2^31 rounding up to 2^31 renormalizes to 2^30 with e + 1.
  EXPECT_EQ(fixed_point_from(std::nextafter(1.0, 0.0)), (FixedPoint{1 << 30, 30}));
  EXPECT_THROW(fixed_point_from(0.0), qta::UsageError);
  EXPECT_THROW(fixed_point_from(-1.0), qta::UsageError);
  EXPECT_THROW(fixed_point_from(1e30), qta::UsageError);  // needs n < 0
}

namespace {
// Reference for the dynamic multiplier, computed another way than golden's recipe: search the
// exponent n0 with 2^30 <= qmax * 2^n0 / amax < 2^31 (exact 128-bit comparisons), round
// qmax * 2^n0 / amax to nearest as floor((2 * qmax * 2^n0 + amax) / (2 * amax)), renormalize
// 2^31 to 2^30 at n0 - 1.
FixedPoint reference_multiplier(int64_t amax, int q) {
  using u128 = unsigned __int128;
  const u128 qmax = u128(qmax_for(q)), a = u128(amax);
  for (int n = 0; n < 100; ++n) {
    const u128 num = qmax << n;
    if (num >= (u128(1) << 30) * a && num < (u128(1) << 31) * a) {
      const u128 m0 = (2 * num + a) / (2 * a);
      if (m0 == u128(1) << 31) return FixedPoint{1 << 30, n - 1};
      return FixedPoint{int32_t(m0), n};
    }
  }
  ADD_FAILURE() << "no exponent for amax " << amax;
  return {};
}

void expect_reference(int64_t amax, int q) {
  const FixedPoint want = reference_multiplier(amax, q);
  ASSERT_EQ(requant_multiplier(amax, q), want) << "amax = " << amax << ", q = " << q << ": expected m0 = " << want.m0
                                               << ", n = " << want.n;
}
}  // namespace

TEST(DynamicMultiplier, HandWorkedAndDegenerateCases) {
  EXPECT_EQ(requant_multiplier(0, 8), (FixedPoint{0, 0}));        // all-zero result: every output 0
  EXPECT_EQ(requant_multiplier(1, 8), (FixedPoint{127 << 24, 24}));  // M = 127 exactly
  EXPECT_EQ(requant_multiplier(127, 8), (FixedPoint{1 << 30, 30}));  // M = 1: quotient 2^31, one shift less
  EXPECT_EQ(requant_multiplier(3, 8), (FixedPoint{1420470955, 25}));  // 127/3 * 2^25 = 1420470954.67 -> up
  EXPECT_EQ(requant_multiplier(1, 2), (FixedPoint{1 << 30, 30}));     // q = 2: qmax = 1
  // The accumulator limits of a 32-bit accumulator: |acc| <= 2^31 - 1 and |INT32_MIN| = 2^31.
  EXPECT_EQ(requant_multiplier(int64_t{1} << 31, 8), (FixedPoint{127 << 24, 55}));
  EXPECT_EQ(requant_multiplier((int64_t{1} << 31) - 1, 8), (FixedPoint{2130706433, 55}));  // 2130706432.99 -> up
  // Rounding up to 2^31 and renormalizing needs amax > 2^32 (docs/interfaces.md section 2).
  EXPECT_EQ(requant_multiplier(127 * (int64_t{1} << 27) + 1, 8), (FixedPoint{1 << 30, 57}));
  EXPECT_THROW(requant_multiplier(-1, 8), qta::UsageError);
  EXPECT_THROW(requant_multiplier(int64_t{1} << 40, 2), qta::UsageError);  // needs n > 63
  EXPECT_NO_THROW(requant_multiplier(int64_t{1} << 32, 2));                  // n = 62
  EXPECT_THROW(requant_multiplier(5, 17), qta::UsageError);                  // q out of range
}

TEST(DynamicMultiplier, MatchesTheReferenceForEveryBitLengthAndItsBoundaries) {
  // Every q, every bit length of amax up to 33 bits, the values at and next to each power of
  // two, the accumulator limits 2^(AW-1) - 1 and 2^(AW-1) of every width, and random values.
  Rng rng(2504);
  int64_t checked = 0;
  for (int q = kMinBits; q <= kMaxBits; ++q) {
    for (int la = 1; la <= 33; ++la) {
      const int64_t lo = int64_t{1} << (la - 1), hi = (int64_t{1} << la) - 1;
      for (int64_t amax : {lo, lo + 1, hi - 1, hi, (lo + hi) / 2})
        if (amax >= lo && amax <= hi) {
          expect_reference(amax, q);
          ++checked;
        }
      for (int i = 0; i < 500; ++i) {
        expect_reference(lo + int64_t(rng.next_u64() % uint64_t(hi - lo + 1)), q);
        ++checked;
      }
    }
    for (int aw = 2; aw <= 33; ++aw)
      for (int64_t amax : {(int64_t{1} << (aw - 1)) - 1, int64_t{1} << (aw - 1)})
        if (amax > 0) {
          expect_reference(amax, q);
          ++checked;
        }
  }
  EXPECT_GT(checked, 15 * 33 * 500);
}

TEST(DynamicMultiplier, MatchesTheReferenceForEveryAmaxUpTo2To20) {
  for (int q : {4, 8, 16})
    for (int64_t amax = 1; amax <= (int64_t{1} << 20); ++amax) expect_reference(amax, q);
}

TEST(DynamicMultiplier, IsQmaxOverAmaxCorrectlyRoundedAndAgreesWithTheDoubleRecipeWhereDoublesAreExact) {
  // m0 * 2^-n is qmax / amax to within half a unit of m0's last place (long double: 64-bit
  // mantissa, exact enough here); m0 in [2^30, 2^31), n in 0..63. Below 2^20 the old derivation
  // through a double (fixed_point_from(qmax / amax)) cannot round differently: the quotient is
  // at least 1 / (2 amax) away from a rounding boundary, far more than a double's error.
  Rng rng(7);
  for (int i = 0; i < 300000; ++i) {
    const int q = kMinBits + int(rng.next_u64() % (kMaxBits - kMinBits + 1));
    const int64_t amax = 1 + int64_t(rng.next_u64() % (uint64_t{1} << (1 + rng.next_u64() % 32)));
    const FixedPoint m = requant_multiplier(amax, q);
    ASSERT_GE(m.m0, 1 << 30);
    ASSERT_GE(m.n, 0);
    ASSERT_LE(m.n, 63);
    const long double exact = std::ldexp((long double)qmax_for(q) / (long double)amax, m.n);
    ASSERT_LE(std::fabs(exact - (long double)m.m0), 0.5L + 1e-6L) << "amax = " << amax << ", q = " << q;
    if (amax < (int64_t{1} << 20))
      ASSERT_EQ(m, fixed_point_from(double(qmax_for(q)) / double(amax))) << "amax = " << amax << ", q = " << q;
  }
}

TEST(Requant, RoundHalfToEvenHandCases) {
  const FixedPoint half = requant_multiplier(254, 8);  // M = 0.5
  const int32_t acc[] = {5, 7, -5, -7, 3, -3, -1, 1, 254, -254, 6};
  const int32_t want[] = {2, 4, -2, -4, 2, -2, 0, 0, 127, -127, 3};
  for (int i = 0; i < 11; ++i) EXPECT_EQ(requantize_one(acc[i], half, Rounding::RNE, 0, 8), want[i]) << "acc = " << acc[i];
}

TEST(Requant, SaturatesBothSides) {
  const FixedPoint half = requant_multiplier(254, 8);
  EXPECT_EQ(requantize_one(300, half, Rounding::RNE, 0, 8), 127);
  EXPECT_EQ(requantize_one(-300, half, Rounding::RNE, 0, 8), -127);
  EXPECT_EQ(requantize_one(INT32_MIN, half, Rounding::RNE, 0, 8), -127);
  EXPECT_EQ(requantize_one(INT32_MAX, half, Rounding::SR, 0xffffffffu, 8), 127);
}

TEST(Requant, RneMatchesExactRoundingOfTheRationalValue) {
  // p / 2^n is exact in long double (64-bit mantissa); nearbyintl rounds half to even.
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  Rng rng(11);
  for (int i = 0; i < 200000; ++i) {
    const int n = int(rng.next_u64() % 64);
    const int64_t p = int64_t(rng.next_u64()) >> (1 + rng.next_u64() % 40);
    const long double exact = std::nearbyintl(std::ldexp((long double)p, -n));
    ASSERT_EQ(round_shift(p, n, Rounding::RNE, 0), int64_t(exact)) << "p=" << p << " n=" << n;
  }
}

TEST(Requant, StochasticRoundingUsesTopBitsOfTheLfsrState) {
  EXPECT_EQ(round_shift(1, 1, Rounding::SR, 0x80000000u), 1);  // 0.5 + 0.5 -> 1
  EXPECT_EQ(round_shift(1, 1, Rounding::SR, 0x7fffffffu), 0);  // 0.5 + 0   -> 0
  EXPECT_EQ(round_shift(-1, 1, Rounding::SR, 0x7fffffffu), -1);
  EXPECT_EQ(round_shift(-1, 1, Rounding::SR, 0x80000000u), 0);
  // n > 32: the state fills bits n-1..n-32, lower bits are zero.
  const int64_t p = int64_t{3} << 39;  // 1.5 at n = 40
  EXPECT_EQ(round_shift(p, 40, Rounding::SR, 0x80000000u), 2);
  EXPECT_EQ(round_shift(p, 40, Rounding::SR, 0x7fffffffu), 1);
  EXPECT_EQ(round_shift(12345, 0, Rounding::SR, 0xdeadbeefu), 12345);
}

TEST(Requant, StochasticRoundingIsExactWherePPlusUExceeds64Bits) {
  // n > 32 shifts the LFSR state up to bit 62; with |p| near 2^62, p + u needs 65 bits. The
  // result must still be floor((p + u) / 2^n), here checked against 128-bit arithmetic.
  const int32_t accs[] = {INT32_MAX, INT32_MIN, INT32_MAX - 12345, -1, 1, 0x40000000, -0x40000001};
  const int32_t m0s[] = {INT32_MAX, 1 << 30, 0x5a5a5a5a};
  const uint32_t states[] = {0xffffffffu, 0x80000000u, 0x12345678u, 1u};
  int checked = 0;
  for (int32_t acc : accs)
    for (int32_t m0 : m0s)
      for (uint32_t st : states)
        for (int n = 0; n <= 63; ++n) {
          const __int128 p = __int128(acc) * m0;
          const __int128 u = n == 0 ? 0 : n <= 32 ? __int128(st >> (32 - n)) : __int128(st) << (n - 32);
          __int128 q = (p + u) >> n;  // arithmetic shift of a 128-bit value: floor
          if (q > 127) q = 127;
          if (q < -127) q = -127;
          ASSERT_EQ(requantize_one(acc, FixedPoint{m0, n}, Rounding::SR, st, 8), int32_t(q))
              << "acc = " << acc << ", m0 = " << m0 << ", n = " << n << ", state = " << st;
          ++checked;
        }
  EXPECT_EQ(checked, 7 * 3 * 4 * 64);
}

TEST(Requant, StochasticRoundingIsUnbiasedOverManyDraws) {
  // E[round] equals the exact value acc * m0 / 2^n; 200000 draws, tolerance 5 sigma.
  for (double target : {0.25, 0.3, 0.9, 2.7}) {
    for (int32_t acc : {1, -1, 3}) {
      const FixedPoint m = fixed_point_from(target);
      const double exact = double(acc) * double(m.m0) * std::ldexp(1.0, -m.n);
      uint32_t state = 0x1234567u;
      double sum = 0;
      const int draws = 200000;
      for (int i = 0; i < draws; ++i) {
        state = lfsr_step(state);
        sum += double(requantize_one(acc, m, Rounding::SR, state, 8));
      }
      const double frac = exact - std::floor(exact);
      const double sigma = std::sqrt(frac * (1 - frac) / draws);
      EXPECT_NEAR(sum / draws, exact, 5 * sigma + 1e-9) << "target " << target << " acc " << acc;
    }
  }
}

TEST(Requant, TensorMapsItsMaxToQmaxAndStepsLfsrOncePerElementRowMajor) {
  MatI acc(2, 3);
  acc.data = {100, -400, 3, 0, 250, -401};
  const Requantized r = requantize(acc, 8, Rounding::SR, 99);
  EXPECT_EQ(r.amax, 401);
  EXPECT_EQ(r.m, requant_multiplier(401, 8));
  EXPECT_EQ(r.values(1, 2), -127);
  uint32_t state = 99;
  for (int e = 0; e < 6; ++e) {
    state = lfsr_step(state);
    EXPECT_EQ(r.values.data[size_t(e)], requantize_one(acc.data[size_t(e)], r.m, Rounding::SR, state, 8)) << "element " << e;
  }
  EXPECT_THROW(requantize(acc, 8, Rounding::SR, 0), qta::UsageError);
  const Requantized z = requantize(MatI(2, 2), 8, Rounding::RNE, 1);
  EXPECT_EQ(z.amax, 0);
  EXPECT_EQ(z.values.data, (std::vector<int32_t>{0, 0, 0, 0}));
}
