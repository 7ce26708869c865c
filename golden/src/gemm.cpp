#include "qta/golden/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

#include "qta/cli.h"
#include "qta/golden/quant.h"

namespace qta::golden {

int64_t max_safe_k(int q, int acc_width) {
  const int64_t qmax = qmax_for(q);
  const __int128 acc_max = (__int128{1} << (acc_width - 1)) - 1;
  return int64_t(std::min<__int128>(acc_max / (qmax * qmax), INT64_MAX));
}

static void check_operand_range(const MatI& x, const char* which, int32_t qmax) {
  for (int64_t i = 0; i < x.size(); ++i)
    if (std::abs(x.data[size_t(i)]) > qmax)
      throw UsageError(fmt::format("gemm: operand {} element {} (row {}, col {}) = {} is outside [-{}, {}]", which, i,
                                   i / x.cols, i % x.cols, x.data[size_t(i)], qmax, qmax));
}

MatI gemm_int(const MatI& a, Op op_a, const MatI& b, Op op_b, int q, int acc_width) {
  if (acc_width < 2 || acc_width > 32)
    throw UsageError(fmt::format("gemm: accumulator width {} is not supported; valid: 2..32 bits", acc_width));
  const int32_t qmax = qmax_for(q);
  const int64_t m = op_rows(a, op_a), k = op_cols(a, op_a), n = op_cols(b, op_b);
  if (op_rows(b, op_b) != k)
    throw UsageError(fmt::format("gemm: op(A) is {} but op(B) is {}; the inner dimensions must agree",
                                 shape_str(m, k), shape_str(op_rows(b, op_b), n)));
  if (k > max_safe_k(q, acc_width))
    throw UsageError(fmt::format("gemm: K = {} with q = {} can overflow a {}-bit accumulator (K * qmax^2 > 2^{} - 1); "
                                 "valid K: 1..{}",
                                 k, q, acc_width, acc_width - 1, max_safe_k(q, acc_width)));
  check_operand_range(a, "A", qmax);
  check_operand_range(b, "B", qmax);
  // C(i, j) = sum over p of op(A)(i, p) * op(B)(p, j). The rows of op(A) and the columns of op(B)
  // are copied out contiguous first, so that the sum walks two arrays with unit stride (the test
  // benches call this for every GEMM they check: with op_at's strided reads it was 10% of a 64x64
  // random-GEMM run). Every partial sum is bounded by K * qmax^2, which the check above keeps
  // within the accumulator, so int32_t holds it exactly (as the accumulator register does).
  const MatI rows_a = op_a == Op::N ? a : transpose(a);  // M x K: row i is op(A)(i, :)
  const MatI cols_b = op_b == Op::T ? b : transpose(b);  // N x K: row j is op(B)(:, j)
  MatI c(m, n);
  for (int64_t i = 0; i < m; ++i) {
    const int32_t* ai = rows_a.data.data() + i * k;
    for (int64_t j = 0; j < n; ++j) {
      const int32_t* bj = cols_b.data.data() + j * k;
      int32_t acc = 0;
      for (int64_t p = 0; p < k; ++p) acc += ai[p] * bj[p];
      c(i, j) = acc;
    }
  }
  return c;
}

}  // namespace qta::golden
