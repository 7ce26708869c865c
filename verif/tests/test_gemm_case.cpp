// The constrained-random case generator and the coverage model: reproducible from the seed, shapes
// fit the buffers, every class and distribution appears, the LoRA-thin class is the most frequent,
// and coverage bins count what they claim.
#include <gtest/gtest.h>

#include "../src/coverage.h"
#include "../src/gemm_case.h"

using namespace qta::verif;
using qta::golden::Op;
using qta::golden::Rounding;

TEST(GemmCase, SameSeedSameCase) {
  const Capacity cap;
  const GemmCase a = random_gemm_case(42, cap, {Dataflow::WS, Dataflow::OS, Dataflow::AUTO});
  const GemmCase b = random_gemm_case(42, cap, {Dataflow::WS, Dataflow::OS, Dataflow::AUTO});
  EXPECT_EQ(a.describe(), b.describe());
  EXPECT_EQ(a.a, b.a);
  EXPECT_EQ(a.b, b.b);
  EXPECT_NE(a.describe(), random_gemm_case(43, cap, {Dataflow::WS}).describe());
}

TEST(GemmCase, ShapeDrawIsTheCaseWithoutOperands) {
  const Capacity cap;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const GemmCase c = random_gemm_case(seed, cap, {Dataflow::WS, Dataflow::OS, Dataflow::AUTO});
    const GemmCase s = random_gemm_shape(seed, cap, {Dataflow::WS, Dataflow::OS, Dataflow::AUTO});
    ASSERT_EQ(s.describe(), c.describe()) << "seed " << seed;
    ASSERT_EQ(s.sr_seed, c.sr_seed) << "seed " << seed;
    ASSERT_TRUE(s.a.data.empty() && s.b.data.empty()) << "seed " << seed;
  }
}

TEST(GemmCase, ExpectedOutFromAGivenAccIsTheSame) {
  const Capacity cap;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    GemmCase c = random_gemm_case(seed, cap, {Dataflow::WS});
    if (seed % 2) c.multiplier = qta::golden::FixedPoint{int32_t(1) << 29, 36};
    const auto want = c.expected_out();
    const auto got = c.expected_out(c.expected_acc());
    ASSERT_EQ(got.values, want.values) << "seed " << seed;
    ASSERT_EQ(got.amax, want.amax) << "seed " << seed;
    ASSERT_EQ(got.m.m0, want.m.m0) << "seed " << seed;
    ASSERT_EQ(got.m.n, want.m.n) << "seed " << seed;
  }
}

TEST(GemmCase, ShapesFitTheBuffersAndEveryClassAndDistributionAppears) {
  Capacity cap;
  cap.input_depth = 512;
  cap.weight_depth = 512;
  cap.output_depth = 1024;
  std::map<ShapeClass, int> classes;
  std::map<Distribution, int> dists;
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    const GemmCase c = random_gemm_case(seed, cap, {Dataflow::WS, Dataflow::OS});
    ASSERT_LE(c.m * c.k, cap.input_depth) << c.describe();
    ASSERT_LE(c.k * c.n, cap.weight_depth) << c.describe();
    ASSERT_LE(2 * c.m * c.n, cap.output_depth) << c.describe();
    ASSERT_EQ(qta::golden::op_rows(c.a, c.op_a), c.m) << c.describe();
    ASSERT_EQ(qta::golden::op_cols(c.b, c.op_b), c.n) << c.describe();
    for (int32_t v : c.a.data) ASSERT_LE(std::abs(v), 127) << c.describe();
    ++classes[c.shape_class];
    ++dists[c.distribution];
  }
  EXPECT_EQ(classes.size(), size_t(kShapeClasses));
  EXPECT_EQ(dists.size(), size_t(kDistributions));
  for (auto [cls, n] : classes) {
    if (cls != ShapeClass::LoraThin) {
      EXPECT_GT(classes[ShapeClass::LoraThin], n) << shape_class_name(cls);
    }
  }
}

TEST(GemmCase, DistributionsHaveTheirShape) {
  qta::golden::Rng rng(1);
  const auto ext = random_operand(16, 16, Distribution::Extremes, 8, rng);
  for (int32_t v : ext.data) EXPECT_EQ(std::abs(v), 127);
  const auto zeros = random_operand(4, 4, Distribution::Zeros, 8, rng);
  for (int32_t v : zeros.data) EXPECT_EQ(v, 0);
  const auto sparse = random_operand(64, 64, Distribution::Sparse, 8, rng);
  const auto nz = std::count_if(sparse.data.begin(), sparse.data.end(), [](int32_t v) { return v != 0; });
  EXPECT_GT(nz, 64 * 64 / 20);
  EXPECT_LT(nz, 64 * 64 / 5);
  const auto heavy = random_operand(64, 64, Distribution::HeavyTailed, 8, rng);
  const auto small = std::count_if(heavy.data.begin(), heavy.data.end(), [](int32_t v) { return std::abs(v) <= 16; });
  const auto sat = std::count_if(heavy.data.begin(), heavy.data.end(), [](int32_t v) { return std::abs(v) == 127; });
  EXPECT_GT(small, 64 * 64 / 2);
  EXPECT_GT(sat, 0);
}

TEST(GemmCase, ExplicitMultiplierSaturates) {
  GemmCase c = directed_gemm_case("sat", 5, 4, 4, 4, Op::N, Op::N, Dataflow::WS, Rounding::RNE);
  const auto dyn = c.expected_out();
  c.multiplier = qta::golden::FixedPoint{dyn.m.m0, dyn.m.n - 2};  // 4x the dynamic multiplier
  const auto forced = c.expected_out();
  const auto at_max = std::count_if(forced.values.data.begin(), forced.values.data.end(),
                                    [](int32_t v) { return std::abs(v) == 127; });
  EXPECT_GT(at_max, 1);
}

TEST(Coverage, CountsCrossAndEdgeBins) {
  Coverage cov;
  EXPECT_EQ(cov.cross_bins(), 2 * kShapeClasses * 4 * 2);
  EXPECT_EQ(cov.cross_hit(), 0);
  const Capacity cap;
  GemmCase c = directed_gemm_case("d", 1, 1, 1, 1, Op::N, Op::T, Dataflow::AUTO, Rounding::SR);
  cov.sample_gemm(c, Dataflow::OS, c.expected_out(), c.expected_acc(), cap);
  EXPECT_EQ(cov.cross_hit(), 1);
  EXPECT_EQ(cov.to_json()["cross"]["OS/single/ANBT/sr"], 1);
  EXPECT_EQ(cov.to_json()["edges"]["auto.chose_os"], 1);
  EXPECT_EQ(cov.to_json()["edges"]["shape.k_eq_1"], 1);
  EXPECT_THROW(cov.hit("no.such.bin"), std::invalid_argument);
  EXPECT_NE(cov.table().find("not hit"), std::string::npos);
}
