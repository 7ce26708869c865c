// Integer requantization (fixed-point multiplier, RNE and stochastic rounding, saturation) and
// the LFSR, against hand-worked cases; docs/interfaces.md section 2 is the specification.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>

#include "qta/cli.h"
#include "qta/golden/lfsr.h"
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
