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

// A random WSC case keeps N within one column group and a WSR case K within one row group (the
// scheduler rejects the others with error 7), while their other dimensions still vary: WSR cases
// with several N tiles and fewer rows than groups appear. capacity() carries both groupings.
TEST(GemmCase, WscAndWsrCasesFitTheirGroups) {
  Capacity cap;
  cap.rows = 16;
  cap.cols = 8;
  cap.col_groups = 4;  // WSC: N <= 2
  cap.row_groups = 4;  // WSR: K <= 4
  int wsc = 0, wsr = 0, wsr_multi_n = 0, wsr_short = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    const GemmCase c = random_gemm_shape(seed, cap, {Dataflow::WS, Dataflow::OS, Dataflow::WSC, Dataflow::WSR, Dataflow::AUTO});
    if (c.dataflow == Dataflow::WSC) {
      ASSERT_LE(c.n, 2) << c.describe();
      ++wsc;
    }
    if (c.dataflow == Dataflow::WSR) {
      ASSERT_LE(c.k, 4) << c.describe();
      ++wsr;
      wsr_multi_n += c.n > cap.cols;
      wsr_short += c.m % cap.row_groups != 0;
    }
    ASSERT_LE(c.m * c.k, cap.input_depth) << c.describe();
    ASSERT_LE(c.k * c.n, cap.weight_depth) << c.describe();
    ASSERT_LE(2 * c.m * c.n, cap.output_depth) << c.describe();
  }
  EXPECT_GT(wsc, 300);
  EXPECT_GT(wsr, 300);
  EXPECT_GT(wsr_multi_n, 10) << "WSR cases never have several N tiles";
  EXPECT_GT(wsr_short, 10) << "WSR cases never have M off a multiple of row_groups";
  const qta::gen::Config cfg;  // the 8x8 defaults: col_groups 4, row_groups 2
  EXPECT_EQ(capacity(cfg).col_groups, cfg->col_groups);
  EXPECT_EQ(capacity(cfg).row_groups, cfg->row_groups);
  EXPECT_GT(capacity(cfg).row_groups, 1);
}

// The WSR bins exist only with row groups (the WSC bins only with column groups), and a WSR GEMM
// is sampled into them rather than into the dataflow x shape cross.
TEST(Coverage, WsrGemmsGoToTheWsrBins) {
  const Coverage plain;  // no column or row groups
  EXPECT_FALSE(plain.to_json()["edges"].contains("wsr.ran"));
  EXPECT_FALSE(plain.to_json()["edges"].contains("wsc.ran"));
  Coverage cov(8, 4, 8, 2);  // 8x8, col_groups 4, row_groups 2: WSR runs K <= 4
  for (const char* bin : {"wsr.ran", "auto.chose_wsr", "wsr.multi_n_tiles", "wsr.short_group", "wsr.empty_group",
                          "wsr.full_group", "wsr.transposed", "wsc.ran"})
    EXPECT_TRUE(cov.to_json()["edges"].contains(bin)) << bin;
  Capacity cap;
  cap.col_groups = 4;
  cap.row_groups = 2;
  // AUTO chose WSR for 3 x 9 x 4 with A transposed: a short group, two N tiles, K = R / GR.
  const GemmCase c = directed_gemm_case("wsr", 1, 3, 9, 4, Op::T, Op::N, Dataflow::AUTO, Rounding::RNE);
  cov.sample_gemm(c, Dataflow::WSR, c.expected_out(), c.expected_acc(), cap);
  const auto edges = cov.to_json()["edges"];
  for (const char* bin : {"wsr.ran", "auto.chose_wsr", "wsr.multi_n_tiles", "wsr.short_group", "wsr.full_group",
                          "wsr.transposed"})
    EXPECT_EQ(edges[bin], 1) << bin;
  EXPECT_EQ(edges["wsr.empty_group"], 0) << "M = 3 >= row_groups = 2";
  EXPECT_EQ(edges["auto.chose_ws"], 0);
  EXPECT_EQ(edges["wsc.ran"], 0);
  EXPECT_EQ(cov.cross_hit(), 0) << "a WSR GEMM is not a cross sample";
  // M = 1 < row_groups: the second group has no rows.
  const GemmCase one = directed_gemm_case("wsr1", 2, 1, 2, 1, Op::N, Op::N, Dataflow::WSR, Rounding::SR);
  cov.sample_gemm(one, Dataflow::WSR, one.expected_out(), one.expected_acc(), cap);
  EXPECT_EQ(cov.to_json()["edges"]["wsr.empty_group"], 1);
  EXPECT_EQ(cov.to_json()["edges"]["auto.chose_wsr"], 1) << "an explicit WSR is not AUTO's choice";
  Coverage no_rows(8, 4);  // column groups only
  EXPECT_THROW(no_rows.sample_gemm(c, Dataflow::WSR, c.expected_out(), c.expected_acc(), cap), std::invalid_argument);
}
