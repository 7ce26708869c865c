// Quantization to q-bit symmetric integers: scale, round half to even, saturation, negative zero.
#include <gtest/gtest.h>

#include <cmath>

#include "qta/cli.h"
#include "qta/golden/quant.h"

using namespace qta::golden;

TEST(Quant, QmaxIsSymmetricRangeForEveryWidth) {
  EXPECT_EQ(qmax_for(2), 1);
  EXPECT_EQ(qmax_for(4), 7);
  EXPECT_EQ(qmax_for(8), 127);
  EXPECT_EQ(qmax_for(16), 32767);
  EXPECT_THROW(qmax_for(1), qta::UsageError);
  EXPECT_THROW(qmax_for(17), qta::UsageError);
}

TEST(Quant, ScaleIsMaxAbsOverQmaxAndOneForZeroTensor) {
  EXPECT_DOUBLE_EQ(scale_for(254.0f, 8), 2.0);
  EXPECT_DOUBLE_EQ(scale_for(0.0f, 8), 1.0);
  EXPECT_DOUBLE_EQ(scale_for(7.0f, 4), 1.0);
  EXPECT_THROW(scale_for(NAN, 8), qta::UsageError);
  EXPECT_THROW(scale_for(INFINITY, 8), qta::UsageError);
}

TEST(Quant, HandWorkedTiesRoundHalfToEven) {
  // scale 2: x / S = 2.5, -2.5, 3.5, -3.5, 0.5, 1.5 -> 2, -2, 4, -4, 0, 2
  const float xs[] = {5, -5, 7, -7, 1, 3};
  const int32_t want[] = {2, -2, 4, -4, 0, 2};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(quantize_value(xs[i], 2.0, 8), want[i]) << "x = " << xs[i];
}

TEST(Quant, SaturatesToSymmetricRangeNeverMinusTwoToTheQMinusOne) {
  EXPECT_EQ(quantize_value(1000.0f, 1.0, 8), 127);
  EXPECT_EQ(quantize_value(-1000.0f, 1.0, 8), -127);  // -128 is never produced
  EXPECT_EQ(quantize_value(-127.6f, 1.0, 8), -127);
  EXPECT_EQ(quantize_value(9.0f, 1.0, 4), 7);
}

TEST(Quant, NegativeZeroAndTinyNegativesGiveZero) {
  EXPECT_EQ(quantize_value(-0.0f, 1.0, 8), 0);
  EXPECT_EQ(quantize_value(-0.5f, 1.0, 8), 0);  // tie: -0.5 -> -0 -> 0
  EXPECT_EQ(quantize_value(-0.4f, 1.0, 8), 0);
}

TEST(Quant, TensorUsesItsOwnMaxSoTheLargestElementMapsToQmax) {
  MatF x(1, 5);
  x.data = {254.0f, 5.0f, -7.0f, 1.0f, -0.0f};
  const QTensor t = quantize(x, 8);
  EXPECT_DOUBLE_EQ(t.scale, 2.0);
  EXPECT_EQ(t.values.data, (std::vector<int32_t>{127, 2, -4, 0, 0}));
  MatF zeros(2, 2);
  const QTensor z = quantize(zeros, 8);
  EXPECT_DOUBLE_EQ(z.scale, 1.0);
  EXPECT_EQ(z.values.data, (std::vector<int32_t>{0, 0, 0, 0}));
}

TEST(Quant, DequantizeRoundTripErrorIsAtMostHalfAStep) {
  Rng rng(7);
  const MatF x = random_normal(16, 16, 3.0, rng);
  for (int q : {4, 8, 12}) {
    const QTensor t = quantize(x, q);
    const MatF back = dequantize(t);
    for (size_t i = 0; i < x.data.size(); ++i)
      ASSERT_LE(std::fabs(back.data[i] - x.data[i]), t.scale / 2 * (1 + 1e-6)) << "q=" << q << " element " << i;
  }
}
