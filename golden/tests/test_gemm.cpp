// Integer GEMM: every transpose combination, exact accumulation, overflow reported not wrapped.
#include <gtest/gtest.h>

#include "qta/cli.h"
#include "qta/golden/gemm.h"

using namespace qta::golden;

namespace {
MatI mat(int64_t r, int64_t c, std::vector<int32_t> v) {
  MatI m(r, c);
  m.data = std::move(v);
  return m;
}
MatI random_int(int64_t r, int64_t c, int32_t qmax, Rng& rng) {
  MatI m(r, c);
  for (auto& v : m.data) v = int32_t(rng.next_u64() % uint64_t(2 * qmax + 1)) - qmax;
  return m;
}
}  // namespace

TEST(Gemm, HandWorkedTwoByTwoInEveryTransposeCombination) {
  const MatI a = mat(2, 2, {1, 2, 3, 4}), b = mat(2, 2, {5, 6, 7, 8});
  EXPECT_EQ(gemm_int(a, Op::N, b, Op::N).data, (std::vector<int32_t>{19, 22, 43, 50}));
  EXPECT_EQ(gemm_int(a, Op::T, b, Op::N).data, (std::vector<int32_t>{26, 30, 38, 44}));
  EXPECT_EQ(gemm_int(a, Op::N, b, Op::T).data, (std::vector<int32_t>{17, 23, 39, 53}));
  EXPECT_EQ(gemm_int(a, Op::T, b, Op::T).data, (std::vector<int32_t>{23, 31, 34, 46}));
}

TEST(Gemm, TransposeFlagsEqualExplicitTransposesOnRandomNonSquareShapes) {
  Rng rng(3);
  const int64_t m = 5, n = 7, k = 9;
  const MatI a = random_int(m, k, 127, rng), b = random_int(k, n, 127, rng);
  const MatI ref = gemm_int(a, Op::N, b, Op::N);
  ASSERT_EQ(ref.rows, m);
  ASSERT_EQ(ref.cols, n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += int64_t(a(i, p)) * b(p, j);
      ASSERT_EQ(ref(i, j), acc) << "(" << i << "," << j << ")";
    }
  EXPECT_EQ(gemm_int(transpose(a), Op::T, b, Op::N), ref);
  EXPECT_EQ(gemm_int(a, Op::N, transpose(b), Op::T), ref);
  EXPECT_EQ(gemm_int(transpose(a), Op::T, transpose(b), Op::T), ref);
}

TEST(Gemm, WorstCaseAccumulationIsExact) {
  const int64_t k = 1000;
  const MatI a(1, k, -127), b(k, 1, -127);
  EXPECT_EQ(gemm_int(a, Op::N, b, Op::N)(0, 0), 1000 * 16129);
}

TEST(Gemm, OverflowIsReportedNotWrapped) {
  EXPECT_EQ(max_safe_k(8, 32), 133144);  // (2^31 - 1) / 127^2
  EXPECT_EQ(max_safe_k(8, 16), 2);
  const MatI a(1, 3, 127), b(3, 1, 127);
  try {
    gemm_int(a, Op::N, b, Op::N, 8, 16);
    FAIL() << "K = 3 with a 16-bit accumulator must be rejected";
  } catch (const qta::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("K = 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("16-bit"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(gemm_int(MatI(1, 2, 1), Op::N, MatI(2, 1, 1), Op::N, 16, 32));  // 2 * 32767^2 < 2^31
  EXPECT_THROW(gemm_int(MatI(1, 3, 1), Op::N, MatI(3, 1, 1), Op::N, 16, 32), qta::UsageError);  // 3 * 32767^2
  EXPECT_NO_THROW(gemm_int(MatI(1, 2, 1), Op::N, MatI(2, 1, 1), Op::N, 8, 16));
}

TEST(Gemm, RejectsBadOperands) {
  EXPECT_THROW(gemm_int(MatI(2, 3), Op::N, MatI(2, 3), Op::N), qta::UsageError);  // inner 3 vs 2
  EXPECT_THROW(gemm_int(mat(1, 1, {-128}), Op::N, mat(1, 1, {1}), Op::N), qta::UsageError);  // outside +-127
  EXPECT_THROW(gemm_int(mat(1, 1, {8}), Op::N, mat(1, 1, {1}), Op::N, 4), qta::UsageError);   // outside +-7
}
