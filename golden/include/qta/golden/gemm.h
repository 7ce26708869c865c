// Integer GEMM: int8 (or narrower/wider q-bit) operands, exact int32 accumulation.
#pragma once

#include "qta/golden/matrix.h"

namespace qta::golden {

// C = op(A) * op(B). Every product is accumulated exactly. Before computing, checks that the worst
// case K * qmax^2 fits a signed acc_width-bit accumulator and throws qta::UsageError naming K,
// q and the accumulator width otherwise (it reports, it never wraps). Also rejects operand values
// outside [-qmax, qmax] and mismatched inner dimensions.
MatI gemm_int(const MatI& a, Op op_a, const MatI& b, Op op_b, int q = 8, int acc_width = 32);

// Largest K for which K * qmax^2 fits a signed acc_width-bit accumulator.
int64_t max_safe_k(int q, int acc_width);

}  // namespace qta::golden
